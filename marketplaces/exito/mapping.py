"""Éxito payloads <-> canonical records."""

import hashlib
import json
import math
import re
from datetime import timezone

from pydantic import ValidationError

from .. import colombia
from ..base import PayloadError, Problems, _
from ..records import (
    Address,
    Buyer,
    MarketOrder,
    MarketOrderLine,
    ModerationResult,
    OfferNotification,
    RawOrder,
    Settlement,
    SettlementLine,
)
from ..schemas import describe_validation_error, validate_order
from . import const
from .schemas import ExitoBilling, ExitoModerationNotice, ExitoOfferNotice, ExitoOrder


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
    order = validate_order(ExitoOrder, payload, const.LABEL,
                           lambda payload: payload.get("orderNumber") or payload.get("id"))

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
        status_code="" if order.idStatusOrder is None else str(order.idStatusOrder),
        seller_id=order.idSeller or "",
    )


# -- catalog: products ------------------------------------------------------------------------

_EAN_RE = re.compile(const.EAN_PATTERN)
_NAME_RE = re.compile(const.NAME_PATTERN)
_DIMENSION_RE = re.compile(const.DIMENSION_PATTERN)
_PROMISE_RE = re.compile(const.PROMISE_DELIVERY_PATTERN)
_SCRIPT_RE = re.compile(r"<\s*script", re.IGNORECASE)


def format_dimension(value):
    """A dimension as Éxito writes it: ``"11"`` for an integer, ``"1,5"`` (decimal comma, at most
    two decimals) otherwise."""
    value = round(float(value or 0), 2)
    if value.is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").replace(".", ",")


def format_amount(value):
    """An amount with two decimals, as the seed's offers: ``"16000.00"``."""
    return f"{float(value):.2f}"


def format_component_price(value):
    """A combo component's price as the seed writes it: ``"500000"``, or two decimals with cents."""
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


def _flag(value):
    return 1 if value else 0


def listing_payload(listing):
    """The ``POST /`` (products-massive) entry of one product, field for field as the seed's
    examples: every value a string, ``null`` where the seed shows it and there is nothing to send.

    :param records.ProductListing listing:
    :rtype: dict
    """
    images = list(listing.images[:const.MAX_IMAGES])
    images += [None] * (const.MAX_IMAGES - len(images))
    payload = {
        "Ean": listing.ean or const.NO_EAN,
        "Name": listing.name,
        "Category": str(listing.category),
        "Brand": listing.brand,
        "Description": listing.description,
        "KeyWords": listing.keywords,
        "PackageHeight": format_dimension(listing.package.height),
        "PackageLength": format_dimension(listing.package.length),
        "PackageWidth": format_dimension(listing.package.width),
        "PackageWeight": format_dimension(listing.package.weight),
        "SkuShippingSize": str(listing.shipping_size),
        "ProductHeight": format_dimension(listing.product.height),
        "ProductLength": format_dimension(listing.product.length),
        "ProductWidth": format_dimension(listing.product.width),
        "ProductWeight": format_dimension(listing.product.weight),
        "Seller": const.SELLER,
        "ProductType": listing.product_type,
    }
    for index, url in enumerate(images, start=1):
        payload[f"ImageUrl{index}"] = url or None
    payload.update({
        "ModifyImage": listing.modify_image or None,
        "IsLogisticsExito": str(_flag(listing.logistics_exito)),
        "MeasurementUnit": listing.measurement_unit,
        "ConversionFactor": str(listing.conversion_factor),
        "DrainedFactor": listing.drained_factor or None,
        "EanCombo": ",".join(listing.combo_eans) or None,
        "features": [{"key": key, "value": value} for key, value in listing.features],
    })
    if listing.product_type == const.PRODUCT_TYPE_CLOTHING:
        payload.update({
            "ParentReference": listing.parent_reference,
            "SonReference": listing.son_reference or None,
            "Size": listing.size,
            "Color": listing.color,
            "HexColourName": listing.hex_colour_name or listing.color,
        })
    payload["SellerSku"] = listing.seller_sku
    return payload


