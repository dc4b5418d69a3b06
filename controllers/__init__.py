from . import ingress
from . import exito
from . import marketful
from . import xmart
