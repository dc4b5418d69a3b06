"""HTTP client of X-Mart: an OAuth client token (cached), stores and channels, lists, orders and
their fulfillment, coupons and payments. Paths and payloads are those of ``const.py``."""

import hmac
from urllib.parse import quote

from ..base import AuthenticationError, BaseClient, PayloadError, Problem, RequestError, _, redact
from ..tokens import CachedTokenMixin, MemoryTokenStore
from . import const, mapping
from .records import ChannelsStoresResult, CouponResult, ListResult, PaymentInfo, SyncError, SyncReport
from .schemas import (
    XmartChannelsStoresAnswer,
    XmartCoupon,
    XmartListAnswer,
    XmartPayment,
    XmartStores,
    XmartSyncReport,
    XmartToken,
    XmartTransferAnswer,
)

#: answers that mean the call went through
_SUCCESS = (200, 201, 202, 204)
_SUCCESS_WORDS = ("success", "ok")


def _text(value):
    return mapping._text(value)


def _what(template, **params):
    """What a call is about, for messages (``order O-1``); keeps its template for translation."""
    return Problem(template, params)


class XmartClient(CachedTokenMixin, BaseClient):
    """X-Mart client.

    :param str client_id: the OAuth client id X-Mart registered for the seller
    :param str client_secret: its secret (never shown in a message nor logged)
    :param TokenStore token_store: where the access token is cached (default: in memory)
    :param str country: ISO 3166-1 alpha-2 code of the account's country (``EC``), given to the
        buyer's address of imported orders; empty leaves it unknown
    :param str api_url: **required** before any call: the brand's X-Mart host (white label, there is
        no production default)

    The token is asked for once and reused until ``EXPIRY_MARGIN`` seconds before it expires; a call
    answered 401 renews it once and is sent once more. Nothing else is retried here: a failed call
    raises a typed error and the caller decides (the stores-and-channels, list, coupon and transfer
    calls replace or consume state on X-Mart's side).
    """

    label = const.LABEL
    token_expiry_margin = const.EXPIRY_MARGIN

    def __init__(self, client_id, client_secret, *, token_store=None, country="", **kwargs):
        country = (country or "").strip().upper()
        if country and not (len(country) == 2 and country.isalpha()):
            raise ValueError(f"country must be an ISO 3166-1 alpha-2 code such as EC, or empty; got {country!r}")
        super().__init__(**kwargs)
        self.client_id = (client_id or "").strip()
        self.client_secret = client_secret or ""
        self.country = country
        self.token_store = token_store if token_store is not None else MemoryTokenStore()
        self._tokens = set()  # every access token seen, for redaction
        self._call_token = None  # the token the call being sent carries
        self._call_what = None  # what the call being sent is about, for error messages

    # -- hooks ----------------------------------------------------------------------------

    def _secrets(self):
        return (self.client_secret, *sorted(self._tokens, key=len, reverse=True))

    def _headers(self):
        return {"Authorization": f"Bearer {self._call_token}"} if self._call_token else {}

    def _error_message(self, response, payload):
        """X-Mart's ``{"message", "errors": [...]}``: the message, then every error."""
        if isinstance(payload, dict):
            message = payload.get("message")
            message = _text(message) if isinstance(message, (str, int, float)) else ""
            errors = payload.get("errors")
            errors = errors if isinstance(errors, list) else [errors]
            details = "; ".join(str(error) for error in errors if error not in (None, "", [], {}))
            text = ": ".join(part for part in (message, details) if part)
            if text:
                return text
        return super()._error_message(response, payload)

    def _raise_for_response(self, response):
        """404 -> ``not_found``, 409 -> ``conflict``, 400/422 -> ``bad_request`` (with the
        answer's ``errors``); 401, 429 and 5xx as every client."""
        status = response.status_code
        if status in (400, 404, 409, 422):
            detail = self._error_message(response, self._safe_json(response)) or response.reason or "-"
            params = {"marketplace": self.label, "what": self._call_what or _what(_("the request")),
                      "detail": redact(detail, self._secrets())}
            if status == 404:
                raise RequestError(_("%(marketplace)s does not know %(what)s (HTTP %(status)s): %(detail)s"),
                                   code="not_found", status=status, **params)
            if status == 409:
                raise RequestError(_("%(marketplace)s refused %(what)s in its current state (HTTP %(status)s): "
                                     "%(detail)s"), code="conflict", status=status, **params)
            raise RequestError(_("%(marketplace)s refused %(what)s (HTTP %(status)s): %(detail)s"),
                               code="bad_request", status=status, **params)
        return super()._raise_for_response(response)

    # -- plumbing -------------------------------------------------------------------------

    def _endpoint(self, path):
        """The URL of ``path`` on the account's host.

        :raise RequestError: code ``no_api_url`` when the account has no API URL
        """
        if not self.api_url:
            raise RequestError(
                _("%(marketplace)s has no API URL: %(marketplace)s runs on each brand's own host, with no "
                  "default. Set the API URL of the account to the brand's host (such as https://api.brand.example)."),
                code="no_api_url", marketplace=self.label)
        return self.api_url + path

    @staticmethod
    def _path(template, **ids):
        """``template`` with every id quoted; an empty id is a programming error."""
        values = {}
        for key, value in ids.items():
            text = _text(value)
            if not text:
                raise ValueError(f"{key} is required")
            values[key] = quote(text, safe="")
        return template.format(**values)

    def _send(self, method, url, token, what, **kwargs):
        """One call carrying ``token``; success and 401 come back, other statuses raise."""
        self._call_token, self._call_what = token, what
        try:
            return self._request(method, url, expected=(*_SUCCESS, 401), **kwargs)
        finally:
            self._call_token = self._call_what = None

    def _call(self, method, path, *, what, json=None, params=None):
        """A call with the cached token; on 401 the token is renewed once and the call sent once more.

        :raise AuthenticationError: when the renewed token is refused too
        """
        url = self._endpoint(path)
        response = self._send(method, url, self.get_token(), what, json=json, params=params)
        if response.status_code != 401:
            return response
        response = self._send(method, url, self.get_token(force=True), what, json=json, params=params)
        if response.status_code == 401:
            detail = self._error_message(response, self._safe_json(response)) or "-"
            raise AuthenticationError(
                _("%(marketplace)s refused a new access token (HTTP %(status)s): check that the client %(client)s "
                  "may use this API. %(marketplace)s said: %(detail)s"),
                status=401, marketplace=self.label, client=self.client_id, detail=redact(detail, self._secrets()))
        return response

    def _answer(self, response, model, what):
        return self._parse(model, self._json(response), what)

    def _check_success(self, response, what):
        """A ``{"status": "success"}`` answer (an empty or non-JSON 2xx is taken as success too).

        :raise RequestError: code ``refused`` when the answer's status says otherwise
        :return: the decoded answer (``{}`` when there is none)
        """
        answer = self._safe_json(response) if response.content else None
        answer = answer if isinstance(answer, dict) else {}
        status = answer.get("status")
        if status is not None and _text(status).lower() not in _SUCCESS_WORDS:
            detail = self._error_message(response, answer) or _text(status)
            raise RequestError(_("%(marketplace)s did not accept %(what)s (status %(answer)s): %(detail)s"),
                               code="refused", marketplace=self.label, what=what, answer=_text(status),
                               detail=redact(detail, self._secrets()))
        return answer

    # -- token ----------------------------------------------------------------------------

    def _request_token(self):
        url = self._endpoint(const.TOKEN_PATH)
        missing = [label for label, value in ((_("client id"), self.client_id),
                                              (_("client secret"), self.client_secret)) if not value]
        if missing:
            raise AuthenticationError(_("%(marketplace)s: the %(missing)s of the account is not set."),
                                      marketplace=self.label, missing=", ".join(missing))
        body = {"grant_type": const.GRANT_TYPE, "client_id": self.client_id, "client_secret": self.client_secret}
        self._call_what = _what(_("the token address (check the API URL)"))
        try:
            response = self._request("POST", url, json=body, expected=(200, *const.TOKEN_REFUSED_STATUSES))
        finally:
            self._call_what = None
        if response.status_code != 200:
            detail = self._error_message(response, self._safe_json(response)) or "-"
            raise AuthenticationError(
                _("%(marketplace)s refused the OAuth client (HTTP %(status)s): check the client id (%(client)s) and "
                  "the client secret of the account. %(marketplace)s said: %(detail)s"),
                status=response.status_code, marketplace=self.label, client=self.client_id,
                detail=redact(detail, self._secrets()))
        answer = self._answer(response, XmartToken, _what(_("a token answer")))
        return answer.access_token, answer.expires_in or const.DEFAULT_TOKEN_TTL

    def test_connection(self):
        """Ask for a new token to check host and credentials; raises a typed error when it fails."""
        self.get_token(force=True)
        return True

    # -- stores and channels --------------------------------------------------------------

    def get_stores(self, vendor_id):
        """All the stores of a brand, any status (``GET /api/v3/stores?vendorId=``).

        :param str vendor_id: the brand's id (X-Mart's ``vendorId``)
        :rtype: list[records.Store]
        """
        vendor = _text(vendor_id)
        if not vendor:
            raise ValueError("vendor_id is required")
        response = self._call("GET", const.STORES_PATH, params={"vendorId": vendor},
                              what=_what(_("brand %(id)s"), id=vendor))
        answer = self._answer(response, XmartStores, _what(_("a store list")))
        return [mapping.store_from_payload(store) for store in answer.stores or []]

    def get_store(self, store_id):
        """One store by its X-Mart id.

        :raise RequestError: code ``not_found`` for an unknown store
        :rtype: records.Store
        """
        response = self._call("GET", self._path(const.STORE_PATH, store_id=store_id),
                              what=_what(_("store %(id)s"), id=store_id))
        return mapping.store_from_payload(self._json(response))

    def set_store_status(self, store_id, active):
        """Open (``ACTIVE``) or close (``INACTIVE``) a store on X-Mart.

        :param bool active:
        :return: the store as X-Mart now has it
        :rtype: records.Store
        """
        response = self._call("PUT", self._path(const.STORE_STATUS_PATH, store_id=store_id),
                              json={"status": const.STORE_STATUSES[0] if active else const.STORE_STATUSES[1]},
                              what=_what(_("the status of store %(id)s"), id=store_id))
        return mapping.store_from_payload(self._json(response))

    def save_channels_stores(self, stores, channels, *, allow_empty=False):
        """Send the whole channels-and-stores configuration (``POST /api/v3/channels-stores``).

        **X-Mart replaces its configuration with what is sent: a store or channel left out is
        deleted.** Send every store and channel the account manages. Not idempotent in effect for
        new stores (each send without ``store_id`` may create one): store the ``store_ids`` answered.

        :param list[records.Store] stores: ``store_id`` empty for a new store
        :param list[records.Channel] channels:
        :param bool allow_empty: send an empty configuration (deletes everything); refused otherwise
        :raise RequestError: code ``invalid_configuration`` (see ``mapping.configuration_problems``)
            or ``empty_configuration``, before any call
        :rtype: records.ChannelsStoresResult
        """
        stores, channels = list(stores), list(channels)
        if not stores and not channels and not allow_empty:
            raise RequestError(_("%(marketplace)s: there is no store and no channel to send; %(marketplace)s would "
                                 "delete the whole configuration. Nothing was sent."),
                               code="empty_configuration", marketplace=self.label)
        problems = mapping.configuration_problems(stores, channels)
        if problems:
            raise RequestError(_("%(marketplace)s: the stores and channels were not sent: %(problems)s"),
                               code="invalid_configuration", marketplace=self.label, problems="; ".join(problems))
        body = {"stores": [mapping.store_payload(store) for store in stores],
                "channels": [mapping.channel_payload(channel) for channel in channels]}
        what = _what(_("the stores and channels"))
        response = self._call("POST", const.CHANNELS_STORES_PATH, json=body, what=what)
        self._check_success(response, what)
        answer = self._answer(response, XmartChannelsStoresAnswer, _what(_("a stores and channels answer")))
        store_ids = {_text(store.code): _text(store.store_id) for store in stores if _text(store.store_id)}
        store_ids.update(answer.storeIds or {})
        return ChannelsStoresResult(
            stores=len(stores) if answer.stores is None else answer.stores,
            channels=len(channels) if answer.channels is None else answer.channels,
            store_ids=store_ids,
        )

    # -- lists ----------------------------------------------------------------------------

    def put_list(self, catalog_list):
        """Register or replace a list (``PUT /api/v3/products``): **products left out are removed**.
        A list without ``list_id`` is created. Compare ``mapping.list_hash`` with the hash of the
        last list sent to skip an unchanged one.

        :param records.CatalogList catalog_list:
        :raise RequestError: code ``invalid_list`` (see ``mapping.list_problems``), before any call
        :rtype: records.ListResult
        """
        problems = mapping.list_problems(catalog_list)
        if problems:
            raise RequestError(_("%(marketplace)s: list %(list)s was not sent: %(problems)s"), code="invalid_list",
                               marketplace=self.label, list=catalog_list.name or "?", problems="; ".join(problems))
        response = self._call("PUT", const.LIST_PATH, json={"list": mapping.list_payload(catalog_list)},
                              what=_what(_("list %(name)s"), name=catalog_list.name))
        answer = self._answer(response, XmartListAnswer, _what(_("a list answer")))
        return ListResult(list_id=answer.listId, name=answer.name or catalog_list.name, active=answer.active,
                          sync_id=answer.syncId or "")

    def get_sync_report(self, list_id):
        """The last synchronisation of a list; read it again later while it is ``PROCESSING``.

        :rtype: records.SyncReport
        """
        response = self._call("GET", self._path(const.SYNC_REPORT_PATH, list_id=list_id),
                              what=_what(_("the synchronisation report of list %(id)s"), id=list_id))
        answer = self._answer(response, XmartSyncReport, _what(_("a synchronisation report")))
        return SyncReport(
            list_id=answer.listId or _text(list_id),
            sync_id=answer.syncId or "",
            status=answer.status,
            processed_at=answer.processedAt,
            total=answer.total or 0,
            errors=[SyncError(product_id=error.productId or "", message=error.message or "")
                    for error in answer.errors or []],
        )

    # -- orders ---------------------------------------------------------------------------

    def get_order(self, order_id):
        """Read one order (after its webhook): ``GET /api/v3/orders/{orderId}``.

        :raise RequestError: code ``not_found`` for an unknown order
        :raise PayloadError: when the answer is not an object, or is another order
        :rtype: records.RawOrder
        """
        response = self._call("GET", self._path(const.ORDER_PATH, order_id=order_id),
                              what=_what(_("order %(id)s"), id=order_id))
        payload = self._json(response)
        if not isinstance(payload, dict):
            raise PayloadError(_("%(marketplace)s sent order %(order)s as something that is not a JSON object."),
                               marketplace=self.label, order=_text(order_id))
        sent_id = payload.get("orderId")
        if sent_id not in (None, "") and _text(sent_id) != _text(order_id):
            raise PayloadError(_("%(marketplace)s answered order %(sent)s when asked for order %(order)s."),
                               marketplace=self.label, sent=_text(sent_id), order=_text(order_id))
        return mapping.raw_order(payload, order_id=_text(order_id))

    def parse_order(self, payload):
        """Map a stored order payload to a ``MarketOrder`` (see ``mapping.order_from_payload``),
        the buyer in the account's country."""
        return mapping.order_from_payload(payload, self.country)

    @classmethod
    def parse_webhook(cls, body):
        """Read X-Mart's new-order webhook (``body``: bytes, text or a decoded dict); a hint to
        read the order with :meth:`get_order`.

        :raise PayloadError: on anything but a JSON object with event ``NEW_ORDER`` and an ``orderId``
        :rtype: records.WebhookNotice
        """
        return mapping.webhook_from_body(body)

    @staticmethod
    def webhook_secret_matches(received, expected):
        """Whether the ``X-Xmart-Secret`` header received is the account's webhook secret
        (constant-time); fails closed when no secret is set."""
        if not expected or not received:
            return False
        return hmac.compare_digest(str(received).encode(), str(expected).encode())

    def set_order_status(self, order_id, status):
        """Change an order's status (``POST /api/order/status``).

        :param str status: one of ``const.ORDER_STATUSES``
        :raise RequestError: code ``invalid_status`` for another status, before any call
        """
        if status not in const.ORDER_STATUSES:
            raise RequestError(_("%(marketplace)s: %(status_value)s is not an order status; use one of %(statuses)s."),
                               code="invalid_status", marketplace=self.label, status_value=repr(status),
                               statuses=", ".join(const.ORDER_STATUSES))
        order = self._required_id(order_id)
        what = _what(_("status %(value)s for order %(id)s"), value=status, id=order)
        self._check_success(self._call("POST", const.ORDER_STATUS_PATH, json={"order_id": order, "status": status},
                                       what=what), what)

    def register_tracking(self, order_id, tracking_number, carrier, tracking_url=""):
        """Register the tracking of an order (``POST /api/order/tracking``).

        :raise RequestError: code ``missing_tracking`` without a tracking number, before any call
        """
        order = self._required_id(order_id)
        if not _text(tracking_number):
            raise RequestError(_("%(marketplace)s order %(order)s: there is no tracking number to send."),
                               code="missing_tracking", marketplace=self.label, order=order)
        body = {"order_id": order, "tracking_number": _text(tracking_number), "carrier": _text(carrier),
                "tracking_url": _text(tracking_url)}
        what = _what(_("the tracking of order %(id)s"), id=order)
        self._check_success(self._call("POST", const.TRACKING_PATH, json=body, what=what), what)

    def transfer_order(self, order_id, from_store, to_store, processed_by, reason, shipping_address=None):
        """Move an order to another store (``PUT /api/order/transfer``).

        :param dict shipping_address: a new address in the order's ``shippingAddress`` shape, or ``None``
        :raise RequestError: code ``invalid_transfer`` (same or missing store) before any call;
            ``conflict`` when the order is dispatched, delivered or canceled; ``not_found``
        :return: the order payload as X-Mart now has it (in ``to_store``)
        :rtype: dict
        """
        order = self._required_id(order_id)
        source, target = _text(from_store), _text(to_store)
        if not source or not target or source == target:
            raise RequestError(_("%(marketplace)s order %(order)s: a transfer needs two different stores (from "
                                 "%(source)s to %(target)s)."), code="invalid_transfer", marketplace=self.label,
                               order=order, source=source or "?", target=target or "?")
        if shipping_address is not None and not isinstance(shipping_address, dict):
            raise TypeError("shipping_address must be a dict in the order's shippingAddress shape, or None")
        body = {"order": order, "from_store": source, "to_store": target, "processed_by": _text(processed_by),
                "transfer_reason": _text(reason), "shipping_address": shipping_address}
        what = _what(_("the transfer of order %(id)s to store %(store)s"), id=order, store=target)
        response = self._call("PUT", const.TRANSFER_PATH, json=body, what=what)
        self._check_success(response, what)
        return self._answer(response, XmartTransferAnswer, _what(_("a transfer answer"))).order

    def mark_pickup_dispatched(self, order_id):
        """Mark a PICKUP order as handed over (``POST /api/order/pickup/dispatched``).

        :raise RequestError: code ``conflict`` when it is no pickup order or already dispatched
        """
        order = self._required_id(order_id)
        what = _what(_("pickup order %(id)s as dispatched"), id=order)
        self._check_success(self._call("POST", const.PICKUP_DISPATCHED_PATH, json={"order_id": order}, what=what),
                            what)

    # -- coupons and payments --------------------------------------------------------------

    def redeem_coupon(self, uid, promotion_code, order_id):
        """Redeem a local coupon for an order (``POST /api/coupons/redeem``). Not repeatable: a
        second redemption is answered ``conflict``.

        :param str uid: the customer's X-Mart UID
        :raise RequestError: ``conflict`` when already redeemed, ``not_found`` for an unknown code
        :rtype: records.CouponResult
        """
        order = self._required_id(order_id)
        code = _text(promotion_code)
        if not _text(uid) or not code:
            raise ValueError("uid and promotion_code are required")
        what = _what(_("coupon %(code)s for order %(id)s"), code=code, id=order)
        response = self._call("POST", const.COUPON_PATH, json={"uid": _text(uid), "promotion_code": code,
                                                               "order_id": order}, what=what)
        self._check_success(response, what)
        answer = self._answer(response, XmartCoupon, _what(_("a coupon answer")))
        return CouponResult(coupon_id=answer.couponId, discount=answer.discount, redeemed_at=answer.redeemedAt)

    def get_payment(self, order_id):
        """How an order was paid (``GET /api/order/{orderId}/payment``).

        :rtype: records.PaymentInfo
        """
        response = self._call("GET", self._path(const.PAYMENT_PATH, order_id=order_id),
                              what=_what(_("the payment of order %(id)s"), id=order_id))
        answer = self._answer(response, XmartPayment, _what(_("a payment answer")))
        return PaymentInfo(order_id=answer.order_id or _text(order_id), method=answer.method or "",
                           status=answer.status or "", amount=answer.amount, currency=answer.currency or "",
                           paid_at=answer.paidAt, transactions=list(answer.transactions or []))

    @staticmethod
    def _required_id(value):
        text = _text(value)
        if not text:
            raise ValueError("order_id is required")
        return text


__all__ = ["XmartClient"]
