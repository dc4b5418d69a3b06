from . import exito
