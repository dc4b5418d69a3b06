"""X-Mart (white-label stores, lists and orders on each brand's host): stores and sales channels,
lists, new-order webhook and retrieval, fulfillment, coupons, payments, and the onboarding files."""

from . import const, mapping, onboarding
from ..tokens import MemoryTokenStore, TokenStore
from .client import XmartClient
from .records import (
    CatalogList,
    Channel,
    ChannelSchedule,
    ChannelsStoresResult,
    CouponResult,
    ListProduct,
    ListRef,
    ListResult,
    PaymentInfo,
    Place,
    Schedule,
    Store,
    SyncError,
    SyncReport,
    WebhookNotice,
    Zone,
)

__all__ = [
    "CatalogList",
    "Channel",
    "ChannelSchedule",
    "ChannelsStoresResult",
    "CouponResult",
    "ListProduct",
    "ListRef",
    "ListResult",
    "MemoryTokenStore",
    "PaymentInfo",
    "Place",
    "Schedule",
    "Store",
    "SyncError",
    "SyncReport",
    "TokenStore",
    "WebhookNotice",
    "XmartClient",
    "Zone",
    "const",
    "mapping",
    "onboarding",
]
