"""X-Mart payloads <-> records: stores, channels, lists (and their hash), orders, webhooks."""

import hashlib
import json
import math
import re
from datetime import datetime, timezone

from pydantic import TypeAdapter, ValidationError

from ..base import PayloadError, Problem, Problems, _
from ..records import Address, Buyer, MarketOrder, MarketOrderLine, RawOrder
from ..schemas import describe_validation_error, validate_order
from . import const
from .records import (
    Channel,
    ChannelSchedule,
    ListRef,
    Schedule,
    Store,
    WebhookNotice,
)
from .schemas import (
    XmartChannel,
    XmartContactInfo,
    XmartDeliveryInfo,
    XmartLocationInfo,
    XmartOrder,
    XmartStore,
    XmartTaxesInfo,
    XmartWebhook,
)

_TIME_RE = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")
_DATETIME = TypeAdapter(datetime)


def _text(value):
    """A scalar as stripped text (integral floats without ``.0``); ``""`` for ``None``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value, digits):
    """A JSON number rounded to ``digits`` decimals, written as an integer when it is one, so
    that 10 and 10.0 give the same payload (and the same hash)."""
    number = round(float(value), digits)
    return int(number) if number.is_integer() else number


def _amount_text(value):
    return f"{value:.2f}"


def _finite(value, minimum=None, maximum=None):
    """Whether ``value`` is a finite number within the bounds."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    if not math.isfinite(number) or isinstance(value, bool):
        return False
    return (minimum is None or number >= minimum) and (maximum is None or number <= maximum)


# -- schedules ------------------------------------------------------------------------------------


def _schedule_key(schedule):
    day = schedule.day.upper()
    rank = const.WEEKDAYS.index(day) if day in const.WEEKDAYS else len(const.WEEKDAYS)
    return rank, schedule.start, schedule.end


def schedules_payload(schedules):
    """``[{"day", "from", "to"}]`` of ``Schedule`` records, Monday first (a stable payload)."""
    return [{"day": schedule.day.upper(), "from": schedule.start, "to": schedule.end}
            for schedule in sorted(schedules, key=_schedule_key)]


def _schedule_problems(schedules, where):
    problems = []
    for schedule in schedules:
        if schedule.day.upper() not in const.WEEKDAYS:
            problems.append(Problem(_("%(where)s: %(day)s is not a day of the week (%(days)s)."),
                                    {"where": where, "day": repr(schedule.day), "days": ", ".join(const.WEEKDAYS)}))
        if not (_TIME_RE.match(schedule.start or "") and _TIME_RE.match(schedule.end or "")) \
                or schedule.start >= schedule.end:
            problems.append(Problem(
                _("%(where)s: the slot %(start)s-%(end)s of %(day)s is not two times HH:MM, the first one earlier "
                  "(split a slot that passes midnight in two days)."),
                {"where": where, "start": schedule.start, "end": schedule.end, "day": schedule.day}))
    return problems


# -- stores and channels ----------------------------------------------------------------------------


def store_payload(store):
    """The ``<store>`` of ``const.py`` for a ``Store`` (its ``payload`` is not sent).

    :param records.Store store:
    :rtype: dict
    """
    return {
        "storeId": _text(store.store_id),
        "vendorId": _text(store.vendor_id),
        "storeCode": _text(store.code),
        "storeName": store.name or "",
        "status": store.status,
        "services": list(store.services),
        "schedulesByChannel": [{"channelId": _text(entry.channel_id), "schedules": schedules_payload(entry.schedules)}
                               for entry in store.schedules],
        "taxesInfo": {"taxRate": _number(store.tax_rate, 4), "taxIncluded": bool(store.tax_included)},
        "contactInfo": {"phone": _text(store.phone), "email": store.email or "",
                        "contactName": store.contact_name or ""},
        "deliveryInfo": {"zoneIds": [_text(zone) for zone in store.zone_ids],
                         "deliveryFee": _number(store.delivery_fee, 2),
                         "minimumOrder": _number(store.minimum_order, 2)},
        "locationInfo": {"cityId": _text(store.city_id), "cityName": store.city_name or "",
                         "sectorId": _text(store.sector_id), "address": store.address or "",
                         "latitude": None if store.latitude is None else float(store.latitude),
                         "longitude": None if store.longitude is None else float(store.longitude)},
        "storeChannels": [_text(channel) for channel in store.channel_ids],
    }


