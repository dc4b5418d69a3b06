"""XStak OMS (Pakistan): sales orders by status, location and date."""

from .client import MemoryTokenStore, TokenStore, XstakClient
from .records import XstakQuery

__all__ = ["MemoryTokenStore", "TokenStore", "XstakClient", "XstakQuery"]
