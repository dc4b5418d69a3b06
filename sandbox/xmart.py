"""X-Mart (white-label Artisn), served under ``/xmart``: token, stores and channels, lists, orders and the
New Order webhook.

Written from ``marketplaces/xmart/const.py`` (the contract the client, Odoo and the sandbox share; read, never
imported) and the seed ``xmart_api_overview.txt``. Everything runs on one OAuth client: the stores and channels
"of the client" are all the stores and channels of the sandbox, and ``POST /api/v3/channels-stores`` replaces
them all. Orders are placed through the control API, which sends the webhook synchronously. Choices beyond
``const.py`` are listed in ``sandbox/README.md``.
"""

from __future__ import annotations

import copy
import hmac
import math
import random
import re
import secrets
import threading
import time
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from . import xmart_data
from .core import (
    BadRequest,
    Marketplace,
    Request,
    Response,
    expect_int,
    expect_object,
    json_response,
    message,
    method_not_allowed,
    not_found,
    route_control,
    send_json,
)

__all__ = ["DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET", "DEFAULT_TOKEN_TTL", "XmartMarketplace", "XmartOptions"]

DEFAULT_CLIENT_ID = "sandbox-xmart-client"
DEFAULT_CLIENT_SECRET = "sandbox-xmart-secret"
DEFAULT_TOKEN_TTL = 3600
MAX_TOKEN_TTL = 86_400
MAX_DELAY_READS = 100
MAX_DELIVERIES = 10
GRANT_TYPE = "client_credentials"
STORE_STATUSES = ("ACTIVE", "INACTIVE")
STORE_SERVICES = ("DELIVERY", "PICKUP")
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
SYNC_STATUSES = ("PROCESSING", "FINISHED", "FAILED")
ORDER_TYPES = ("DELIVERY", "PICKUP")
STATUS_NEW = "New"
STATUS_DISPATCHED = "Dispatched"
ORDER_STATUSES = ("Accepted", "InPreparation", "Ready", "Dispatched", "Delivered", "Canceled")
FINAL_STATUSES = ("Delivered", "Canceled")
NOT_TRANSFERABLE = ("Dispatched", "Delivered", "Canceled")
WEBHOOK_EVENT = "NEW_ORDER"
WEBHOOK_SECRET_HEADER = "X-Xmart-Secret"
WEBHOOK_TIMEOUT = 5
TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
END_OF_DAY = "24:00"  # accepted as a slot's "to" only
EAN = re.compile(r"^[0-9]{8,14}$")
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")

ROUTES = [
    (re.compile(r"^/api/transactional/token$"), "POST", "_token"),
    (re.compile(r"^/api/v3/stores$"), "GET", "_stores_by_vendor"),
    (re.compile(r"^/api/v3/stores/(?P<key>[^/]+)$"), "GET", "_store"),
    (re.compile(r"^/api/v3/stores/(?P<key>[^/]+)/status$"), "PUT", "_store_status"),
    (re.compile(r"^/api/v3/channels-stores$"), "POST", "_channels_stores"),
    (re.compile(r"^/api/v3/products$"), "PUT", "_put_list"),
    (re.compile(r"^/api/v3/lists/(?P<key>[^/]+)/sync-report$"), "GET", "_sync_report"),
    (re.compile(r"^/api/v3/orders/(?P<key>[^/]+)$"), "GET", "_get_order"),
    (re.compile(r"^/api/order/status$"), "POST", "_order_status"),
    (re.compile(r"^/api/order/tracking$"), "POST", "_tracking"),
    (re.compile(r"^/api/order/transfer$"), "PUT", "_transfer"),
    (re.compile(r"^/api/order/pickup/dispatched$"), "POST", "_pickup_dispatched"),
    (re.compile(r"^/api/coupons/redeem$"), "POST", "_redeem_coupon"),
    (re.compile(r"^/api/order/(?P<key>[^/]+)/payment$"), "GET", "_payment"),
]
CONTROL_ROUTES = [
    (re.compile(r"^/expire-tokens$"), {"POST": "_c_expire_tokens"}),
    (re.compile(r"^/brands$"), {"GET": "_c_brands"}),
    (re.compile(r"^/stores$"), {"GET": "_c_stores"}),
    (re.compile(r"^/channels$"), {"GET": "_c_channels"}),
    (re.compile(r"^/lists$"), {"GET": "_c_lists"}),
    (re.compile(r"^/lists/(?P<key>[^/]+)/sync-report$"), {"POST": "_c_set_sync"}),
    (re.compile(r"^/orders$"), {"GET": "_c_orders", "POST": "_c_place_order"}),
    (re.compile(r"^/orders/(?P<key>[^/]+)$"), {"GET": "_c_order"}),
    (re.compile(r"^/orders/(?P<key>[^/]+)/webhook$"), {"POST": "_c_redeliver"}),
    (re.compile(r"^/coupons$"), {"GET": "_c_coupons", "POST": "_c_add_coupon"}),
    (re.compile(r"^/webhook$"), {"GET": "_c_webhook", "POST": "_c_set_webhook"}),
    (re.compile(r"^/webhooks/log$"), {"GET": "_c_webhook_log", "DELETE": "_c_clear_webhook_log"}),
]
ORDER_KEYS = {"storeId", "channelId", "orderType", "items", "deliveryFee", "discount", "customer", "deliveries",
              "billing", "shippingAddress", "payment", "createdAt"}
ITEM_KEYS = {"productId", "name", "quantity", "unitPrice", "modifiers"}


class Refusal(Exception):
    """An X-Mart error answer: ``{"message": ..., "errors": [...]}`` (``errors`` only when there are details)."""

    def __init__(self, status: int, text: str, errors: list[str] | None = None) -> None:
        super().__init__(text)
        self.status, self.text, self.errors = status, text, errors or []

    def response(self) -> Response:
        body: dict[str, Any] = {"message": self.text}
        if self.errors:
            body["errors"] = self.errors
        return json_response(self.status, body)


@dataclass
class XmartOptions:
    """Settings; the CLI gives the defaults, ``/_sandbox/reset`` may override them per reset."""

    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    token_ttl: int = DEFAULT_TOKEN_TTL
    brands: dict | None = None  # None: xmart_data.BRANDS
    sync_delay_reads: int = 1