def validate_listing(listing):
    """The api-notes product field rules that ``listing`` breaks, one readable line each.

    :param records.ProductListing listing:
    :return: an empty list when the listing can be sent
    :rtype: list[str]
    """
    problems = Problems()
    add = problems.add

    ean = listing.ean or const.NO_EAN
    if ean != const.NO_EAN and not _EAN_RE.match(ean):
        add(_("EAN %(ean)s: 5 to 16 capital letters or digits are expected (or no EAN at all)."), ean=ean)
    if not listing.seller_sku:
        add(_("The seller SKU is missing (Éxito reports moderation only for products sent with one)."))
    if not listing.name or not _NAME_RE.match(listing.name):
        add(_("Name %(name)s: 1 to %(max)s letters, digits, spaces or + - , . are expected."),
            name=repr(listing.name), max=const.NAME_MAX)
    for label, value in ((_("Category"), listing.category), (_("Brand"), listing.brand),
                         (_("Description"), listing.description), (_("Keywords"), listing.keywords)):
        if not str(value or "").strip():
            add(_("%(field)s is missing."), field=label)
    if len(listing.keywords or "") > const.KEYWORDS_MAX:
        add(_("Keywords: at most %(max)s characters are allowed (%(count)s given)."),
            max=const.KEYWORDS_MAX, count=len(listing.keywords))
    if listing.description and _SCRIPT_RE.search(listing.description):
        add(_("Description: <script> is not allowed."))
    if listing.product_type not in const.PRODUCT_TYPES:
        add(_("Product type %(value)s: one of %(allowed)s is expected."),
            value=repr(listing.product_type), allowed=", ".join(const.PRODUCT_TYPES))
    if str(listing.shipping_size) not in const.SHIPPING_SIZES:
        add(_("Shipping size %(value)s: 1 to 5 is expected."), value=repr(listing.shipping_size))
    _dimension_problems(listing, add)
    if not listing.images:
        add(_("At least one image is needed."))
    if len(listing.images) > const.MAX_IMAGES:
        add(_("At most %(max)s images can be sent (%(count)s given)."),
            max=const.MAX_IMAGES, count=len(listing.images))
    for url in listing.images:
        if not (url or "").lower().endswith(const.IMAGE_SUFFIX) or not url.lower().startswith(("http://", "https://")):
            add(_("Image %(url)s: a web address ending in .jpg is expected."), url=url)
    if listing.measurement_unit not in const.MEASUREMENT_UNITS:
        add(_("Measurement unit %(value)s: one of %(allowed)s is expected."),
            value=repr(listing.measurement_unit), allowed=", ".join(const.MEASUREMENT_UNITS))
    for combo_ean in listing.combo_eans:
        if not _EAN_RE.match(combo_ean or ""):
            add(_("Combo EAN %(ean)s: 5 to 16 capital letters or digits are expected."), ean=combo_ean)
    for key, value in listing.features:
        if not str(key or "").strip() or not str(value or "").strip():
            add(_("Feature %(key)s: both the name and the value are needed."), key=repr(key))
    if listing.product_type == const.PRODUCT_TYPE_CLOTHING:
        _clothing_problems(listing, add)
    return list(dict.fromkeys(problems))


def _dimension_problems(listing, add):
    """``add`` a problem for each dimension of the package or the product Éxito would refuse."""
    for label, dimensions in ((_("Package"), listing.package), (_("Product"), listing.product)):
        for name, value in ((_("height"), dimensions.height), (_("length"), dimensions.length),
                            (_("width"), dimensions.width), (_("weight"), dimensions.weight)):
            number = float(value or 0)
            if not math.isfinite(number) or number <= 0 or not _DIMENSION_RE.match(format_dimension(number)):
                add(_("%(what)s %(dimension)s %(value)s: a number above 0 with at most 2 decimals is expected."),
                    what=label, dimension=name, value=f"{number:g}")


def _clothing_problems(listing, add):
    """``add`` a problem for each rule of clothing listings (variants, size, color) it breaks."""
    if not listing.parent_reference:
        add(_("Clothing needs a parent reference shared by the variants."))
    if not listing.size:
        add(_("Clothing needs a size."))
    elif len(listing.size) > const.SIZE_MAX or " " in listing.size:
        add(_("Size %(value)s: at most %(max)s characters without spaces are expected."),
            value=repr(listing.size), max=const.SIZE_MAX)
    if listing.color not in const.CLOTHING_COLORS:
        add(_("Color %(value)s: one of %(allowed)s is expected."),
            value=repr(listing.color), allowed=", ".join(const.CLOTHING_COLORS))


# -- catalog: offers --------------------------------------------------------------------------


