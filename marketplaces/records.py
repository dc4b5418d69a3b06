"""Canonical records: what every marketplace client speaks to the Odoo side.

Marketplace payloads are mapped to these records in each marketplace's ``mapping.py``; the
Odoo models only ever see these. Amounts are floats in the order's currency, as Odoo stores
them; datetimes are timezone-aware (UTC) so that Odoo can store them naive in UTC.
"""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(slots=True)
class Address:
    """A postal address.

    ``state_code`` is the subdivision code as Odoo's ``res.country.state.code`` stores it
    (``ANT`` for Antioquia), ``country_code`` the ISO 3166-1 alpha-2 code, ``city_code`` an
    official city code when the marketplace gives one (DANE code in Colombia).
    """

    street: str = ""
    street2: str = ""
    city: str = ""
    state_code: str = ""
    state_name: str = ""
    zip: str = ""
    country_code: str = ""
    city_code: str = ""


@dataclass(slots=True)
class Buyer:
    """The person who bought, with the address the order ships to."""

    name: str
    identification: str = ""
    email: str = ""
    phone: str = ""
    address: Address = field(default_factory=Address)


@dataclass(slots=True)
class MarketOrderLine:
    """One line of a marketplace order.

    ``unit_price`` is what the buyer paid per unit, taxes included. ``ref`` is the
    marketplace's own id of the line, needed later to report what shipped.
    """

    ref: str
    name: str
    quantity: float
    unit_price: float
    ean: str = ""
    seller_sku: str = ""
    marketplace_sku: str = ""
    marketplace_product_id: str = ""


@dataclass(slots=True)
class MarketOrder:
    """A marketplace order, mapped from the marketplace's payload.

    ``goods_total`` is the total of the lines and ``shipping_amount`` what the buyer paid for
    shipping, both taxes included. ``discount`` is an order-level reduction (taxes included) the
    marketplace granted on top of the lines (X-Mart's coupons and promotions; 0 elsewhere): the
    Odoo order must total ``grand_total`` = ``goods_total + shipping_amount - discount``.
    """

    ref: str
    number: str
    date_order: datetime
    status: str
    currency: str
    buyer: Buyer
    lines: list[MarketOrderLine]
    goods_total: float
    shipping_amount: float = 0.0
    channel: str = ""
    delivery_type: str = ""
    max_delivery_date: datetime | None = None
    label_url: str = ""
    commission: float = 0.0
    status_code: str = ""
    seller_id: str = ""
    discount: float = 0.0

    @property
    def grand_total(self):
        return self.goods_total + self.shipping_amount - self.discount


@dataclass(slots=True)
class OrderQuery:
    """What to read from a marketplace's order list: a creation window and a status."""

    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None


@dataclass(slots=True)
class RawOrder:
    """An order payload as the marketplace sent it, with the keys needed to store it.

    The payload is kept untouched so that a payload the mapping cannot read is stored
    anyway and can be imported after a fix.
    """

    ref: str
    number: str
    payload: dict


@dataclass(slots=True)
class OrderPage:
    """One page of a marketplace's order list.

    ``next_cursor`` is what to send to read the next page, ``None`` on the last page.
    """

    orders: list[RawOrder]
    next_cursor: str | None = None
    remaining: int | None = None


@dataclass(slots=True)
class NewOrdersPage:
    """One answer of a marketplace's "new orders" feed, which marks what it returns as read
    (iMotriz ``newOrders``): ``total`` orders were unread before the call, ``returned`` came
    with it, ``pending`` are left for the next call."""

    orders: list[RawOrder]
    total: int = 0
    returned: int = 0
    pending: int = 0


# -- catalog: products ----------------------------------------------------------------------


@dataclass(slots=True)
class Dimensions:
    """Size and weight of a product or of its package, in the marketplace's units (Éxito: cm
    and kg). ``0`` means unknown."""

    height: float = 0
    length: float = 0
    width: float = 0
    weight: float = 0


@dataclass(slots=True)
class ProductListing:
    """A product (one variant, one EAN) to publish on a marketplace catalog.

    ``ean`` empty asks the marketplace for a generic EAN (Éxito: sent as ``"0"``).
    ``product_type`` is ``Technology`` or ``Clothing``; Clothing variants of one reference share
    ``parent_reference`` and carry ``size`` and ``color``. ``combo_eans`` lists the EANs of the
    products a combo is made of (empty: not a combo). ``features`` are ``(key, value)`` pairs
    of the category's specifications.
    """

    ean: str
    seller_sku: str
    name: str
    category: str
    brand: str
    description: str
    keywords: str
    product_type: str
    package: Dimensions = field(default_factory=Dimensions)
    product: Dimensions = field(default_factory=Dimensions)
    shipping_size: str = "1"
    images: list[str] = field(default_factory=list)
    measurement_unit: str = "Unidad"
    conversion_factor: str = "1"
    drained_factor: str | None = None
    logistics_exito: bool = False
    modify_image: str | None = None
    combo_eans: list[str] = field(default_factory=list)
    features: list[tuple[str, str]] = field(default_factory=list)
    parent_reference: str = ""
    son_reference: str = ""
    size: str = ""
    color: str = ""
    hex_colour_name: str = ""


