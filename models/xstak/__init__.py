from . import marketplace_xstak_location
from . import marketplace_account