def offer_rows(offer):
    """The ``ListOffers`` rows of one offer: the offer's row, then one row per combo component.

    :param records.Offer offer:
    :rtype: list[dict]
    """
    row = {"EAN": offer.ean}
    if offer.stock is not None:
        row["Stock"] = str(int(offer.stock))
    row["Price"] = format_amount(offer.price)
    if not offer.update_only:
        if offer.discount_price is not None:
            row["DiscountPrice"] = format_amount(offer.discount_price)
        if offer.freight_cost is not None:
            row["AverageFreightCost"] = format_amount(offer.freight_cost)
        if offer.promise_delivery:
            row["PromiseDelivery"] = offer.promise_delivery
        if offer.warranty is not None:
            row["Warranty"] = int(offer.warranty)
        row.update({
            "IsFreeShipping": _flag(offer.free_shipping),
            "IsEnviosExito": _flag(offer.envios_exito),
            "IsFreightCalculator": _flag(offer.freight_calculator),
            "IsLogisticsExito": _flag(offer.logistics_exito),
            "IsUpdatedStock": _flag(offer.stock_changed),
            "Currency": offer.currency,
            "Periodicity": int(offer.periodicity),
        })
    if offer.seller_sku:
        row["SellerSku"] = offer.seller_sku
    if offer.city_code and not offer.update_only:
        row["DaneCode"] = offer.city_code
        row["Address"] = offer.address
    rows = [row]
    for component in offer.combo:
        rows.append({
            "EanCombo": offer.ean,
            "Price": format_component_price(component.price),
            "ComboQuantity": str(int(component.quantity)),
            "EAN": component.ean,
        })
    return rows


def offers_body(offers, price_approval=False):
    """The ``PATCH /OfferExternal`` body of ``offers``.

    :param bool price_approval: confirm price changes over 30% (``PriceApproval = 1``)
    """
    rows = [row for offer in offers for row in offer_rows(offer)]
    return {"PriceApproval": _flag(price_approval), "ListOffers": rows}


