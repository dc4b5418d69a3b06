from . import log_redaction
from . import exito
from . import marketful
from . import xmart

log_redaction.install()