class XmartMarketplace(Marketplace):
    name = "xmart"
    #: epoch seconds now (token expiry); tests may replace it
    clock = staticmethod(time.time)

    def __init__(self, defaults: XmartOptions | None = None) -> None:
        self.defaults = defaults or XmartOptions()
        self._lock = threading.Lock()
        self.reset(1, {})

    # -- state ---------------------------------------------------------------------------------------

    def reset(self, seed: int, options: dict) -> dict:
        settings = self._options(expect_object(options, "xmart"))
        brands = dict(settings.brands or xmart_data.BRANDS)
        vendor_id, brand = next(iter(brands.items()))
        stores = xmart_data.seed_stores(vendor_id, brand)
        channel = xmart_data.seed_channel(vendor_id, brand)
        with self._lock:
            self._settings = settings
            self._rng = random.Random(f"xmart-{seed}")
            self._tokens: dict[str, float] = {}  # access token -> expiry (epoch seconds)
            self._brands = brands
            self._stores: dict[str, dict] = {store["storeId"]: store for store in stores}
            self._channels: dict[str, dict] = {channel["channelId"]: channel}
            self._next_store = xmart_data.FIRST_STORE + len(stores)
            self._lists: dict[str, dict] = {}  # listId -> {"list", "sync", "published"}
            self._next_list = xmart_data.FIRST_LIST
            self._next_sync = xmart_data.FIRST_SYNC
            self._orders: dict[str, dict] = {}  # orderId -> {"order", "history", "tracking", "transfers", "coupons"}
            self._next_order = xmart_data.FIRST_ORDER
            self._coupons: dict[str, dict] = {}
            self._next_coupon = xmart_data.FIRST_COUPON
            for coupon in xmart_data.default_coupons():
                self._add_coupon(coupon)
            self._webhook: dict[str, str | None] = {"url": None, "secret": None}
            self._webhook_log: list[dict] = []
            return {"brands": len(self._brands), "stores": len(self._stores), "channels": len(self._channels),
                    "coupons": len(self._coupons)}

    def _options(self, body: dict) -> XmartOptions:
        """The defaults overridden by the reset body (``null`` means the default), validated."""
        allowed = {item.name for item in fields(XmartOptions)}
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise BadRequest(f"Unknown xmart settings: {', '.join(unknown)}")
        values = {key: getattr(self.defaults, key) for key in allowed}
        values.update({key: value for key, value in body.items() if value is not None})
        for key in ("client_id", "client_secret"):
            if not _text(values[key]):
                raise BadRequest(f"xmart.{key} must be a non-empty string")
        brands = values["brands"]
        if brands is not None:
            if not isinstance(brands, dict) or not brands or not all(
                    _text(key) and _text(value) for key, value in brands.items()):
                raise BadRequest("xmart.brands must be a non-empty object of brand id -> brand name")
        return XmartOptions(
            client_id=values["client_id"], client_secret=values["client_secret"],
            token_ttl=expect_int(values["token_ttl"], "xmart.token_ttl", 1, MAX_TOKEN_TTL),
            brands=dict(brands) if brands is not None else None,
            sync_delay_reads=expect_int(values["sync_delay_reads"], "xmart.sync_delay_reads", 0, MAX_DELAY_READS))

    def expire_tokens(self) -> int:
        """Make every access token given so far expired; returns how many were still active."""
        now = self.clock()
        with self._lock:
            active = sum(1 for expiry in self._tokens.values() if expiry > now)
            self._tokens = dict.fromkeys(self._tokens, 0.0)
        return active

    # -- marketplace API -----------------------------------------------------------------------------

    def _token_state(self, request: Request) -> str:
        """``ok``, ``missing``, ``unknown`` or ``expired`` for the request's ``Authorization: Bearer`` header."""
        scheme, _, token = (request.header("Authorization") or "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return "missing"
        with self._lock:
            expiry = self._tokens.get(token)
        if expiry is None:
            return "unknown"
        return "ok" if self.clock() < expiry else "expired"

    def is_authorized(self, request: Request) -> bool:
        return self._token_state(request) == "ok"

    def handle(self, request: Request, path: str) -> Response:
        path = re.sub(r"/{2,}", "/", path).rstrip("/") or "/"
        matched = False
        for pattern, method, handler in ROUTES:
            match = pattern.match(path)
            if match is None:
                continue
            matched = True
            if request.method != method:
                continue
            try:
                if handler != "_token":
                    self._check_token(request)
                return getattr(self, handler)(request, match.groupdict().get("key"))
            except Refusal as refusal:
                return refusal.response()
        return method_not_allowed() if matched else not_found()

    def _check_token(self, request: Request) -> None:
        state = self._token_state(request)
        if state != "ok":
            raise Refusal(401, {"missing": "Missing bearer token", "unknown": "Invalid token",
                                "expired": "Token expired"}[state])

    # token ------------------------------------------------------------------------------------------

    def _token(self, request: Request, key: None) -> Response:
        body = _body(request)
        problems = [f"{name} is required" for name in ("grant_type", "client_id", "client_secret")
                    if not _text(body.get(name))]
        if problems:
            raise Refusal(400, "invalid_request", problems)
        if body["grant_type"] != GRANT_TYPE:
            raise Refusal(400, "unsupported_grant_type", [f"grant_type must be {GRANT_TYPE}"])
        with self._lock:
            settings = self._settings
        if not (_same(body["client_id"], settings.client_id) and _same(body["client_secret"], settings.client_secret)):
            raise Refusal(401, "invalid_client")
        token = "xmart-" + secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = self.clock() + settings.token_ttl
        return json_response(200, {"access_token": token, "token_type": "Bearer", "expires_in": settings.token_ttl})

    # stores and channels ----------------------------------------------------------------------------

    def _stores_by_vendor(self, request: Request, key: None) -> Response:
        vendor_id = request.query.get("vendorId", "").strip()
        if not vendor_id:
            raise Refusal(400, "vendorId is required", ["vendorId query parameter is required"])
        with self._lock:
            stores = [store for store in self._stores.values() if store.get("vendorId") == vendor_id]
            return json_response(200, {"stores": copy.deepcopy(stores)})

    def _store(self, request: Request, key: str) -> Response:
        with self._lock:
            return json_response(200, copy.deepcopy(self._known_store(key)))

    def _store_status(self, request: Request, key: str) -> Response:
        body = _body(request)
        status = body.get("status")
        with self._lock:
            store = self._known_store(key)
            if status not in STORE_STATUSES:
                raise Refusal(400, "Invalid store status", [f"status must be one of {', '.join(STORE_STATUSES)}"])
            store["status"] = status
            return json_response(200, copy.deepcopy(store))

    def _known_store(self, store_id: str) -> dict:
        store = self._stores.get(store_id)
        if store is None:
            raise Refusal(404, f"Store {store_id} not found")
        return store

    def _channels_stores(self, request: Request, key: None) -> Response:
        body = _body(request)
        shape = [f"{name} must be a list" for name in ("stores", "channels") if not isinstance(body.get(name), list)]
        if shape:
            raise Refusal(400, "Invalid request", shape)
        with self._lock:
            errors = self._channels_stores_errors(body["stores"], body["channels"])
            if errors:
                raise Refusal(422, "The stores and channels were not saved", errors)
            stores, store_ids = {}, {}
            for sent in body["stores"]:
                store_id = sent.get("storeId") or self._new_store_id()
                previous = self._stores.get(store_id)
                store = {"storeId": store_id, **{name: copy.deepcopy(value) for name, value in sent.items()
                                                 if name != "storeId"}}
                if store.get("status") is None:
                    store["status"] = previous["status"] if previous else "ACTIVE"
                stores[store_id] = store
                store_ids[store["storeCode"]] = store_id
            self._stores = stores
            self._channels = {sent["channelId"]: copy.deepcopy(sent) for sent in body["channels"]}
            return json_response(200, {"status": "success", "stores": len(stores), "channels": len(self._channels),
                                       "storeIds": store_ids})

    def _new_store_id(self) -> str:
        number = self._next_store
        self._next_store += 1
        return xmart_data.store_id(number)

    def _channels_stores_errors(self, stores: list, channels: list) -> list[str]:
        """Every problem of a channels-stores body (lock held); empty when it can be saved."""
        errors: list[str] = []
        channel_ids = {channel.get("channelId") for channel in channels
                       if isinstance(channel, dict) and _text(channel.get("channelId"))}
        seen: set[str] = set()
        for position, channel in enumerate(channels):
            where = f"channels[{position}]"
            if not isinstance(channel, dict):
                errors.append(f"{where} must be an object")
                continue
            channel_id = channel.get("channelId")
            if not _text(channel_id):
                errors.append(f"{where}.channelId is required (non-empty string)")
            elif channel_id in seen:
                errors.append(f"{where}.channelId {channel_id} is repeated")
            else:
                seen.add(channel_id)
            if not _text(channel.get("channel")):
                errors.append(f"{where}.channel is required (non-empty string)")
            self._vendor_errors(channel.get("vendorId"), where, errors)
            _string_errors(channel, ("channelReferenceName",), where, errors)
            info = channel.get("additionalInfo")
            if info is None:
                continue
            if not isinstance(info, dict):
                errors.append(f"{where}.additionalInfo must be an object")
                continue
            related = info.get("relatedLists")
            if related is None:
                continue
            if not isinstance(related, list):
                errors.append(f"{where}.additionalInfo.relatedLists must be a list")
                continue
            for index, entry in enumerate(related):
                at = f"{where}.additionalInfo.relatedLists[{index}]"
                if not isinstance(entry, dict) or not _text(entry.get("listId")):
                    errors.append(f"{at} must be an object with a listId (non-empty string)")
                else:
                    _string_errors(entry, ("listName",), at, errors)
        codes: set[str] = set()
        ids: set[str] = set()
        for position, store in enumerate(stores):
            where = f"stores[{position}]"
            if not isinstance(store, dict):
                errors.append(f"{where} must be an object")
                continue
            code = store.get("storeCode")
            if not _text(code):
                errors.append(f"{where}.storeCode is required (non-empty string)")
            elif code in codes:
                errors.append(f"{where}.storeCode {code} is repeated")
            else:
                codes.add(code)
            self._vendor_errors(store.get("vendorId"), where, errors)
            store_id = store.get("storeId")
            if store_id not in (None, ""):
                if not isinstance(store_id, str):
                    errors.append(f"{where}.storeId must be a string")
                elif store_id in ids:
                    errors.append(f"{where}.storeId {store_id} is repeated")
                elif store_id not in self._stores:
                    errors.append(f"{where}.storeId {store_id} is unknown (leave it empty for a new store)")
                if isinstance(store_id, str):
                    ids.add(store_id)
            _store_errors(store, where, channel_ids, errors)
        return errors

    def _vendor_errors(self, vendor_id: Any, where: str, errors: list[str]) -> None:
        if not _text(vendor_id):
            errors.append(f"{where}.vendorId is required (non-empty string)")
        elif vendor_id not in self._brands:
            errors.append(f"{where}.vendorId {vendor_id} is not a brand of this client")

    # lists ------------------------------------------------------------------------------------------

    def _put_list(self, request: Request, key: None) -> Response:
        body = _body(request)
        sent = body.get("list")
        if not isinstance(sent, dict):
            raise Refusal(400, "Invalid request", ['the body must be {"list": {...}}'])
        if not isinstance(sent.get("products"), list):
            raise Refusal(400, "Invalid request", ["list.products must be a list"])
        list_id = sent.get("listId")
        if list_id not in (None, "") and not isinstance(list_id, str):
            raise Refusal(400, "Invalid request", ["list.listId must be a string"])
        with self._lock:
            if list_id and list_id not in self._lists:
                raise Refusal(404, f"List {list_id} not found")
            errors = self._list_errors(sent)
            if errors:
                raise Refusal(422, "The list was not saved", errors)
            if not list_id:
                list_id = xmart_data.list_id(self._next_list)
                self._next_list += 1
            categories = {category["categoryId"] for category in sent.get("categories") or []}
            problems, published = _product_problems(sent["products"], categories)
            stored = {"listId": list_id, **{name: copy.deepcopy(value) for name, value in sent.items()
                                            if name != "listId"}}
            sync = {"syncId": xmart_data.sync_id(self._next_sync), "status": "PROCESSING",
                    "reads_left": self._settings.sync_delay_reads, "processedAt": None,
                    "total": len(sent["products"]), "errors": problems}
            self._next_sync += 1
            if sync["reads_left"] == 0:
                sync.update(status="FINISHED", processedAt=_now())
            self._lists[list_id] = {"list": stored, "sync": sync, "published": published}
            return json_response(200, {"listId": list_id, "name": stored["listName"], "active": True,
                                       "syncId": sync["syncId"]})

    def _list_errors(self, sent: dict) -> list[str]:
        """List-level problems (lock held): these refuse the list; product problems only go to the report."""
        errors: list[str] = []
        if not _text(sent.get("listName")):
            errors.append("list.listName is required (non-empty string)")
        self._vendor_errors(sent.get("vendorId"), "list", errors)
        store_id, channel_id = sent.get("storeId"), sent.get("ecommerceChannelId")
        if store_id not in (None, ""):
            if not isinstance(store_id, str) or store_id not in self._stores:
                errors.append(f"list.storeId {store_id} is not a store of this client")
        if channel_id not in (None, ""):
            if not isinstance(channel_id, str) or channel_id not in self._channels:
                errors.append(f"list.ecommerceChannelId {channel_id} is not a channel of this client")
        categories = sent.get("categories")
        if categories is not None:
            if not isinstance(categories, list):
                errors.append("list.categories must be a list")
            else:
                seen: set[str] = set()
                for position, category in enumerate(categories):
                    where = f"list.categories[{position}]"
                    if not isinstance(category, dict) or not _text(category.get("categoryId")):
                        errors.append(f"{where} must be an object with a categoryId (non-empty string)")
                        continue
                    if category["categoryId"] in seen:
                        errors.append(f"{where}.categoryId {category['categoryId']} is repeated")
                    seen.add(category["categoryId"])
                    _string_errors(category, ("name",), where, errors)
        if sent.get("modifierGroups") is not None and not isinstance(sent["modifierGroups"], list):
            errors.append("list.modifierGroups must be a list")
        return errors

    def _sync_report(self, request: Request, key: str) -> Response:
        with self._lock:
            entry = self._lists.get(key)
            if entry is None:
                raise Refusal(404, f"List {key} not found")
            sync = entry["sync"]
            if sync["status"] == "PROCESSING":
                if sync["reads_left"] > 0:
                    sync["reads_left"] -= 1
                    return json_response(200, {"listId": key, "syncId": sync["syncId"], "status": "PROCESSING",
                                               "processedAt": None, "total": sync["total"], "errors": []})
                sync.update(status="FINISHED", processedAt=_now())
            return json_response(200, _report(key, sync))

    # orders -----------------------------------------------------------------------------------------

    def _known_order(self, order_id: Any) -> dict:
        """The order's record (lock held); 404 when unknown."""
        record = self._orders.get(order_id) if isinstance(order_id, str) else None
        if record is None:
            raise Refusal(404, f"Order {order_id} not found")
        return record

    def _get_order(self, request: Request, key: str) -> Response:
        with self._lock:
            return json_response(200, copy.deepcopy(self._known_order(key)["order"]))

    def _order_status(self, request: Request, key: None) -> Response:
        body = _body(request)
        _require_texts(body, ("order_id", "status"))
        order_id, status = body["order_id"], body["status"]
        if status not in ORDER_STATUSES:
            raise Refusal(400, "Invalid order status", [f"status must be one of {', '.join(ORDER_STATUSES)}"])
        with self._lock:
            record = self._known_order(order_id)
            current = record["order"]["status"]
            if status != current:
                if current in FINAL_STATUSES:
                    raise Refusal(409, f"Order {order_id} is {current}: its status can no longer change")
                self._set_status(record, status, "status")
            return json_response(200, {"status": "success"})

    def _set_status(self, record: dict, status: str, source: str) -> None:
        record["order"]["status"] = status
        record["history"].append({"status": status, "at": _now(), "source": source})

    def _tracking(self, request: Request, key: None) -> Response:
        body = _body(request)
        _require_texts(body, ("order_id", "tracking_number"))
        errors: list[str] = []
        _string_errors(body, ("carrier", "tracking_url"), "body", errors)
        if errors:
            raise Refusal(400, "Invalid request", errors)
        with self._lock:
            record = self._known_order(body["order_id"])
            record["tracking"].append({"tracking_number": body["tracking_number"], "carrier": body.get("carrier") or "",
                                       "tracking_url": body.get("tracking_url") or "", "at": _now()})
            return json_response(200, {"status": "success"})

    def _transfer(self, request: Request, key: None) -> Response:
        body = _body(request)
        _require_texts(body, ("order", "from_store", "to_store"))
        errors = [f"{name} is required (string, may be empty)" for name in ("processed_by", "transfer_reason")
                  if not isinstance(body.get(name), str)]
        address = body.get("shipping_address")
        if address is not None:
            _address_errors(address, "shipping_address", errors)
        if body["from_store"] == body["to_store"]:
            errors.append("to_store must differ from from_store")
        if errors:
            raise Refusal(400, "Invalid request", errors)
        with self._lock:
            record = self._known_order(body["order"])
            for name in ("from_store", "to_store"):
                self._known_store(body[name])
            order = record["order"]
            if order["status"] in NOT_TRANSFERABLE:
                raise Refusal(409, f"Order {order['orderId']} is {order['status']}: it can no longer be transferred")
            last = record["transfers"][-1] if record["transfers"] else None
            repeat = (last is not None and order["storeId"] == body["to_store"]
                      and (last["from_store"], last["to_store"]) == (body["from_store"], body["to_store"]))
            if not repeat:
                if order["storeId"] != body["from_store"]:
                    raise Refusal(409, f"Order {order['orderId']} is in store {order['storeId']}, "
                                       f"not {body['from_store']}")
                order["storeId"] = body["to_store"]
                order["vendorId"] = self._stores[body["to_store"]].get("vendorId", order["vendorId"])
                if address is not None:
                    order["shippingAddress"] = copy.deepcopy(address)
                record["transfers"].append({
                    "from_store": body["from_store"], "to_store": body["to_store"],
                    "processed_by": body["processed_by"], "transfer_reason": body["transfer_reason"],
                    "shipping_address": copy.deepcopy(address), "at": _now()})
            return json_response(200, {"status": "success", "order": copy.deepcopy(order)})

    def _pickup_dispatched(self, request: Request, key: None) -> Response:
        body = _body(request)
        _require_texts(body, ("order_id",))
        with self._lock:
            record = self._known_order(body["order_id"])
            order = record["order"]
            if order["orderType"] != "PICKUP":
                raise Refusal(409, f"Order {order['orderId']} is not a PICKUP order")
            if order["status"] == STATUS_DISPATCHED:
                raise Refusal(409, f"Order {order['orderId']} is already dispatched")
            if order["status"] in FINAL_STATUSES:
                raise Refusal(409, f"Order {order['orderId']} is {order['status']}")
            self._set_status(record, STATUS_DISPATCHED, "pickup/dispatched")
            return json_response(200, {"status": "success"})

    def _redeem_coupon(self, request: Request, key: None) -> Response:
        body = _body(request)
        _require_texts(body, ("uid", "promotion_code", "order_id"))
        uid, code = body["uid"], body["promotion_code"]
        with self._lock:
            coupon = self._coupons.get(code)
            if coupon is None:
                raise Refusal(404, f"Coupon {code} not found")
            if coupon["uids"] is not None and uid not in coupon["uids"]:
                raise Refusal(404, f"Coupon {code} not found for uid {uid}")
            record = self._known_order(body["order_id"])
            if any(entry["uid"] == uid for entry in coupon["redemptions"]):
                raise Refusal(409, f"Coupon {code} was already redeemed by uid {uid}")
            now = _now()
            coupon["redemptions"].append({"uid": uid, "orderId": body["order_id"], "redeemedAt": now})
            record["coupons"].append({"couponId": coupon["couponId"], "code": code, "uid": uid,
                                      "discount": coupon["discount"], "redeemedAt": now})
            return json_response(200, {"status": "success", "couponId": coupon["couponId"],
                                       "discount": coupon["discount"], "redeemedAt": now})

    def _payment(self, request: Request, key: str) -> Response:
        with self._lock:
            order = self._known_order(key)["order"]
            payment = order["payment"]
            paid = payment["status"] == "PAID"
            return json_response(200, {
                "order_id": order["orderId"], "method": payment["method"], "status": payment["status"],
                "amount": payment["amount"], "currency": order["currency"],
                "paidAt": order["createdAt"] if paid else None,
                "transactions": [{"id": f"TX-{order['orderNumber']}", "type": "CHARGE", "amount": payment["amount"],
                                  "status": "APPROVED"}] if paid else []})

    # -- webhooks ------------------------------------------------------------------------------------

    def _deliver(self, order_id: str, count: int) -> list[dict]:
        """POST the New Order webhook ``count`` times, synchronously; every attempt is logged."""
        with self._lock:
            url, secret = self._webhook["url"], self._webhook["secret"]
            order = self._orders[order_id]["order"]
            payload = {"event": WEBHOOK_EVENT, "orderId": order["orderId"], "storeId": order["storeId"],
                       "channelId": order["channelId"], "createdAt": order["createdAt"]}
        if not url:
            return []
        headers = {WEBHOOK_SECRET_HEADER: secret} if secret else {}
        results = []
        for _ in range(count):
            status, error = send_json(url, payload, headers, timeout=WEBHOOK_TIMEOUT)
            entry = {"orderId": order_id, "url": url, "payload": payload, "secret_sent": bool(secret),
                     "status": status, "error": error, "at": _now()}
            with self._lock:
                self._webhook_log.append(entry)
            results.append({"status": entry["status"], "error": entry["error"]})
        return results

    # -- control API ---------------------------------------------------------------------------------

    def control(self, request: Request, path: str) -> Response | None:
        return route_control(self, CONTROL_ROUTES, request, path)

    def _c_expire_tokens(self, request: Request, key: None) -> Response:
        return json_response(200, {"expired": self.expire_tokens()})

    def _c_brands(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, dict(self._brands))

    def _c_stores(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, copy.deepcopy(list(self._stores.values())))

    def _c_channels(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, copy.deepcopy(list(self._channels.values())))

    def _c_lists(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, [
                dict(copy.deepcopy(entry["list"]), published=list(entry["published"]),
                     sync={name: copy.deepcopy(value) for name, value in entry["sync"].items()})
                for entry in self._lists.values()])

    def _c_set_sync(self, request: Request, key: str) -> Response:
        body = expect_object(request.json(), "Sync body")
        unknown = sorted(set(body) - {"status", "errors"})
        if unknown:
            raise BadRequest(f"Unknown sync settings: {', '.join(unknown)}")
        status = body.get("status")
        if status not in SYNC_STATUSES:
            raise BadRequest(f"status must be one of {', '.join(SYNC_STATUSES)}")
        errors = body.get("errors")
        if errors is not None and not (isinstance(errors, list) and all(
                isinstance(entry, dict) and isinstance(entry.get("productId"), str)
                and isinstance(entry.get("message"), str) for entry in errors)):
            raise BadRequest("errors must be a list of {productId, message}")
        with self._lock:
            entry = self._lists.get(key)
            if entry is None:
                return message(404, f"List {key} not found")
            sync = entry["sync"]
            if status == "PROCESSING":
                sync.update(status=status, processedAt=None, reads_left=max(sync["reads_left"], 1))
            else:
                sync.update(status=status, processedAt=_now(), reads_left=0)
            if errors is not None:
                sync["errors"] = copy.deepcopy(errors)
            return json_response(200, _report(key, sync))

    def _order_view(self, record: dict) -> dict:
        return copy.deepcopy({name: record[name] for name in ("order", "history", "tracking", "transfers",
                                                              "coupons")})

    def _c_orders(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, [self._order_view(record) for record in self._orders.values()])

    def _c_order(self, request: Request, key: str) -> Response:
        with self._lock:
            record = self._orders.get(key)
            if record is None:
                return message(404, f"Order {key} not found")
            return json_response(200, self._order_view(record))

    def _c_place_order(self, request: Request, key: None) -> Response:
        body = expect_object(request.json(), "Order body")
        unknown = sorted(set(body) - ORDER_KEYS)
        if unknown:
            raise BadRequest(f"Unknown order keys: {', '.join(unknown)}")
        deliveries = expect_int(body.get("deliveries", 1), "deliveries", 0, MAX_DELIVERIES)
        with self._lock:
            order = self._build_order(body)
            self._orders[order["orderId"]] = {"order": order, "history": [
                {"status": STATUS_NEW, "at": order["createdAt"], "source": "created"}],
                "tracking": [], "transfers": [], "coupons": []}
            answer = {"order": copy.deepcopy(order)}
        answer["webhooks"] = self._deliver(order["orderId"], deliveries)
        return json_response(200, answer)

    def _build_order(self, body: dict) -> dict:
        """The full <order> of const.py from the control body (lock held); ``BadRequest`` on bad input."""
        store_id = body.get("storeId")
        if not _text(store_id):
            raise BadRequest("storeId is required")
        store = self._stores.get(store_id)
        if store is None:
            raise BadRequest(f"storeId {store_id} is not an X-Mart store (see GET /_sandbox/xmart/stores)")
        channel_id = body.get("channelId")
        if channel_id is None:
            known = [cid for cid in store.get("storeChannels") or [] if cid in self._channels]
            channel_id = known[0] if known else next(iter(self._channels), "")
        elif not isinstance(channel_id, str) or channel_id not in self._channels:
            raise BadRequest(f"channelId {channel_id} is not an X-Mart channel")
        order_type = body.get("orderType")
        if order_type not in ORDER_TYPES:
            raise BadRequest(f"orderType must be one of {', '.join(ORDER_TYPES)}")
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise BadRequest("items must be a non-empty list")
        number = self._next_order
        order_id = f"XM-{number}"
        lines = [self._order_item(item, position, order_id, store_id) for position, item in enumerate(items)]
        subtotal = _money(sum(line["total"] for line in lines))
        default_fee = (store.get("deliveryInfo") or {}).get("deliveryFee", 0) if order_type == "DELIVERY" else 0
        fee = _amount(body.get("deliveryFee", default_fee), "deliveryFee")
        discount = _amount(body.get("discount", 0), "discount")
        total = _money(subtotal + fee - discount)
        if total < 0:
            raise BadRequest("discount is larger than the order's subtotal plus delivery fee")
        created = body.get("createdAt")
        if created is None:
            created = _now()
        elif not _moment(created):
            raise BadRequest("createdAt must be an ISO date-time with its offset")
        customer = xmart_data.customer(self._rng)
        customer.update(_strings(body.get("customer"), "customer"))
        city_id = (store.get("locationInfo") or {}).get("cityId")
        address = xmart_data.shipping_address(self._rng, city_id)
        billing = xmart_data.billing(customer, address)
        if order_type == "PICKUP":
            address = None
        if "shippingAddress" in body:  # explicit, even null for a DELIVERY order (malformed on purpose)
            address = body["shippingAddress"]
            if address is not None:
                errors: list[str] = []
                _address_errors(address, "shippingAddress", errors)
                if errors:
                    raise BadRequest("; ".join(errors))
                address = copy.deepcopy(address)
        billing.update(expect_object(body.get("billing"), "billing"))
        payment = {"method": "CARD", "status": "PAID", "amount": total}
        payment.update(_strings(body.get("payment"), "payment", ("method", "status")))
        self._next_order += 1
        return {"orderId": order_id, "orderNumber": str(number), "storeId": store_id, "channelId": channel_id,
                "vendorId": store.get("vendorId", ""), "status": STATUS_NEW, "orderType": order_type,
                "createdAt": created, "currency": xmart_data.CURRENCY, "customer": customer, "billing": billing,
                "shippingAddress": address, "items": lines,
                "subtotal": subtotal, "deliveryFee": fee, "discount": discount, "total": total, "payment": payment}

    def _order_item(self, item: Any, position: int, order_id: str, store_id: str) -> dict:
        where = f"items[{position}]"
        if not isinstance(item, dict):
            raise BadRequest(f"{where} must be an object")
        unknown = sorted(set(item) - ITEM_KEYS)
        if unknown:
            raise BadRequest(f"{where}: unknown keys {', '.join(unknown)}")
        product_id = item.get("productId")
        if not _text(product_id):
            raise BadRequest(f"{where}.productId is required")
        quantity = item.get("quantity")
        if not _number(quantity) or quantity <= 0:
            raise BadRequest(f"{where}.quantity must be a number above 0")
        unit_price = _amount(item.get("unitPrice"), f"{where}.unitPrice")
        modifiers = item.get("modifiers") or []
        if not isinstance(modifiers, list):
            raise BadRequest(f"{where}.modifiers must be a list")
        extras = []
        for index, modifier in enumerate(modifiers):
            if not isinstance(modifier, dict) or not _text(modifier.get("name")):
                raise BadRequest(f"{where}.modifiers[{index}] must be an object with a name")
            extras.append({"name": modifier["name"],
                           "price": _amount(modifier.get("price", 0), f"{where}.modifiers[{index}].price")})
        name = item.get("name")
        if name is None:
            name = self._product_name(product_id, store_id)
        elif not isinstance(name, str):
            raise BadRequest(f"{where}.name must be a string")
        total = _money(quantity * (unit_price + sum(extra["price"] for extra in extras)))
        return {"itemId": f"{order_id}-{position + 1}", "productId": product_id, "name": name, "quantity": quantity,
                "unitPrice": unit_price, "total": total, "modifiers": extras}

    def _product_name(self, product_id: str, store_id: str) -> str:
        """The product's name in a list (the store's lists first), else a made-up one (lock held)."""
        entries = sorted(self._lists.values(), key=lambda entry: entry["list"].get("storeId") != store_id)
        for entry in entries:
            for product in entry["list"].get("products") or []:
                if isinstance(product, dict) and product.get("productId") == product_id and _text(product.get("name")):
                    return product["name"]
        return f"Producto {product_id}"

    def _c_redeliver(self, request: Request, key: str) -> Response:
        body = expect_object(request.json(), "Webhook body")
        unknown = sorted(set(body) - {"deliveries"})
        if unknown:
            raise BadRequest(f"Unknown keys: {', '.join(unknown)}")
        count = expect_int(body.get("deliveries", 1), "deliveries", 1, MAX_DELIVERIES)
        with self._lock:
            if key not in self._orders:
                return message(404, f"Order {key} not found")
        return json_response(200, {"webhooks": self._deliver(key, count)})

    def _c_coupons(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, copy.deepcopy(list(self._coupons.values())))

    def _c_add_coupon(self, request: Request, key: None) -> Response:
        body = expect_object(request.json(), "Coupon body")
        unknown = sorted(set(body) - {"code", "discount", "uids"})
        if unknown:
            raise BadRequest(f"Unknown coupon keys: {', '.join(unknown)}")
        if not _text(body.get("code")):
            raise BadRequest("code is required (non-empty string)")
        discount = _amount(body.get("discount"), "discount")
        uids = body.get("uids")
        if uids is not None and not (isinstance(uids, list) and all(_text(uid) for uid in uids)):
            raise BadRequest("uids must be a list of non-empty strings")
        with self._lock:
            return json_response(200, copy.deepcopy(self._add_coupon(
                {"code": body["code"], "discount": discount, "uids": uids})))

    def _add_coupon(self, coupon: dict) -> dict:
        """Store a coupon (lock held); a coupon with the same code is replaced, keeping its id."""
        previous = self._coupons.get(coupon["code"])
        if previous is None:
            coupon_id = xmart_data.coupon_id(self._next_coupon)
            self._next_coupon += 1
        else:
            coupon_id = previous["couponId"]
        stored = {"couponId": coupon_id, "code": coupon["code"], "discount": float(coupon["discount"]),
                  "uids": list(coupon["uids"]) if coupon["uids"] is not None else None, "redemptions": []}
        self._coupons[coupon["code"]] = stored
        return stored

    def _webhook_view(self) -> dict:
        return {"url": self._webhook["url"], "secret": "***" if self._webhook["secret"] else None}

    def _c_webhook(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, self._webhook_view())

    def _c_set_webhook(self, request: Request, key: None) -> Response:
        body = expect_object(request.json(), "Webhook body")
        unknown = sorted(set(body) - {"url", "secret"})
        if unknown:
            raise BadRequest(f"Unknown webhook settings: {', '.join(unknown)}")
        if "url" not in body:
            raise BadRequest("url is required (null switches the webhook off)")
        url, secret = body["url"], body.get("secret")
        if url is not None and not _http_url(url):
            raise BadRequest("url must be an http(s) URL with a host")
        if secret is not None and not isinstance(secret, str):
            raise BadRequest("secret must be a string")
        with self._lock:
            self._webhook = {"url": url, "secret": secret or None}
            return json_response(200, self._webhook_view())

    def _c_webhook_log(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, copy.deepcopy(self._webhook_log))

    def _c_clear_webhook_log(self, request: Request, key: None) -> Response:
        with self._lock:
            count, self._webhook_log = len(self._webhook_log), []
        return json_response(200, {"deleted": count})


# -- helpers ------------------------------------------------------------------------------------------

def _now() -> str:
    return datetime.now(xmart_data.TZ).isoformat(timespec="seconds")


def _moment(value: Any) -> bool:
    """Whether ``value`` is an ISO date-time with an offset."""
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _http_url(value: Any) -> bool:
    """Whether ``value`` is an http(s) URL with a host."""
    if not isinstance(value, str) or any(char.isspace() for char in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _money(value: float) -> float:
    return round(value + 0.0, 2)


def _amount(value: Any, what: str) -> float:
    """A number ≥ 0 (control bodies); ``BadRequest`` otherwise."""
    if not _number(value) or value < 0:
        raise BadRequest(f"{what} must be a number, at least 0")
    return float(value)


def _strings(value: Any, what: str, allowed: tuple[str, ...] | None = None) -> dict:
    """An object of string values (control bodies: customer, payment overrides)."""
    value = expect_object(value, what)
    for name, item in value.items():
        if allowed is not None and name not in allowed:
            raise BadRequest(f"{what}.{name} is not one of {', '.join(allowed)}")
        if not isinstance(item, str):
            raise BadRequest(f"{what}.{name} must be a string")
    return value


def _body(request: Request) -> dict:
    """The JSON object body of an API call; a 400 refusal otherwise."""
    try:
        body = request.json()
    except BadRequest as exc:
        raise Refusal(400, "Invalid request", [str(exc)]) from None
    if not isinstance(body, dict):
        raise Refusal(400, "Invalid request", ["the body must be a JSON object"])
    return body


def _require_texts(body: dict, names: tuple[str, ...]) -> None:
    problems = [f"{name} is required (non-empty string)" for name in names if not _text(body.get(name))]
    if problems:
        raise Refusal(400, "Invalid request", problems)


def _string_errors(values: dict, names: tuple[str, ...], where: str, errors: list[str]) -> None:
    for name in names:
        if values.get(name) is not None and not isinstance(values[name], str):
            errors.append(f"{where}.{name} must be a string")


def _number_errors(values: dict, names: tuple[str, ...], where: str, errors: list[str],
                   low: float = 0, high: float | None = None) -> None:
    for name in names:
        value = values.get(name)
        if value is None:
            continue
        if not _number(value) or value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            errors.append(f"{where}.{name} must be a number, {bounds}")


def _schedule_errors(schedules: Any, where: str, errors: list[str]) -> None:
    if not isinstance(schedules, list):
        errors.append(f"{where} must be a list")
        return
    for index, schedule in enumerate(schedules):
        at = f"{where}[{index}]"
        if not isinstance(schedule, dict):
            errors.append(f"{at} must be an object {{day, from, to}}")
            continue
        if schedule.get("day") not in WEEKDAYS:
            errors.append(f"{at}.day must be one of {', '.join(WEEKDAYS)}")
        start, end = schedule.get("from"), schedule.get("to")
        good_start = isinstance(start, str) and bool(TIME.match(start))
        good_end = isinstance(end, str) and (bool(TIME.match(end)) or end == END_OF_DAY)
        if not good_start:
            errors.append(f"{at}.from must be a time HH:MM (00:00 to 23:59)")
        if not good_end:
            errors.append(f"{at}.to must be a time HH:MM (00:01 to 24:00)")
        if good_start and good_end and start >= end:
            errors.append(f"{at}: from {start} must be earlier than to {end}")


def _address_errors(address: Any, where: str, errors: list[str]) -> None:
    if not isinstance(address, dict):
        errors.append(f"{where} must be an object or null")
        return
    _string_errors(address, ("address", "reference", "cityId", "cityName", "sectorId", "sectorName"), where, errors)
    _number_errors(address, ("latitude",), where, errors, -90, 90)
    _number_errors(address, ("longitude",), where, errors, -180, 180)


def _store_errors(store: dict, where: str, channel_ids: set, errors: list[str]) -> None:
    """Problems of one store's optional keys (``null`` counts as absent)."""
    _string_errors(store, ("storeName",), where, errors)
    if store.get("status") is not None and store["status"] not in STORE_STATUSES:
        errors.append(f"{where}.status must be one of {', '.join(STORE_STATUSES)}")
    services = store.get("services")
    if services is not None:
        if not isinstance(services, list):
            errors.append(f"{where}.services must be a list")
        else:
            for index, service in enumerate(services):
                if service not in STORE_SERVICES:
                    errors.append(f"{where}.services[{index}] must be one of {', '.join(STORE_SERVICES)}")
                elif services.index(service) != index:
                    errors.append(f"{where}.services[{index}] {service} is repeated")
    by_channel = store.get("schedulesByChannel")
    if by_channel is not None:
        if not isinstance(by_channel, list):
            errors.append(f"{where}.schedulesByChannel must be a list")
        else:
            for index, entry in enumerate(by_channel):
                at = f"{where}.schedulesByChannel[{index}]"
                if not isinstance(entry, dict):
                    errors.append(f"{at} must be an object {{channelId, schedules}}")
                    continue
                if entry.get("channelId") not in channel_ids:
                    errors.append(f"{at}.channelId {entry.get('channelId')} is not a channel of this request")
                _schedule_errors(entry.get("schedules"), f"{at}.schedules", errors)
    for name, check in (("taxesInfo", _taxes_errors), ("contactInfo", _contact_errors),
                        ("deliveryInfo", _delivery_errors), ("locationInfo", _location_errors)):
        value = store.get(name)
        if value is None:
            continue
        if not isinstance(value, dict):
            errors.append(f"{where}.{name} must be an object")
        else:
            check(value, f"{where}.{name}", errors)
    channels = store.get("storeChannels")
    if channels is not None:
        if not isinstance(channels, list):
            errors.append(f"{where}.storeChannels must be a list")
        else:
            for index, channel_id in enumerate(channels):
                if channel_id not in channel_ids:
                    errors.append(f"{where}.storeChannels[{index}] {channel_id} is not a channel of this request")


def _taxes_errors(taxes: dict, where: str, errors: list[str]) -> None:
    _number_errors(taxes, ("taxRate",), where, errors, 0, 100)
    if taxes.get("taxIncluded") is not None and not isinstance(taxes["taxIncluded"], bool):
        errors.append(f"{where}.taxIncluded must be true or false")


def _contact_errors(contact: dict, where: str, errors: list[str]) -> None:
    _string_errors(contact, ("phone", "email", "contactName"), where, errors)


def _delivery_errors(delivery: dict, where: str, errors: list[str]) -> None:
    zones = delivery.get("zoneIds")
    if zones is not None and not (isinstance(zones, list) and all(isinstance(zone, str) for zone in zones)):
        errors.append(f"{where}.zoneIds must be a list of strings")
    _number_errors(delivery, ("deliveryFee", "minimumOrder"), where, errors)


def _location_errors(location: dict, where: str, errors: list[str]) -> None:
    _string_errors(location, ("cityId", "cityName", "sectorId", "address"), where, errors)
    _number_errors(location, ("latitude",), where, errors, -90, 90)
    _number_errors(location, ("longitude",), where, errors, -180, 180)


def _product_problems(products: list, categories: set) -> tuple[list[dict], list[str]]:
    """The sync report's ``errors`` (one per problem) and the productIds published (products without problems)."""
    problems: list[dict] = []
    published: list[str] = []
    seen: set[str] = set()
    for position, product in enumerate(products):
        where = f"products[{position}]"
        if not isinstance(product, dict):
            problems.append({"productId": "", "message": f"{where} must be an object"})
            continue
        product_id = product.get("productId")
        label = product_id if isinstance(product_id, str) else ""
        reasons: list[str] = []
        if not _text(product_id):
            reasons.append(f"{where}.productId is required (non-empty string)")
        elif product_id in seen:
            reasons.append(f"{where}.productId {product_id} is repeated")
        else:
            seen.add(product_id)
        if not _text(product.get("name")):
            reasons.append(f"{where}.name is required (non-empty string)")
        _string_errors(product, ("description", "categoryId", "ean"), where, reasons)
        category = product.get("categoryId")
        if _text(category) and category not in categories:
            reasons.append(f"{where}.categoryId {category} is not a category of the list")
        ean = product.get("ean")
        if _text(ean) and not EAN.match(ean):
            reasons.append(f"{where}.ean must be 8 to 14 digits")
        price = product.get("priceInfo")
        if not isinstance(price, dict):
            reasons.append(f"{where}.priceInfo is required (object with a price)")
        else:
            if price.get("price") is None:
                reasons.append(f"{where}.priceInfo.price is required (number, at least 0)")
            _number_errors(price, ("price",), f"{where}.priceInfo", reasons)
            currency = price.get("currency")
            if currency is not None and not (isinstance(currency, str) and CURRENCY_CODE.match(currency)):
                reasons.append(f"{where}.priceInfo.currency must be a 3-letter currency code")
        taxes = product.get("taxesInfo")
        if taxes is not None:
            if not isinstance(taxes, dict):
                reasons.append(f"{where}.taxesInfo must be an object")
            else:
                _number_errors(taxes, ("taxRate",), f"{where}.taxesInfo", reasons, 0, 100)
        _number_errors(product, ("stock",), where, reasons)
        if product.get("available") is not None and not isinstance(product["available"], bool):
            reasons.append(f"{where}.available must be true or false")
        if product.get("schedules") is not None:
            _schedule_errors(product["schedules"], f"{where}.schedules", reasons)
        images = product.get("images")
        if images is not None:
            if not isinstance(images, list):
                reasons.append(f"{where}.images must be a list")
            else:
                positions: set[int] = set()
                for index, image in enumerate(images):
                    at = f"{where}.images[{index}]"
                    if not _http_url(image.get("url") if isinstance(image, dict) else None):
                        reasons.append(f"{at}.url must be an http(s) URL")
                    position_value = image.get("position") if isinstance(image, dict) else None
                    if position_value is None:
                        continue
                    if isinstance(position_value, bool) or not isinstance(position_value, int) or position_value < 1:
                        reasons.append(f"{at}.position must be an integer, at least 1")
                    elif position_value in positions:
                        reasons.append(f"{at}.position {position_value} is repeated")
                    else:
                        positions.add(position_value)
        problems.extend({"productId": label, "message": reason} for reason in reasons)
        if not reasons:
            published.append(product_id)
    return problems, published


def _report(list_id: str, sync: dict) -> dict:
    return {"listId": list_id, "syncId": sync["syncId"], "status": sync["status"], "processedAt": sync["processedAt"],
            "total": sync["total"], "errors": copy.deepcopy(sync["errors"])}
