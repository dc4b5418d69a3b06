"""X-Mart-specific records (the canonical ones are in ``marketplaces.records``).

Stores, sales channels and lists are what the seller configures on X-Mart; the mapping turns them
into the payloads of ``const.py`` and back. Amounts are in the account's currency, taxes included;
datetimes are timezone-aware (UTC) or ``None``.
"""

from dataclasses import dataclass, field
from datetime import datetime

# -- stores and sales channels ------------------------------------------------------------------


@dataclass(slots=True)
class Schedule:
    """An opening slot: ``day`` one of ``const.WEEKDAYS`` (``MONDAY``), ``start`` and ``end`` as
    ``HH:MM`` (24 h, the store's local time)."""

    day: str
    start: str
    end: str


@dataclass(slots=True)
class ChannelSchedule:
    """The opening slots of a store on one sales channel."""

    channel_id: str
    schedules: list[Schedule] = field(default_factory=list)


@dataclass(slots=True)
class Store:
    """A store of a brand (``vendor_id``) on X-Mart.

    ``store_id`` is X-Mart's id (empty for a store X-Mart does not know yet: it gives one), ``code``
    the seller's own store code. ``services`` lists ``DELIVERY`` and/or ``PICKUP``. ``tax_rate`` is a
    percentage. ``zone_ids`` are the coverage zones X-Mart configured for the store. ``channel_ids``
    are the sales channels the store sells on. ``payload`` is the store as X-Mart sent it (empty for a
    store built locally); it is informative and never sent back.
    """

    store_id: str
    vendor_id: str
    code: str
    name: str
    status: str = "ACTIVE"
    services: list[str] = field(default_factory=list)
    schedules: list[ChannelSchedule] = field(default_factory=list)
    tax_rate: float = 0.0
    tax_included: bool = True
    phone: str = ""
    email: str = ""
    contact_name: str = ""
    zone_ids: list[str] = field(default_factory=list)
    delivery_fee: float = 0.0
    minimum_order: float = 0.0
    city_id: str = ""
    city_name: str = ""
    sector_id: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    channel_ids: list[str] = field(default_factory=list)
    payload: dict = field(default_factory=dict)

    @property
    def active(self):
        return self.status == "ACTIVE"


@dataclass(slots=True)
class ListRef:
    """A list (catalog) a sales channel shows."""

    list_id: str
    list_name: str = ""


@dataclass(slots=True)
class Channel:
    """A sales channel of a brand (an app, a web shop); ``name`` is X-Mart's ``channel``."""

    channel_id: str
    name: str
    vendor_id: str
    reference_name: str = ""
    lists: list[ListRef] = field(default_factory=list)


@dataclass(slots=True)
class ChannelsStoresResult:
    """X-Mart's answer to a channels-and-stores configuration: how many stores and channels it now
    has, and the X-Mart id of every store sent, by store code (new stores get theirs here)."""

    stores: int
    channels: int
    store_ids: dict[str, str] = field(default_factory=dict)


# -- lists (catalog) ----------------------------------------------------------------------------


@dataclass(slots=True)
class ListProduct:
    """A product of a list. ``sku`` is the seller's SKU (X-Mart's ``productId``, and what orders
    carry back); ``price`` is taxes included; ``tax_rate`` a percentage; ``schedules`` empty means
    always on sale; ``images`` are URLs, the first one first."""

    sku: str
    name: str
    price: float
    currency: str
    description: str = ""
    category_id: str = ""
    ean: str = ""
    tax_rate: float = 0.0
    stock: float = 0.0
    available: bool = True
    schedules: list[Schedule] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CatalogList:
    """A list (catalog) of a brand's channel and store; X-Mart replaces the whole list with what is
    sent. ``categories`` are ``(category_id, name)`` pairs; ``list_id`` empty creates the list."""

    name: str
    vendor_id: str
    channel_id: str
    store_id: str
    products: list[ListProduct]
    categories: list[tuple[str, str]] = field(default_factory=list)
    list_id: str = ""


@dataclass(slots=True)
class ListResult:
    """X-Mart's answer to a list: its id, name, whether it is active, and the id of the
    synchronisation it started (read its report with ``get_sync_report``)."""

    list_id: str
    name: str
    active: bool
    sync_id: str = ""


@dataclass(slots=True)
class SyncError:
    """A product X-Mart could not take from a list, and why."""

    product_id: str
    message: str


@dataclass(slots=True)
class SyncReport:
    """The last synchronisation of a list: ``status`` one of ``const.SYNC_STATUSES`` (read again
    later while ``PROCESSING``), ``total`` products processed, ``errors`` the ones refused."""

    list_id: str
    sync_id: str
    status: str
    processed_at: datetime | None
    total: int
    errors: list[SyncError] = field(default_factory=list)

    @property
    def processing(self):
        return self.status == "PROCESSING"


# -- orders, coupons, payments -------------------------------------------------------------------


@dataclass(slots=True)
class WebhookNotice:
    """X-Mart's new-order webhook: a hint to read order ``order_id`` (``get_order``).
    ``created_at`` is ``None`` when X-Mart sent no readable date."""

    order_id: str
    store_id: str = ""
    channel_id: str = ""
    created_at: datetime | None = None
    event: str = "NEW_ORDER"


@dataclass(slots=True)
class CouponResult:
    """A redeemed coupon: X-Mart's id of the redemption and the discount granted."""

    coupon_id: str
    discount: float
    redeemed_at: datetime | None = None


@dataclass(slots=True)
class PaymentInfo:
    """How an order was paid. ``transactions`` are X-Mart's entries as sent
    (``{"id", "type", "amount", "status"}``)."""

    order_id: str
    method: str
    status: str
    amount: float
    currency: str
    paid_at: datetime | None = None
    transactions: list[dict] = field(default_factory=list)


# -- onboarding files ----------------------------------------------------------------------------


@dataclass(slots=True)
class Place:
    """A city or a sector of the admin's files; ``city`` is the sector's city (empty for a city)."""

    name: str
    latitude: float
    longitude: float
    city: str = ""


@dataclass(slots=True)
class Zone:
    """A coverage zone: ``polygons`` are closed rings (first point repeated last) of
    ``(longitude, latitude)`` points, KML order; a zone may have several polygons."""

    name: str
    code: str
    city: str = ""
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)
