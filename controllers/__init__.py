from . import exito
from . import marketful
