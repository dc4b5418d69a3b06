"""Éxito payloads <-> canonical records."""

import hashlib
import json
from datetime import timezone

from pydantic import ValidationError

from .. import colombia
from ..base import PayloadError, _
from ..records import Address, Buyer, MarketOrder, MarketOrderLine, RawOrder
from . import const
from .schemas import ExitoOrder


def describe_validation_error(error):
    """One readable line per problem of a pydantic error: ``products.0.ean: ...``."""
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "payload"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


def raw_order(payload):
    """Wrap one entry of ``viewModel`` for storage, whatever its content.

    An entry without an id is still stored (under a digest of its content) so that nothing
    Éxito sent is lost; its import then fails with a message saying what is missing.
    """
    if isinstance(payload, dict) and payload.get("id") not in (None, ""):
        return RawOrder(ref=str(payload["id"]), number=str(payload.get("orderNumber") or ""),
                        payload=payload)
    digest = hashlib.sha1(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    return RawOrder(ref=f"no-id-{digest[:16]}", number="", payload=payload)


def parse_address(text, dane_code):
    """Éxito writes the address as one line: ``street, CITY, DEPARTMENT, Colombia``.

    The DANE code gives city and department when it is known; otherwise they come from the
    text.
    """
    parts = [part.strip() for part in (text or "").split(",")]
    if parts and parts[-1].lower() == "colombia":
        parts.pop()
    city, state_code = colombia.dane_place(dane_code)
    street = parts[0] if parts else ""
    text_city = parts[1].title() if len(parts) > 1 else ""
    text_state = parts[2].title() if len(parts) > 2 else ""
    return Address(
        street=street,
        city=city or text_city,
        state_code=state_code,
        state_name=text_state,
        country_code=const.COUNTRY_CODE,
        city_code=(dane_code or "").strip(),
    )


def _utc(moment):
    return moment.astimezone(timezone.utc) if moment else None


def order_from_payload(payload):
    """Map one Éxito order (an entry of ``viewModel``) to a ``MarketOrder``.

    :raise PayloadError: when a field the import needs is missing or wrong, or when the lines
        do not add up to ``costTotalOrder``
    """
    if not isinstance(payload, dict):
        raise PayloadError(_("%(marketplace)s: the order is not a JSON object."), marketplace=const.LABEL)
    try:
        order = ExitoOrder.model_validate(payload)
    except ValidationError as error:
        number = payload.get("orderNumber") or payload.get("id") or "?"
        raise PayloadError(_("%(marketplace)s order %(number)s: %(problems)s"), marketplace=const.LABEL,
                           number=number, problems=describe_validation_error(error)) from error

    lines = [
        MarketOrderLine(
            ref=product.id,
            name=product.nameProduct or product.reference or product.ean or product.id,
            quantity=product.quantity,
            unit_price=product.costProduct,
            ean=product.ean or "",
            seller_sku=product.reference or "",
            marketplace_sku=product.sku or "",
            marketplace_product_id=product.productId or "",
        )
        for product in order.products
    ]
    lines_total = sum(line.unit_price * line.quantity for line in lines)
    if abs(lines_total - order.costTotalOrder) > const.TOTAL_TOLERANCE:
        raise PayloadError(
            _("%(marketplace)s order %(number)s: the lines add up to %(lines)s but costTotalOrder is %(total)s."),
            marketplace=const.LABEL, number=order.orderNumber, lines=f"{lines_total:g}",
            total=f"{order.costTotalOrder:g}")
    status = order.statusOrder or const.STATUS_NAMES.get(str(order.idStatusOrder), "")
    return MarketOrder(
        ref=order.id,
        number=order.orderNumber,
        date_order=_utc(order.dateOrder),
        status=status,
        currency=const.CURRENCY,
        buyer=Buyer(
            name=order.clientName,
            identification=order.identificationCard or "",
            phone=order.clientTelephone or "",
            address=parse_address(order.clientAddress, order.codeDane),
        ),
        lines=lines,
        goods_total=order.costTotalOrder,
        shipping_amount=order.costTotalShipping or 0.0,
        channel=order.channel or "",
        delivery_type=order.typeDespatchOrder or "",
        max_delivery_date=_utc(order.dateMaxDeliveryOrder),
        label_url=order.urlLabel or "",
        commission=order.costTotalCommission or 0.0,
    )