def _positive_integer(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number > 0 and number.is_integer()


def validate_offer(offer):
    """The api-notes offer field rules that ``offer`` breaks, one readable line each.

    :param records.Offer offer:
    :return: an empty list when the offer can be sent
    :rtype: list[str]
    """
    problems = Problems()
    add = problems.add

    if not offer.ean:
        add(_("The offer has no EAN."))
    if not _positive_integer(offer.price):
        add(_("Price %(value)s: a whole number of pesos above 0 is expected."), value=offer.price)
    if offer.stock is None:
        add(_("The stock is missing."))
    elif int(offer.stock) != offer.stock or offer.stock < 0:
        add(_("Stock %(value)s: a whole number of 0 or more is expected."), value=offer.stock)
    if offer.discount_price is not None and not _positive_integer(offer.discount_price):
        add(_("Discount price %(value)s: a whole number of pesos above 0 is expected."), value=offer.discount_price)
    if offer.freight_cost is not None and not (
            offer.freight_cost == 0 or _positive_integer(offer.freight_cost)):
        add(_("Average freight cost %(value)s: a whole number of pesos of 0 or more is expected."),
            value=offer.freight_cost)
    if offer.warranty is not None and not _positive_integer(offer.warranty):
        add(_("Warranty %(value)s: a whole number above 0 is expected."), value=offer.warranty)
    if offer.promise_delivery and not _PROMISE_RE.match(offer.promise_delivery):
        add(_("Delivery promise %(value)s: a range like \"1 a 10\" is expected."), value=repr(offer.promise_delivery))
    if offer.periodicity not in const.PERIODICITIES:
        add(_("Periodicity %(value)s: 1 (business days) or 2 (hours) is expected."), value=offer.periodicity)
    if offer.currency != const.CURRENCY:
        add(_("Currency %(value)s: only %(currency)s is accepted."), value=offer.currency, currency=const.CURRENCY)
    if offer.city_code and not offer.city_code.isdigit():
        add(_("City code %(value)s: a DANE code (digits) is expected."), value=offer.city_code)
    if offer.combo:
        total = 0.0
        for component in offer.combo:
            if not component.ean:
                add(_("A combo component has no EAN."))
            if not _positive_integer(component.price):
                add(_("Combo component %(ean)s: price %(value)s must be a whole number of pesos above 0."),
                    ean=component.ean, value=component.price)
            if not _positive_integer(component.quantity):
                add(_("Combo component %(ean)s: quantity %(value)s must be a whole number above 0."),
                    ean=component.ean, value=component.quantity)
            total += float(component.price) * float(component.quantity)
        prices = [offer.price] + ([offer.discount_price] if offer.discount_price is not None else [])
        if not any(abs(total - float(price)) < 0.005 for price in prices):
            add(_("Combo %(ean)s: its price %(price)s must equal the sum of its components' price × quantity "
                  "(%(total)s)."), ean=offer.ean, price=f"{float(offer.price):.2f}", total=f"{total:.2f}")
    return problems


# -- callbacks ----------------------------------------------------------------------------------


def _callback_entries(body, model, what):
    if not isinstance(body, list):
        raise PayloadError(_("%(marketplace)s %(what)s: a JSON list is expected."),
                           marketplace=const.LABEL, what=what)
    entries = []
    for index, entry in enumerate(body):
        if not isinstance(entry, dict):
            raise PayloadError(_("%(marketplace)s %(what)s: entry %(index)s is not a JSON object."),
                               marketplace=const.LABEL, what=what, index=index)
        try:
            entries.append(model.model_validate(entry))
        except ValidationError as error:
            raise PayloadError(_("%(marketplace)s %(what)s, entry %(index)s: %(problems)s"),
                               marketplace=const.LABEL, what=what, index=index,
                               problems=describe_validation_error(error)) from error
    return entries


def moderation_results(body):
    """Map the ``PATCH /notifyproduct`` body (a list of ``{Ean, SellerSku, Response, Comment,
    Reason, IsUpdating}``) to moderation results.

    :raise PayloadError: when the body is not a list of such objects, or a ``Response`` is
        neither ``Aprobado`` nor ``Rechazado``
    :rtype: list[records.ModerationResult]
    """
    results = []
    for index, notice in enumerate(_callback_entries(body, ExitoModerationNotice, "product moderation")):
        answer = notice.Response.casefold()
        if answer not in (const.MODERATION_APPROVED.casefold(), const.MODERATION_REJECTED.casefold()):
            raise PayloadError(
                _("%(marketplace)s product moderation, entry %(index)s: Response %(value)s is neither "
                  "%(approved)s nor %(rejected)s."), marketplace=const.LABEL, index=index,
                value=repr(notice.Response), approved=const.MODERATION_APPROVED,
                rejected=const.MODERATION_REJECTED)
        results.append(ModerationResult(
            ean=notice.Ean,
            seller_sku=notice.SellerSku or "",
            approved=answer == const.MODERATION_APPROVED.casefold(),
            comment=notice.Comment or "",
            reason=notice.Reason or "",
            is_updating=bool(notice.IsUpdating),
        ))
    return results


def offer_notifications(body):
    """Map the ``PATCH /notifyoffer`` body (a list of ``{EAN, Message}``) to notifications;
    ``Message`` ``OK`` means the offer was applied.

    :raise PayloadError: when the body is not a list of such objects
    :rtype: list[records.OfferNotification]
    """
    return [
        OfferNotification(ean=notice.EAN, ok=(notice.Message or "").strip().upper() == const.OFFER_OK,
                          message=notice.Message or "")
        for notice in _callback_entries(body, ExitoOfferNotice, "offer notification")
    ]


# -- settlements --------------------------------------------------------------------------------


def settlement_from_payload(entry):
    """Map one entry of the billing list's ``viewModel`` to a ``Settlement``.

    :raise PayloadError: when the entry is not an object or a field is wrong
    """
    if not isinstance(entry, dict):
        raise PayloadError(_("%(marketplace)s: the settlement is not a JSON object."), marketplace=const.LABEL)
    try:
        bill = ExitoBilling.model_validate(entry)
    except ValidationError as error:
        number = entry.get("billingNumber") or entry.get("id") or "?"
        raise PayloadError(_("%(marketplace)s settlement %(number)s: %(problems)s"), marketplace=const.LABEL,
                           number=number, problems=describe_validation_error(error)) from error
    return Settlement(
        ref=bill.id,
        billing_number=bill.billingNumber or "",
        order_number=bill.orderNumber or "",
        payment_order=bill.payOrderNumber or "",
        concept=bill.concept or "",
        payment_date=_utc(bill.paymentDate),
        commission=bill.commission or 0.0,
        iva=bill.iva or 0.0,
        total=bill.billingTotal or 0.0,
        lines=[
            SettlementLine(
                ref=line.id,
                name=line.detailName or line.ean or line.id,
                ean=line.ean or "",
                quantity=line.quantity,
                commission=line.commission or 0.0,
                price=line.price or 0.0,
                shipping_cost=line.shippingCost or 0.0,
                total_shipping_cost=line.totalShippingCost or 0.0,
            )
            for line in bill.detail or []
        ],
    )