def _validate(model, payload, kind, key):
    """``payload`` read as ``model``; ``kind`` (``store``) and its ``key`` (``storeCode``) name it in errors."""
    if not isinstance(payload, dict):
        raise PayloadError(_("%(marketplace)s sent a %(kind)s that is not a JSON object."),
                           marketplace=const.LABEL, kind=kind)
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise PayloadError(_("%(marketplace)s sent %(kind)s %(what)s, which this module cannot read: %(problems)s"),
                           marketplace=const.LABEL, kind=kind, what=_text(payload.get(key)) or "?",
                           problems=describe_validation_error(error)) from error


def store_from_payload(payload):
    """Read a ``<store>`` X-Mart sent.

    :raise PayloadError: when it is not a store (no ``storeId``, wrong types)
    :rtype: records.Store
    """
    store = _validate(XmartStore, payload, Problem(_("store")),
                      "storeCode" if isinstance(payload, dict) and payload.get("storeCode") else "storeId")
    taxes = store.taxesInfo or XmartTaxesInfo()
    contact = store.contactInfo or XmartContactInfo()
    delivery = store.deliveryInfo or XmartDeliveryInfo()
    location = store.locationInfo or XmartLocationInfo()
    return Store(
        store_id=store.storeId,
        vendor_id=store.vendorId or "",
        code=store.storeCode or "",
        name=store.storeName or "",
        status=(store.status or "ACTIVE").upper(),
        services=[service.upper() for service in store.services or []],
        schedules=[ChannelSchedule(channel_id=entry.channelId,
                                   schedules=[Schedule(day=slot.day.upper(), start=slot.from_, end=slot.to)
                                              for slot in entry.schedules or []])
                   for entry in store.schedulesByChannel or []],
        tax_rate=taxes.taxRate or 0.0,
        tax_included=taxes.taxIncluded is not False,
        phone=contact.phone or "",
        email=contact.email or "",
        contact_name=contact.contactName or "",
        zone_ids=list(delivery.zoneIds or []),
        delivery_fee=delivery.deliveryFee or 0.0,
        minimum_order=delivery.minimumOrder or 0.0,
        city_id=location.cityId or "",
        city_name=location.cityName or "",
        sector_id=location.sectorId or "",
        address=location.address or "",
        latitude=location.latitude,
        longitude=location.longitude,
        channel_ids=list(store.storeChannels or []),
        payload=payload,
    )


def channel_payload(channel):
    """The ``<channel>`` of ``const.py`` for a ``Channel``.

    :param records.Channel channel:
    :rtype: dict
    """
    return {
        "channelId": _text(channel.channel_id),
        "channel": channel.name or "",
        "vendorId": _text(channel.vendor_id),
        "channelReferenceName": channel.reference_name or "",
        "additionalInfo": {"relatedLists": [{"listId": _text(ref.list_id), "listName": ref.list_name or ""}
                                            for ref in channel.lists]},
    }


def channel_from_payload(payload):
    """Read a ``<channel>``.

    :raise PayloadError: when it is not a channel (no ``channelId``, wrong types)
    :rtype: records.Channel
    """
    channel = _validate(XmartChannel, payload, Problem(_("channel")), "channelId")
    lists = channel.additionalInfo.relatedLists if channel.additionalInfo else None
    return Channel(
        channel_id=channel.channelId,
        name=channel.channel or "",
        vendor_id=channel.vendorId or "",
        reference_name=channel.channelReferenceName or "",
        lists=[ListRef(list_id=ref.listId, list_name=ref.listName or "") for ref in lists or []],
    )


def configuration_problems(stores, channels):
    """What stops a channels-and-stores configuration from being sent (X-Mart replaces its whole
    configuration with it, so a broken one must not leave).

    :param list[records.Store] stores:
    :param list[records.Channel] channels:
    :return: one :class:`Problem` per broken rule; empty when it can be sent
    :rtype: list[Problem]
    """
    problems = Problems()
    channel_ids = _channel_problems(channels, problems)
    codes, store_ids = set(), set()
    for store in stores:
        _store_problems(store, channel_ids, codes, store_ids, problems)
    return problems


def _channel_problems(channels, problems):
    """Append to ``problems`` what is wrong with ``channels``; return their ids."""
    add = problems.add
    channel_ids = set()
    for channel in channels:
        channel_id = _text(channel.channel_id)
        if not channel_id:
            add(_("Channel %(name)s has no channel id."), name=repr(channel.name))
        elif channel_id in channel_ids:
            add(_("Channel %(channel)s is there twice."), channel=channel_id)
        channel_ids.add(channel_id)
        if not channel.name:
            add(_("Channel %(channel)s has no name."), channel=channel_id)
        if not _text(channel.vendor_id):
            add(_("Channel %(channel)s has no brand (vendor id)."), channel=channel_id)
        if any(not _text(ref.list_id) for ref in channel.lists):
            add(_("Channel %(channel)s names a list without a list id."), channel=channel_id)
    return channel_ids


