"""XStak OMS (Pakistan): sales orders by status, location and date."""

from ..tokens import MemoryTokenStore, TokenStore
from .client import XstakClient
from .records import XstakQuery

__all__ = ["MemoryTokenStore", "TokenStore", "XstakClient", "XstakQuery"]
