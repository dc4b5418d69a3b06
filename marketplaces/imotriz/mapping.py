"""iMotriz payloads -> canonical records."""

import hashlib
import json
from datetime import timezone

from ..base import PayloadError, _
from ..records import Address, Buyer, MarketOrder, MarketOrderLine, RawOrder
from ..schemas import validate_order
from . import const
from .schemas import ImotrizRecord


def _order_part(payload):
    order = payload.get("order") if isinstance(payload, dict) else None
    return order if isinstance(order, dict) else {}


def raw_order(payload):
    """Wrap one record (``{order, products, buyer}``) for storage, whatever its content.

    ``ref`` is ``order.id``, ``number`` the order's ``reference`` (its id when it has none). A
    record without an id is still stored (under a digest of its content) so that nothing iMotriz
    sent is lost: newOrders never sends it again. Its import then fails saying what is missing.
    """
    order = _order_part(payload)
    order_id = order.get("id")
    if order_id not in (None, "") and not isinstance(order_id, (dict, list, bool)):
        ref = str(int(order_id)) if isinstance(order_id, float) and order_id.is_integer() else str(order_id)
        reference = order.get("reference")
        number = str(reference) if reference not in (None, "") else ref
        return RawOrder(ref=ref, number=number, payload=payload)
    digest = hashlib.sha1(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    return RawOrder(ref=f"no-id-{digest[:16]}", number="", payload=payload)


def order_from_payload(payload, country="CO"):
    """Map one iMotriz record to a ``MarketOrder``.

    :param str country: the store's country (``CO``, ``MX``, ``EC``, ``CR``): the buyer's country
        and the currency of an order that carries none
    :raise PayloadError: when a field the import needs is missing or wrong, or when the lines and
        shipping do not add up to ``order.total``
    """
    record = validate_order(ImotrizRecord, payload, const.LABEL,
                            lambda payload: _order_part(payload).get("reference") or _order_part(payload).get("id"))

    order, buyer = record.order, record.buyer
    number = order.reference or order.id
    lines = [
        MarketOrderLine(
            ref=product.id or product.code,
            name=product.name or product.code or product.id,
            quantity=product.quantity,
            unit_price=product.unit_price,
            seller_sku=product.code or "",
            marketplace_product_id=product.id or "",
        )
        for product in record.products
    ]
    goods_total = sum(line.unit_price * line.quantity for line in lines)
    shipping = order.shipping_cost or 0.0
    if abs(goods_total + shipping - order.total) > const.TOTAL_TOLERANCE:
        raise PayloadError(
            _("%(marketplace)s order %(number)s: the products add up to %(lines)s and shipping is %(shipping)s, "
              "but the order total is %(total)s."),
            marketplace=const.LABEL, number=number, lines=f"{goods_total:g}", shipping=f"{shipping:g}",
            total=f"{order.total:g}")
    return MarketOrder(
        ref=order.id,
        number=number,
        date_order=order.created_at.astimezone(timezone.utc),
        status=order.status or "",
        currency=(order.currency or const.CURRENCIES[country]).upper(),
        buyer=Buyer(
            name=buyer.name,
            identification=buyer.identification or "",
            email=buyer.email or "",
            phone=buyer.mobile or "",
            address=Address(
                street=buyer.address or "",
                city=buyer.city or "",
                state_name=buyer.state or "",
                country_code=country,
            ),
        ),
        lines=lines,
        goods_total=goods_total,
        shipping_amount=shipping,
        channel=const.LABEL,
    )
