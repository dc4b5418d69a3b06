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
    shipping, both taxes included: the Odoo order must total ``goods_total + shipping_amount``.
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

    @property
    def grand_total(self):
        return self.goods_total + self.shipping_amount


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
