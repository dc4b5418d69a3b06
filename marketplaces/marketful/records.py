"""Small records the Marketful client takes and returns (no Odoo, no HTTP)."""

from dataclasses import dataclass, field


@dataclass(slots=True)
class Item:
    """A product registered (or to register) in Marketful. ``item_id`` is Marketful's id."""

    sku: str = ""
    title: str = ""
    list_price: float | None = None
    height: float | None = None
    width: float | None = None
    length: float | None = None
    weight: float | None = None
    ean: str = ""
    item_id: int | str | None = None


@dataclass(slots=True)
class ItemResult:
    """What Marketful did with one item: saved (with its Marketful id) or refused (with why).

    ``index`` is the item's position in the request when Marketful gives it (refused items), so that an
    item refused for a missing or repeated SKU can still be told apart.
    """

    sku: str
    saved: bool
    item_id: str = ""
    reason: str = ""
    index: int | None = None


@dataclass(slots=True)
class Stock:
    """Stock available for sale of one item."""

    sku: str
    available_quantity: float
    ean: str = ""
    item_id: str = ""


@dataclass(slots=True)
class OrderLine:
    sku: str
    cantidad: int


@dataclass(slots=True)
class FulfillmentOrder:
    """A multichannel order Marketful must fulfil (seed: POST /shopi_orders/multicanal_api)."""

    num_orden: str
    orden_id: str
    customer: str
    carrier: str
    phone: str
    street: str
    exterior_number: str
    colonia: str
    city: str
    state: str
    postal_code: str
    canal: str
    tipo_envio: str
    items: list[OrderLine] = field(default_factory=list)
    interior_number: str = ""
    insured: bool = False


@dataclass(slots=True)
class FulfillmentOrderResult:
    """Marketful's answer to a new multichannel order."""

    order_id: str
    message: str = ""
    payload: dict = field(default_factory=dict)


@dataclass(slots=True)
class MarketfulOrder:
    """An order as ``get_orders`` returns it."""

    order_id: str
    num_orden: str = ""
    orden_id: str = ""
    canal: str = ""
    carrier: str = ""
    tracking_number: str = ""
    label_url: str = ""
    fulfillment_status: str = ""
    payload: dict = field(default_factory=dict)


@dataclass(slots=True)
class EntryOrderResult:
    """An entry order: its token when created, else the SKUs Marketful refused."""

    order_token: str = ""
    rejected: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def created(self):
        return bool(self.order_token)


@dataclass(slots=True)
class ShipmentEvent:
    """One shipment event of an order (``get_events``); ``number`` (``num_orden``) and ``channel``
    (``canal``) name the order, from the event or else from the order the answer describes."""

    status: str
    description: str = ""
    date: str = ""
    tracking_number: str = ""
    event_id: str = ""
    carrier: str = ""
    number: str = ""
    channel: str = ""


@dataclass(slots=True)
class Webhook:
    webhook_id: str
    topic: str
    url: str


@dataclass(slots=True)
class WebhookRegistration:
    """Result of ``create_webhook``: the webhook, or ``conflict`` when the topic already has one
    with another URL (Marketful keeps the old one)."""

    topic: str
    url: str
    webhook: Webhook | None = None
    conflict: bool = False
    message: str = ""

    @property
    def created(self):
        return self.webhook is not None and not self.conflict


@dataclass(slots=True)
class WebhookEvent:
    """A notification Marketful pushed to a webhook URL.

    ``order_ref`` is Marketful's order id (the order's ``order_id``, or the shipment event's ``order_id``);
    ``number`` the order number (``num_orden``); ``order_id`` the seller's order id (``orden_id``, on
    order notifications only); ``event_id`` the shipment event's id (``shipment_event/created`` only);
    ``label_url`` the shipping label (``url_guia_pdf``) once shipped. ``payload`` is the whole body.
    """

    topic: str
    order_ref: str
    number: str = ""
    order_id: str = ""
    channel: str = ""
    event_id: str = ""
    status: str = ""
    delivered: bool = False
    tracking_number: str = ""
    carrier: str = ""
    label_url: str = ""
    payload: dict = field(default_factory=dict)
