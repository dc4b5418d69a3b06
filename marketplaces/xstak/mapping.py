"""XStak payloads -> canonical records."""

import hashlib
import json
from datetime import timezone

from ..base import PayloadError, _
from ..records import Address, Buyer, MarketOrder, MarketOrderLine, RawOrder
from ..schemas import validate_order
from . import const
from .schemas import XstakOrder


def raw_order(payload):
    """Wrap one entry of ``orders`` for storage, whatever its content.

    An entry without an id is still stored (under a digest of its content) so that nothing XStak
    sent is lost; its import then fails with a message saying what is missing.
    """
    if isinstance(payload, dict) and payload.get("id") not in (None, ""):
        return RawOrder(ref=_text(payload["id"]), number=_text(payload.get("order_number")), payload=payload)
    digest = hashlib.sha1(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    return RawOrder(ref=f"no-id-{digest[:16]}", number="", payload=payload)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def location_of(payload):
    """``(location_id, location_code)`` of an order payload: ``("101", 101)``; ``""`` / ``None``
    when absent. The Odoo side maps them to a warehouse."""
    if not isinstance(payload, dict):
        return "", None
    code = payload.get("location_code")
    try:
        code = None if code in (None, "") or isinstance(code, bool) else int(code)
    except (TypeError, ValueError):
        code = None
    return _text(payload.get("location_id")), code


def order_from_payload(payload):
    """Map one XStak sales order (an entry of ``orders``) to a ``MarketOrder``.

    :raise PayloadError: when a field the import needs is missing or wrong, or when the lines and
        shipping do not add up to ``total_amount``
    """
    order = validate_order(XstakOrder, payload, const.LABEL,
                           lambda payload: payload.get("order_number") or payload.get("id"))

    lines = [
        MarketOrderLine(
            ref=item.id,
            name=item.name or item.sku or item.id,
            quantity=item.quantity,
            unit_price=item.unit_price,
            seller_sku=item.sku or "",
        )
        for item in order.line_items
    ]
    shipping = order.shipping_amount or 0.0
    lines_total = sum(line.unit_price * line.quantity for line in lines)
    if abs(lines_total + shipping - order.total_amount) > const.TOTAL_TOLERANCE:
        raise PayloadError(
            _("%(marketplace)s order %(number)s: the lines (%(lines)s) and shipping (%(shipping)s) add up to "
              "%(sum)s but total_amount is %(total)s."),
            marketplace=const.LABEL, number=order.order_number, lines=f"{lines_total:g}",
            shipping=f"{shipping:g}", sum=f"{lines_total + shipping:g}", total=f"{order.total_amount:g}")
    address = order.shipping_address
    customer = order.customer
    location_id, location_code = order.location_id or "", order.location_code
    return MarketOrder(
        ref=order.id,
        number=order.order_number,
        date_order=order.created_at.astimezone(timezone.utc),
        status=order.order_status or "",
        status_code=order.order_status or "",
        currency=(order.currency or const.CURRENCY).upper(),
        buyer=Buyer(
            name=customer.name,
            identification=customer.cnic or "",
            email=customer.email or "",
            phone=customer.phone or "",
            address=Address(
                street=address.address1 or "",
                street2=address.address2 or "",
                city=address.city or "",
                state_name=address.province or "",
                zip=address.postal_code or "",
                country_code=(address.country_code or const.COUNTRY_CODE).upper(),
            ) if address else Address(country_code=const.COUNTRY_CODE),
        ),
        lines=lines,
        # the Odoo order totals goods_total + shipping_amount = total_amount
        goods_total=order.total_amount - shipping,
        shipping_amount=shipping,
        channel=str(location_code) if location_code is not None else location_id,
    )
