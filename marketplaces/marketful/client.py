"""HTTP client of Marketful's fulfillment API (see ``const.py`` for the chosen shapes)."""

import json
import re

from ..base import AuthenticationError, BaseClient, PayloadError, RequestError, _, redact
from . import const
from .mapping import carrier_name, fulfillment_problems, mx_state
from .records import (
    EntryOrderResult,
    FulfillmentOrderResult,
    ItemResult,
    MarketfulOrder,
    ShipmentEvent,
    Stock,
    Webhook,
    WebhookEvent,
    WebhookRegistration,
)


def _text(value):
    """A scalar as text: integral numbers without ``.0``; ``None`` as ``""``."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _first(mapping, *keys):
    for key in keys:
        if isinstance(mapping, dict) and mapping.get(key) not in (None, ""):
            return mapping[key]
    return None


def _message(payload):
    return _text(payload.get("message")) if isinstance(payload, dict) else ""


class MarketfulClient(BaseClient):
    """Marketful fulfillment API client.

    :param str token: the access token, sent as ``Authorization: <token>`` (no ``Bearer``)
    :param str user_id: the Marketful user id, sent as ``User: <user_id>``
    """

    label = const.LABEL

    def __init__(self, token, user_id, **kwargs):
        super().__init__(**kwargs)
        self.token = (token or "").strip()
        self.user_id = _text(user_id)

    # -- plumbing -------------------------------------------------------------------------

    def _secrets(self):
        return (self.token,)

    def _headers(self):
        if not self.token or not self.user_id:
            raise AuthenticationError(
                _("The %(marketplace)s access token or user id is missing: paste both, as Marketful gave them, "
                  "in the account."), code="auth_missing", marketplace=self.label)
        return {const.AUTH_HEADER: self.token, const.USER_HEADER: self.user_id,
                "Content-Type": "application/json"}

    @staticmethod
    def _detail(payload):
        """The readable reason of a refusal: the seed's ``{"message", "error"}``, plus the chosen
        ``"errors": [reasons]`` (``update_item`` 405, an invalid multichannel order)."""
        if not isinstance(payload, dict):
            return ""
        reasons = [_text(payload.get("error"))]
        errors = payload.get("errors")
        reasons += [_text(error) for error in errors] if isinstance(errors, list) else [_text(errors)]
        reasons = "; ".join(reason for reason in reasons if reason)
        message = _message(payload)
        return f"{message}: {reasons}" if message and reasons else message or reasons

    def _error_message(self, response, payload):
        return self._detail(payload) or super()._error_message(response, payload)

    @staticmethod
    def _is_auth_message(message):
        return message.strip().lower() in const.AUTH_MESSAGES

    def _raise_for_response(self, response):
        """The seed's codes: credentials and bad input share 400/401/402/403/404; the message tells."""
        status = response.status_code
        if status == 429 or status >= 500:
            return super()._raise_for_response(response)
        payload = self._safe_json(response)
        detail = redact(self._error_message(response, payload) or "-", self._secrets())
        if self._is_auth_message(_message(payload)) or (status == 401 and not _message(payload)):
            raise AuthenticationError(
                _("%(marketplace)s refused the credentials (HTTP %(status)s: %(detail)s). Check in the account "
                  "that the access token and the user id are the ones Marketful gave for this account, "
                  "without spaces."), status=status, marketplace=self.label, detail=detail)
        raise self._refused(status, payload, detail)

    def _call(self, method, path, *, params=None, body=None, accept=()):
        """Send one call; statuses in ``accept`` are returned (with their payload) unless their
        message is a credentials one. :return: (status, payload dict)"""
        response = self._request(method, self._url(const.BASE_URL, path), params=params, json=body,
                                 expected=(200, *accept))
        if response.status_code != 200:
            payload = self._safe_json(response)
            if not isinstance(payload, dict) or self._is_auth_message(_message(payload)):
                self._raise_for_response(response)
            return response.status_code, payload
        payload = self._json(response)
        if not isinstance(payload, dict):
            raise PayloadError(_("%(marketplace)s sent %(what)s this module cannot read: %(problems)s"),
                               marketplace=self.label, what=path, problems=_("not a JSON object"))
        return 200, payload

    def _refused(self, status, payload, detail=None):
        """The RequestError of a refusal. Its code, from the message: ``not_found`` (an item, an order,
        a webhook Marketful does not know), ``already_exists`` (an order sent twice), else ``bad_request``."""
        message = _message(payload).lower()
        code = None
        if "not found" in message or "no encontrad" in message:
            code = "not_found"
        elif message.startswith(const.ORDER_EXISTS_PREFIX):
            code = "already_exists"
        detail = detail or redact(self._detail(payload) or "-", self._secrets())
        return RequestError(_("%(marketplace)s refused the request (HTTP %(status)s): %(detail)s"),
                            code=code, status=status, marketplace=self.label, detail=detail)

    # -- items ----------------------------------------------------------------------------

    @staticmethod
    def _item_body(item, *, with_id=False):
        values = {"title": item.title, "list_price": item.list_price, "sku": item.sku,
                  "height": item.height, "width": item.width, "length": item.length,
                  "weigth": item.weight, "ean": item.ean}
        body = {"item_id": item.item_id} if with_id else {}
        body.update((key, value) for key, value in values.items() if value not in (None, ""))
        return body

    @staticmethod
    def _item_entries(entries):
        if isinstance(entries, dict):
            entries = [dict(value, sku=value.get("sku", key)) if isinstance(value, dict) else
                       {"sku": key, "error": value} for key, value in entries.items()]
        return entries if isinstance(entries, list) else []

    def create_items(self, items):
        """Register items (``POST items/create_item``).

        Marketful saves what it can: 200 all saved, 201 some refused, 401 none saved (incomplete
        data). Each case returns one result per item Marketful names.

        :param list[Item] items:
        :rtype: list[ItemResult]
        """
        body = {"items": [self._item_body(item) for item in items]}
        status, payload = self._call("POST", const.CREATE_ITEMS_PATH, body=body, accept=(201, 401))
        if status == 401 and "items_errors" not in payload:
            raise self._refused(status, payload)
        results = []
        for entry in self._item_entries(payload.get("items_saved")):
            if isinstance(entry, dict):
                results.append(ItemResult(sku=_text(entry.get("sku")), saved=True,
                                          item_id=_text(_first(entry, "item_id", "id"))))
            else:
                results.append(ItemResult(sku=_text(entry), saved=True))
        for entry in self._item_entries(payload.get("items_errors")):
            if not isinstance(entry, dict):
                results.append(ItemResult(sku=_text(entry), saved=False, reason=_message(payload)))
                continue
            reason = _first(entry, "errors", "error", "message", "description")
            reason = "; ".join(map(_text, reason)) if isinstance(reason, list) else _text(reason)
            index = entry.get("index")
            index = index if isinstance(index, int) and not isinstance(index, bool) \
                and 0 <= index < len(items) else None
            sku = _text(entry.get("sku")) or (items[index].sku if index is not None else "")
            results.append(ItemResult(sku=sku, saved=False, reason=reason or _message(payload), index=index))
        return results

    def update_item(self, item):
        """Update an item by its Marketful id (``POST items/update_item``); only set fields are sent.

        :param Item item: with ``item_id``
        :raise RequestError: code ``not_found`` when Marketful does not know the item
        :rtype: ItemResult
        """
        if item.item_id in (None, ""):
            raise RequestError(_("%(marketplace)s item %(sku)s has no Marketful item id: create it first."),
                               code="missing_item_id", marketplace=self.label, sku=item.sku or "?")
        self._call("POST", const.UPDATE_ITEM_PATH, body=self._item_body(item, with_id=True))
        return ItemResult(sku=item.sku, saved=True, item_id=_text(item.item_id))

    def delete_item(self, item_id):
        """Delete an item by its Marketful id (``POST items/delete_item``).

        :raise RequestError: code ``not_found`` when Marketful does not know the item
        :return: True
        """
        self._call("POST", const.DELETE_ITEM_PATH, body={"item_id": item_id})
        return True

    def _stock(self, path, params):
        _status, payload = self._call("GET", path, params=params)
        quantity = _first(payload, "available_quantity", "avariable_quantity")
        try:
            quantity = float(quantity)
        except (TypeError, ValueError):
            raise PayloadError(_("%(marketplace)s sent %(what)s this module cannot read: %(problems)s"),
                               marketplace=self.label, what=path,
                               problems=_("no available quantity")) from None
        return Stock(sku=_text(payload.get("sku")) or params.get("sku", ""), available_quantity=quantity,
                     ean=_text(payload.get("ean")) or params.get("ean", ""),
                     item_id=_text(payload.get("item_id")))

    def get_stock(self, sku):
        """Stock available for sale of a SKU (``GET items/get_stock``). :rtype: Stock"""
        return self._stock(const.STOCK_PATH, {"sku": sku})

    def get_stock_ean(self, ean):
        """Stock available for sale of an EAN (``GET items/get_stock_ean``). :rtype: Stock"""
        return self._stock(const.STOCK_EAN_PATH, {"ean": ean})

    # -- multichannel orders ----------------------------------------------------------------

    @staticmethod
    def _state(value):
        return mx_state(value) or re.sub(r"\s+", "", value or "").upper()

    def validate_fulfillment_order(self, order):
        """What stops a multichannel order from being sent, before any call (empty when it can be sent);
        see :func:`.mapping.fulfillment_problems`.

        :rtype: list[Problem]
        """
        return fulfillment_problems(order)

    def fulfillment_order_body(self, order):
        """The seed's body of ``POST shopi_orders/multicanal_api`` for ``order``."""
        contact_info = {
            "num_orden": _text(order.num_orden), "orden_id": _text(order.orden_id),
            "customer": order.customer, "carrier_name": carrier_name(order.carrier) or order.carrier,
            "telefono": _text(order.phone),
            "calle": order.street, "no_exterior": _text(order.exterior_number),
            "no_interior": _text(order.interior_number), "colonia": order.colonia, "ciudad": order.city,
            const.STATE_FIELD: self._state(order.state), "codigo_postal": _text(order.postal_code),
            "canal": order.canal, "tipo_envio": const.SHIPPING_ALIASES.get(order.tipo_envio.strip().lower(),
                                                                           order.tipo_envio),
            "asegurado": bool(order.insured),
        }
        items = [{"sku": line.sku, "cantidad": int(line.cantidad)} for line in order.items]
        return {"order": {"contact_info": contact_info, "items": items}}

    def create_fulfillment_order(self, order):
        """Ask Marketful to fulfil an order (``POST shopi_orders/multicanal_api``).

        Not idempotent: Marketful refuses a second order with the same ``canal`` and ``num_orden``
        (``already_exists``); look the first one up with :meth:`get_orders`.

        :param FulfillmentOrder order:
        :raise RequestError: code ``invalid_order`` (no call made) when the order is incomplete, with the
            list of :class:`..base.Problem` in its ``problems`` attribute; code ``already_exists`` when
            Marketful already has this order (param ``order_ref``: its Marketful id when given)
        :rtype: FulfillmentOrderResult
        """
        problems = self.validate_fulfillment_order(order)
        if problems:
            error = RequestError(_("%(marketplace)s: the order cannot be sent: %(problems)s"),
                                 code="invalid_order", marketplace=self.label, problems=" ".join(problems))
            error.problems = problems
            raise error
        status, payload = self._call("POST", const.FULFILLMENT_ORDER_PATH, body=self.fulfillment_order_body(order),
                                     accept=(const.ORDER_EXISTS_STATUS,))
        if status == const.ORDER_EXISTS_STATUS:
            raise RequestError(
                _("%(marketplace)s already has order %(number)s of channel %(channel)s (Marketful order "
                  "%(order_ref)s): it was sent before; look it up instead of sending it again."),
                code="already_exists", status=status, marketplace=self.label, number=_text(order.num_orden),
                channel=_text(order.canal), order_ref=_text(_first(payload, "order_id", "id")) or "?")
        answer = _first(payload, "order", "orden")
        order_id = _first(answer, "order_id", "id") if isinstance(answer, dict) else answer
        order_id = order_id if order_id is not None else payload.get("order_id")
        return FulfillmentOrderResult(order_id=_text(order_id), message=_message(payload), payload=payload)

    @staticmethod
    def _order(record):
        return MarketfulOrder(
            order_id=_text(_first(record, "order_id", "id")), num_orden=_text(record.get("num_orden")),
            orden_id=_text(record.get("orden_id")), canal=_text(record.get("canal")),
            carrier=_text(_first(record, "carrier_name", "carrier")),
            tracking_number=_text(record.get("tracking_number")), label_url=_text(record.get("url_guia_pdf")),
            fulfillment_status=_text(record.get("fulfillment_status")), payload=record)

    def get_orders(self, canal, orden):
        """The order ``orden`` of channel ``canal`` (``GET shopi_orders/get_orders``), or None.

        :rtype: MarketfulOrder | None
        """
        status, payload = self._call("GET", const.GET_ORDERS_PATH, params={"canal": canal, "orden": orden},
                                     accept=(400, 401, 402, 403, 404))
        if _message(payload).lower().startswith(const.ORDER_NOT_FOUND_PREFIX):
            return None
        if status != 200:
            raise self._refused(status, payload)
        record = _first(payload, "orden", "order", "ordenes", "orders")
        if isinstance(record, list):
            record = record[0] if record else None
        if record is None:
            return None
        if not isinstance(record, dict):
            raise PayloadError(_("%(marketplace)s sent %(what)s this module cannot read: %(problems)s"),
                               marketplace=self.label, what=const.GET_ORDERS_PATH, problems=_("no order object"))
        return self._order(record)

    # -- entry orders ---------------------------------------------------------------------

    def create_entry_order(self, quantities):
        """Announce stock sent to the warehouse (``POST entradas/nueva_entrada_api``).

        :param dict quantities: SKU -> quantity (> 0)
        :return: the order token, or (status 401) the SKUs Marketful refused and no token
        :rtype: EntryOrderResult
        """
        entry = {}
        for sku, quantity in quantities.items():
            try:
                number = float(quantity)
            except (TypeError, ValueError):
                number = 0
            if number <= 0:
                raise RequestError(_("%(marketplace)s entry order: the quantity of %(sku)s must be above zero."),
                                   code="invalid_quantity", marketplace=self.label, sku=sku)
            entry[sku] = int(number) if number.is_integer() else number
        if not entry:
            raise RequestError(_("%(marketplace)s entry order: there is nothing to send."),
                               code="invalid_quantity", marketplace=self.label)
        status, payload = self._call("POST", const.ENTRY_ORDER_PATH, body={"entry_order": entry}, accept=(401,))
        if status == 401:
            if "items" not in payload:
                raise self._refused(status, payload)
            rejected = payload.get("items") or []
            rejected = list(rejected) if isinstance(rejected, (list, dict)) else [rejected]
            rejected = [_text(_first(item, "sku") if isinstance(item, dict) else item) for item in rejected]
            return EntryOrderResult(rejected=rejected, message=_message(payload))
        token = _first(payload, "order_token", "token")
        if isinstance(token, dict):
            token = _first(token, "token", "order_token", "id")
        if not _text(token):
            raise PayloadError(_("%(marketplace)s sent %(what)s this module cannot read: %(problems)s"),
                               marketplace=self.label, what=const.ENTRY_ORDER_PATH, problems=_("no order token"))
        return EntryOrderResult(order_token=_text(token), message=_message(payload))

    # -- shipment events ------------------------------------------------------------------

    def get_shipment_events(self, order_ref):
        """Shipment events of a Marketful order id (``GET shipment_events/get_events``).

        :raise RequestError: code ``not_found`` when Marketful does not know the order
        :rtype: list[ShipmentEvent]
        """
        _status, payload = self._call("GET", const.SHIPMENT_EVENTS_PATH, params={"order_id": order_ref})
        order = payload.get("orden") if isinstance(payload.get("orden"), dict) else {}
        events = _first(order, "shipment_events", "events") or payload.get("shipment_events") or []
        if not isinstance(events, list):
            raise PayloadError(_("%(marketplace)s sent %(what)s this module cannot read: %(problems)s"),
                               marketplace=self.label, what=const.SHIPMENT_EVENTS_PATH,
                               problems=_("shipment_events is not a list"))
        return [ShipmentEvent(status=_text(_first(event, "status", "estatus")),
                              description=_text(_first(event, "description", "descripcion")),
                              date=_text(_first(event, "created_at", "fecha")),
                              tracking_number=_text(_first(event, "tracking_number") or order.get("tracking_number")),
                              event_id=_text(event.get("id")),
                              carrier=_text(_first(event, "carrier_name") or order.get("carrier_name")),
                              number=_text(_first(event, "num_orden") or order.get("num_orden")),
                              channel=_text(_first(event, "canal") or order.get("canal")))
                for event in events if isinstance(event, dict)]

    # -- webhooks -------------------------------------------------------------------------

    @staticmethod
    def _webhook(record):
        return Webhook(webhook_id=_text(record.get("id")), topic=_text(_first(record, "tipo", "topic", "nombre")),
                       url=_text(record.get("url")))

    def list_webhooks(self):
        """The registered webhooks (``GET webhooks/consultar``). :rtype: list[Webhook]"""
        _status, payload = self._call("GET", const.WEBHOOKS_LIST_PATH)
        webhooks = payload.get("webhooks") or []
        if not isinstance(webhooks, list):
            raise PayloadError(_("%(marketplace)s sent %(what)s this module cannot read: %(problems)s"),
                               marketplace=self.label, what=const.WEBHOOKS_LIST_PATH,
                               problems=_("webhooks is not a list"))
        return [self._webhook(record) for record in webhooks if isinstance(record, dict)]

    def create_webhook(self, topic, url):
        """Register a webhook (``POST webhooks/crear``).

        Same topic and URL as an existing webhook: Marketful returns the existing one. Same topic
        with another URL: a registration with ``conflict=True`` (delete the old one first).

        :param str topic: ``order/created``, ``order/updated`` or ``shipment_event/created``
        :rtype: WebhookRegistration
        """
        if topic not in const.WEBHOOK_TOPICS:
            raise RequestError(_("%(marketplace)s has no webhook %(topic)s: use one of %(topics)s."),
                               code="invalid_topic", marketplace=self.label, topic=topic,
                               topics=", ".join(const.WEBHOOK_TOPICS))
        status, payload = self._call("POST", const.WEBHOOK_CREATE_PATH, body={"url": url, "tipo": topic},
                                     accept=(404,))
        if status != 200:
            if _message(payload).lower().startswith(const.WEBHOOK_EXISTS_PREFIX):
                return WebhookRegistration(topic=topic, url=url, conflict=True, message=_message(payload))
            raise self._refused(status, payload)
        record = payload.get("webhook") if isinstance(payload.get("webhook"), dict) else {}
        webhook = self._webhook(record) if record else Webhook(webhook_id="", topic=topic, url=url)
        return WebhookRegistration(topic=topic, url=url, webhook=webhook, message=_message(payload))

    def delete_webhook(self, webhook_id):
        """Delete a webhook by id (``POST webhooks/eliminar``).

        :return: True when deleted, False when Marketful had no such webhook
        """
        status, payload = self._call("POST", const.WEBHOOK_DELETE_PATH, body={"webhook_id": _text(webhook_id)},
                                     accept=(404,))
        if status != 200:
            message = _message(payload).lower()
            if message.startswith("webhook") and message.endswith(const.WEBHOOK_NOT_FOUND_SUFFIX):
                return False
            raise self._refused(status, payload)
        return True

    @classmethod
    def parse_webhook(cls, topic, body):
        """Read a notification Marketful pushed (``body``: bytes, text or a decoded dict).

        The chosen payload (``const.py``) is ``{"tipo", "webhook_id", "user", "data": <order or shipment
        event>}``; a bare order or shipment event is read too. The payload's ``tipo`` wins over ``topic``,
        which names the type of a bare body.

        :param str topic: ``order/created``, ``order/updated`` or ``shipment_event/created`` (or None)
        :raise PayloadError: on a body that is not a JSON object, of no known type, or that names no order
        :rtype: WebhookEvent
        """
        payload = body
        if isinstance(body, (bytes, bytearray, str)):
            try:
                payload = json.loads(body)
            except ValueError:
                raise PayloadError(_("%(marketplace)s webhook %(topic)s: the body is not JSON."),
                                   marketplace=cls.label, topic=topic or "?") from None
        if not isinstance(payload, dict):
            raise PayloadError(_("%(marketplace)s webhook %(topic)s: the body is not a JSON object."),
                               marketplace=cls.label, topic=topic or "?")
        sent_topic = _text(payload.get("tipo"))
        topic = sent_topic if sent_topic in const.WEBHOOK_TOPICS else _text(topic)
        if topic not in const.WEBHOOK_TOPICS:
            raise PayloadError(_("%(marketplace)s webhook %(topic)s: unknown type, expected one of %(topics)s."),
                               marketplace=cls.label, topic=sent_topic or topic or "?",
                               topics=", ".join(const.WEBHOOK_TOPICS))
        record = _first(payload, const.WEBHOOK_DATA, "orden", "order", "shipment_event")
        record = record if isinstance(record, dict) else payload
        if topic.startswith("shipment_event"):
            ref, event_id = _first(record, "order_id"), _text(record.get("id"))
            status = _text(_first(record, "status", "estatus"))
        else:
            ref, event_id = _first(record, "order_id", "id"), ""
            status = _text(_first(record, "fulfillment_status", "status", "estatus"))
        if not _text(ref):
            raise PayloadError(_("%(marketplace)s webhook %(topic)s: the body names no order."),
                               marketplace=cls.label, topic=topic)
        return WebhookEvent(
            topic=topic, order_ref=_text(ref), number=_text(record.get("num_orden")),
            order_id=_text(record.get("orden_id")), channel=_text(record.get("canal")), event_id=event_id,
            status=status, delivered=status.lower() in const.DELIVERED_STATUSES,
            tracking_number=_text(record.get("tracking_number")),
            carrier=_text(_first(record, "carrier_name", "carrier")), label_url=_text(record.get("url_guia_pdf")),
            payload=payload)

    @staticmethod
    def webhook_essentials(event):
        """What applying ``event`` needs of its webhook body, in the chosen payload shape: read again
        by :meth:`parse_webhook`, it gives the same event. The rest of the body (Marketful's ``user``
        id of the seller, the webhook's id, dates) is left out.

        :param WebhookEvent event: an event read by :meth:`parse_webhook`
        :rtype: dict
        """
        record = {
            "order_id": event.order_ref, "num_orden": event.number, "orden_id": event.order_id,
            "canal": event.channel, "status": event.status, "tracking_number": event.tracking_number,
            "carrier_name": event.carrier, "url_guia_pdf": event.label_url,
        }
        if event.topic.startswith("shipment_event"):
            record["id"] = event.event_id
        return {"tipo": event.topic, const.WEBHOOK_DATA: {key: value for key, value in record.items() if value}}

    # -- connection -----------------------------------------------------------------------

    def test_connection(self):
        """Check host and credentials with a harmless read (the webhook list)."""
        self.list_webhooks()
        return True


__all__ = ["MarketfulClient"]