def _store_problems(store, channel_ids, codes, store_ids, problems):
    """Append to ``problems`` what is wrong with ``store``; ``codes`` and ``store_ids`` collect the
    codes and ids of the stores seen so far (each must be unique)."""
    add = problems.add
    code = _text(store.code)
    label = code or repr(store.name)
    if not code:
        add(_("Store %(store)s has no store code."), store=label)
    elif code in codes:
        add(_("Store code %(store)s is used by two stores."), store=code)
    codes.add(code)
    if _text(store.store_id):
        if _text(store.store_id) in store_ids:
            add(_("Store id %(id)s is used by two stores."), id=_text(store.store_id))
        store_ids.add(_text(store.store_id))
    if not store.name:
        add(_("Store %(store)s has no name."), store=label)
    if not _text(store.vendor_id):
        add(_("Store %(store)s has no brand (vendor id)."), store=label)
    if store.status not in const.STORE_STATUSES:
        add(_("Store %(store)s: status %(status)s is not one of %(statuses)s."), store=label,
            status=repr(store.status), statuses=", ".join(const.STORE_STATUSES))
    unknown = [service for service in store.services if service not in const.STORE_SERVICES]
    if unknown:
        add(_("Store %(store)s: %(services)s is not a service (%(known)s)."), store=label,
            services=", ".join(map(str, unknown)), known=", ".join(const.STORE_SERVICES))
    named = {_text(entry.channel_id) for entry in store.schedules} | {_text(c) for c in store.channel_ids}
    missing = sorted(named - channel_ids)
    if missing:
        add(_("Store %(store)s: channel %(channels)s is not among the channels sent."), store=label,
            channels=", ".join(missing))
    for entry in store.schedules:
        problems.extend(_schedule_problems(entry.schedules, f"{label} / {_text(entry.channel_id)}"))
    if not _finite(store.tax_rate, 0, 100):
        add(_("Store %(store)s: tax rate %(value)s is not a percentage."), store=label, value=store.tax_rate)
    for value in (store.delivery_fee, store.minimum_order):
        if not _finite(value, 0):
            add(_("Store %(store)s: amount %(value)s must be 0 or more."), store=label, value=value)
    if store.latitude is not None and not _finite(store.latitude, -90, 90):
        add(_("Store %(store)s: latitude %(value)s is not between -90 and 90."), store=label, value=store.latitude)
    if store.longitude is not None and not _finite(store.longitude, -180, 180):
        add(_("Store %(store)s: longitude %(value)s is not between -180 and 180."), store=label,
            value=store.longitude)


# -- lists ----------------------------------------------------------------------------------------


def product_payload(product):
    """One entry of a list's ``products``.

    :param records.ListProduct product:
    :rtype: dict
    """
    return {
        "productId": _text(product.sku),
        "name": product.name or "",
        "description": product.description or "",
        "categoryId": _text(product.category_id),
        "ean": _text(product.ean),
        "priceInfo": {"price": _number(product.price, 2), "currency": (product.currency or "").upper()},
        "taxesInfo": {"taxRate": _number(product.tax_rate, 4)},
        "stock": _number(product.stock, 3),
        "available": bool(product.available),
        "schedules": schedules_payload(product.schedules),
        "images": [{"url": url, "position": position} for position, url in enumerate(product.images, start=1)],
    }


def list_payload(catalog_list):
    """The ``<list>`` of ``const.py`` (sent as ``{"list": <list>}``); products sorted by SKU and
    categories by id, so that the same list always gives the same payload.

    :param records.CatalogList catalog_list:
    :rtype: dict
    """
    payload = {"listId": _text(catalog_list.list_id)} if _text(catalog_list.list_id) else {}
    payload.update({
        "listName": catalog_list.name or "",
        "vendorId": _text(catalog_list.vendor_id),
        "ecommerceChannelId": _text(catalog_list.channel_id),
        "storeId": _text(catalog_list.store_id),
        "categories": [{"categoryId": _text(category_id), "name": name or ""}
                       for category_id, name in sorted(catalog_list.categories, key=lambda pair: _text(pair[0]))],
        "modifierGroups": [],
        "products": [product_payload(product)
                     for product in sorted(catalog_list.products, key=lambda product: _text(product.sku))],
    })
    return payload