@dataclass(slots=True)
class ListingIssue:
    """What the marketplace said about one product it did not take."""

    ean: str
    message: str
    product_name: str = ""
    code: str = ""


@dataclass(slots=True)
class ProductPushResult:
    """The marketplace's immediate answer to a batch of products."""

    total: int
    errors: int
    successful: int
    issues: list[ListingIssue] = field(default_factory=list)


@dataclass(slots=True)
class BulkStatus:
    """State of the last product batch (Éxito: 4 starting, 1 processing, 2 done, 3 done with
    errors). No new batch can be sent while it is ``active``."""

    status: int
    issues: list[ListingIssue] = field(default_factory=list)
    total: int = 0
    errors: int = 0
    successful: int = 0
    checked: bool = False

    @property
    def active(self):
        return self.status in (1, 4)

    @property
    def finished(self):
        return self.status in (2, 3)


@dataclass(slots=True)
class CategorySpec:
    """One specification (feature) of a marketplace category; ``values`` lists the allowed
    values, empty when the value is free text."""

    group: str
    name: str
    label: str
    required: bool
    values: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ModerationResult:
    """The marketplace's content team approved or rejected a product (callback)."""

    ean: str
    seller_sku: str
    approved: bool
    comment: str = ""
    reason: str = ""
    is_updating: bool = False


# -- catalog: offers ------------------------------------------------------------------------


@dataclass(slots=True)
class ComboComponent:
    """One product of a combo offer, with its share of the combo's price."""

    ean: str
    price: float
    quantity: int = 1


@dataclass(slots=True)
class Offer:
    """Price and stock of a product (by EAN) for the seller.

    ``periodicity`` says how ``promise_delivery`` counts (1 business days, 2 hours).
    ``stock_changed`` asks the marketplace to apply ``stock``. ``city_code`` (DANE code) and
    ``address`` restrict the offer to a city. ``combo`` lists the components of a combo
    (empty: not a combo). ``update_only`` sends only EAN, stock, price and seller SKU.
    """

    ean: str
    price: float
    stock: int | None = None
    seller_sku: str = ""
    discount_price: float | None = None
    freight_cost: float | None = None
    promise_delivery: str = ""
    periodicity: int = 1
    warranty: int | None = None
    free_shipping: bool = False
    envios_exito: bool = False
    freight_calculator: bool = False
    logistics_exito: bool = False
    stock_changed: bool = True
    currency: str = "COP"
    city_code: str = ""
    address: str = ""
    combo: list[ComboComponent] = field(default_factory=list)
    update_only: bool = False


@dataclass(slots=True)
class OfferIssue:
    """What the marketplace said about one offer it did not take."""

    ean: str
    message: str
    code: str = ""

    @property
    def needs_price_approval(self):
        """The price changed too much: send again with price approval to confirm."""
        return self.code == "PEX"


@dataclass(slots=True)
class OfferPushResult:
    """The marketplace's immediate answer to a batch of offers."""

    total: int
    errors: int
    successful: int
    issues: list[OfferIssue] = field(default_factory=list)


@dataclass(slots=True)
class OfferNotification:
    """The marketplace processed an offer (callback): ``ok`` or the reason it did not."""

    ean: str
    ok: bool
    message: str


# -- fulfilment and settlements -------------------------------------------------------------


@dataclass(slots=True)
class Shipment:
    """Tracking of the lines (marketplace line ids ``line_refs``) of an order that shipped."""

    order_ref: str
    tracking: str
    carrier: str
    line_refs: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TrackingResult:
    """``updated``: line ids the marketplace updated; ``errors``: readable messages of the
    lines it refused."""

    updated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status: str = ""


@dataclass(slots=True)
class SettlementLine:
    """One product line of a marketplace settlement (bill)."""

    ref: str
    name: str
    ean: str
    quantity: float
    commission: float
    price: float
    shipping_cost: float
    total_shipping_cost: float


@dataclass(slots=True)
class Settlement:
    """What the marketplace paid or charged for one order: commission, VAT, total."""

    ref: str
    billing_number: str
    order_number: str
    payment_order: str
    concept: str
    payment_date: datetime | None
    commission: float
    iva: float
    total: float
    lines: list[SettlementLine] = field(default_factory=list)


@dataclass(slots=True)
class SettlementPage:
    """One page of a marketplace's settlement list; ``next_cursor`` ``None`` on the last."""

    settlements: list[Settlement]
    next_cursor: str | None = None
    remaining: int | None = None