def payload_hash(payload):
    """sha256 (hex) of the canonical JSON of ``payload``: keys sorted, no spaces, UTF-8.

    :raise ValueError: when the payload holds a value JSON cannot carry (NaN, infinity)
    """
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def list_hash(catalog_list):
    """Fingerprint of what :func:`list_payload` sends for ``catalog_list``: equal hashes mean an
    unchanged list, whose push can be skipped. ``listId`` is left out, so that a list keeps its
    hash once X-Mart has given it an id.

    :rtype: str
    """
    payload = list_payload(catalog_list)
    payload.pop("listId", None)
    return payload_hash(payload)


def list_problems(catalog_list):
    """What stops a list from being sent (X-Mart replaces the whole list with it).

    :param records.CatalogList catalog_list:
    :return: one :class:`Problem` per broken rule; empty when it can be sent
    :rtype: list[Problem]
    """
    problems = []
    name = catalog_list.name or "?"

    def add(template, **params):
        problems.append(Problem(template, dict(params, list=name)))

    for attribute, label in (("name", _("name")), ("vendor_id", _("brand (vendor id)")),
                             ("channel_id", _("sales channel")), ("store_id", _("store"))):
        if not _text(getattr(catalog_list, attribute)):
            add(_("List %(list)s has no %(field)s."), field=label)
    category_ids = set()
    for category_id, category_name in catalog_list.categories:
        if not _text(category_id) or not category_name:
            add(_("List %(list)s: category %(category)s needs an id and a name."),
                category=repr(category_name or category_id))
        elif _text(category_id) in category_ids:
            add(_("List %(list)s: category %(category)s is there twice."), category=_text(category_id))
        category_ids.add(_text(category_id))
    skus = set()
    for product in catalog_list.products:
        sku = _text(product.sku)
        if not sku:
            add(_("List %(list)s: product %(product)s has no SKU."), product=repr(product.name))
            continue
        if sku in skus:
            add(_("List %(list)s: SKU %(sku)s is there twice."), sku=sku)
        skus.add(sku)
        if not product.name:
            add(_("List %(list)s: product %(sku)s has no name."), sku=sku)
        if not _finite(product.price, 0):
            add(_("List %(list)s: product %(sku)s has price %(value)s; a price of 0 or more is expected."),
                sku=sku, value=product.price)
        if not product.currency:
            add(_("List %(list)s: product %(sku)s has no currency."), sku=sku)
        if not _finite(product.tax_rate, 0, 100):
            add(_("List %(list)s: product %(sku)s has tax rate %(value)s; a percentage is expected."),
                sku=sku, value=product.tax_rate)
        if not _finite(product.stock, 0):
            add(_("List %(list)s: product %(sku)s has stock %(value)s; 0 or more is expected."),
                sku=sku, value=product.stock)
        if _text(product.category_id) and _text(product.category_id) not in category_ids:
            add(_("List %(list)s: product %(sku)s is in category %(category)s, which the list does not have."),
                sku=sku, category=_text(product.category_id))
        problems.extend(_schedule_problems(product.schedules, f"{name} / {sku}"))
    return problems


# -- orders ---------------------------------------------------------------------------------------


def raw_order(payload, order_id=""):
    """Wrap an ``<order>`` for storage, whatever its content.

    ``ref`` is ``orderId`` (``order_id``, the id it was read by, when the payload has none; a digest
    of the content when neither is known), ``number`` is ``orderNumber``. Its import then fails with
    a message saying what is missing.

    :rtype: records.RawOrder
    """
    if isinstance(payload, dict):
        ref = payload.get("orderId")
        if ref in (None, "") or isinstance(ref, (dict, list, bool)):
            ref = order_id
        number = payload.get("orderNumber")
        number = "" if isinstance(number, (dict, list, bool)) else _text(number)
        if _text(ref):
            return RawOrder(ref=_text(ref), number=number, payload=payload)
    digest = hashlib.sha1(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    return RawOrder(ref=f"no-id-{digest[:16]}", number="", payload=payload)


def _street(address):
    return ", ".join(part for part in (address.address, address.reference) if part)


def order_from_payload(payload, country=""):
    """Map an X-Mart ``<order>`` to a ``MarketOrder``.

    Lines are the items (``unit_price`` = item total / quantity to 6 decimals, modifiers included); the Odoo order
    totals ``goods_total + shipping_amount - discount`` = the order's ``total``. A PICKUP order has
    no delivery address.

    :param str country: ISO 3166-1 alpha-2 code of the account's country, the buyer's country
        (X-Mart addresses carry none); empty leaves it unknown
    :raise PayloadError: when a field the import needs is missing or wrong, or when the amounts do
        not add up (an item's total, or the order's total) within ``TOTAL_TOLERANCE``
    :rtype: records.MarketOrder
    """
    order = validate_order(XmartOrder, payload, const.LABEL,
                           lambda payload: _text(payload.get("orderNumber") or payload.get("orderId")))
    number = order.orderNumber
    goods_total, shipping, discount = _checked_amounts(order)
    country = (country or "").upper()
    shipping_address = order.shippingAddress if order.orderType != "PICKUP" else None
    if shipping_address:
        address = Address(street=_street(shipping_address), street2=shipping_address.sectorName or "",
                          city=shipping_address.cityName or "", country_code=country)
    else:
        address = Address(country_code=country)
    customer = order.customer
    return MarketOrder(
        ref=order.orderId,
        number=number,
        date_order=order.createdAt.astimezone(timezone.utc),
        status=order.status or "",
        currency=order.currency.upper(),
        buyer=Buyer(name=customer.name, identification=customer.document or "", email=customer.email or "",
                    phone=customer.phone or "", address=address),
        lines=[MarketOrderLine(ref=item.itemId, name=item.name or item.productId, quantity=item.quantity,
                               unit_price=round(item.total / item.quantity, 6), seller_sku=item.productId)
               for item in order.items],
        goods_total=goods_total,
        shipping_amount=shipping,
        discount=discount,
        channel=order.storeId,
        delivery_type=order.orderType,
        seller_id=order.vendorId or "",
    )


# -- webhook --------------------------------------------------------------------------------------


def _checked_amounts(order):
    """``(goods_total, shipping, discount)`` of a validated X-Mart order, once every item's total and
    the order's total add up within ``TOTAL_TOLERANCE``.

    :raise PayloadError: naming the item or the amounts that do not add up
    """
    number = order.orderNumber
    tolerance = const.TOTAL_TOLERANCE + 1e-9  # a cent exactly is still within
    for item in order.items:
        expected = item.quantity * (item.unitPrice + sum(modifier.price for modifier in item.modifiers or []))
        if abs(expected - item.total) > tolerance:
            raise PayloadError(
                _("%(marketplace)s order %(number)s, item %(item)s: its total is %(total)s, but quantity × (unit "
                  "price + modifiers) is %(expected)s."),
                marketplace=const.LABEL, number=number, item=item.itemId, total=_amount_text(item.total),
                expected=_amount_text(expected))
    goods_total = sum(item.total for item in order.items)
    shipping = order.deliveryFee or 0.0
    discount = order.discount or 0.0
    if abs(goods_total + shipping - discount - order.total) > tolerance:
        raise PayloadError(
            _("%(marketplace)s order %(number)s: the items (%(items)s) plus delivery (%(shipping)s) minus discount "
              "(%(discount)s) make %(sum)s, but the order total is %(total)s."),
            marketplace=const.LABEL, number=number, items=_amount_text(goods_total), shipping=_amount_text(shipping),
            discount=_amount_text(discount), sum=_amount_text(goods_total + shipping - discount),
            total=_amount_text(order.total))
    return goods_total, shipping, discount


def _lenient_datetime(value):
    """A UTC datetime from an ISO text, or ``None`` when absent or unreadable (naive: UTC)."""
    if value in (None, ""):
        return None
    try:
        moment = _DATETIME.validate_python(value)
    except ValidationError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def webhook_from_body(body):
    """Read X-Mart's new-order webhook (``body``: bytes, text or a decoded dict).

    :raise PayloadError: on anything but a JSON object with ``event`` ``NEW_ORDER`` and an ``orderId``
    :rtype: records.WebhookNotice
    """
    payload = body
    if isinstance(body, (bytes, bytearray, str)):
        try:
            payload = json.loads(body)
        except ValueError:
            raise PayloadError(_("%(marketplace)s webhook: the body is not JSON."), marketplace=const.LABEL) from None
    if not isinstance(payload, dict):
        raise PayloadError(_("%(marketplace)s webhook: the body is not a JSON object."), marketplace=const.LABEL)
    if payload.get("event") != const.WEBHOOK_EVENT:
        raise PayloadError(_("%(marketplace)s webhook: event %(event)s is not %(expected)s."),
                           marketplace=const.LABEL, event=repr(payload.get("event")), expected=const.WEBHOOK_EVENT)
    try:
        notice = XmartWebhook.model_validate(payload)
    except ValidationError as error:
        raise PayloadError(_("%(marketplace)s webhook: %(problems)s"), marketplace=const.LABEL,
                           problems=describe_validation_error(error)) from error
    return WebhookNotice(order_id=notice.orderId, store_id=notice.storeId or "", channel_id=notice.channelId or "",
                         created_at=_lenient_datetime(payload.get("createdAt")), event=notice.event)
