"""iMotriz transactions API (seed: ``imotriz_transactions_api_es.txt``), served under ``/imotriz``.

The seed gives one path (``newOrders``) and no example bodies; the other paths and the record shape are
the choices documented in ``sandbox/README.md`` (the module's client makes the same choices). ``newOrders``
is destructive: what it returns is marked synced and never returned by it again.
"""

from __future__ import annotations

import copy
import random
import re
import threading
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from . import imotriz_data
from .core import (
    BadRequest,
    Marketplace,
    Request,
    Response,
    expect_int,
    expect_number,
    expect_object,
    json_response,
    message,
    method_not_allowed,
    not_found,
)

__all__ = ["DEFAULT_TOKEN", "ImotrizMarketplace", "ImotrizOptions"]

DEFAULT_TOKEN = "sandbox-imotriz-token"
PAGE_SIZE = 30  # seed: at most 30 records per newOrders answer
RECENT_DAYS = 8  # seed: ids of the orders of the last 8 days
MAX_ORDERS = 10_000
UNAUTHORIZED = "Token inválido"
SYNC_DATE_MISSING = "La fecha de sincronización de pedidos no está configurada"
ORDER_NOT_FOUND = "El pedido no fue encontrado"

PREFIX = "/api/cart/transaction"
ROUTES = [
    (re.compile(rf"^{PREFIX}/newOrders$"), "_new_orders"),
    (re.compile(rf"^{PREFIX}/lastOrdersIds$"), "_last_ids"),  # chosen path
    (re.compile(rf"^{PREFIX}/order/(?P<key>[^/]+)$"), "_order"),  # chosen path
]
CONTROL_ROUTES = {
    "/orders": {"GET": "_c_orders", "POST": "_c_add_orders"},
    "/sync-date": {"GET": "_c_sync_date", "POST": "_c_set_sync_date"},
    "/unsync": {"POST": "_c_unsync"},
}


@dataclass
class ImotrizOptions:
    """Generation settings; the CLI gives the defaults, ``/_sandbox/reset`` may override them per reset."""

    orders: int = 40
    token: str = DEFAULT_TOKEN
    country: str = "CO"
    days: float = 7
    now: datetime | None = None


class ImotrizMarketplace(Marketplace):
    name = "imotriz"

    def __init__(self, defaults: ImotrizOptions | None = None) -> None:
        self.defaults = defaults or ImotrizOptions()
        self._lock = threading.Lock()
        self._token = self.defaults.token
        self._now: datetime | None = None
        self._sync_configured = True
        self._orders: dict[str, dict] = {}  # id -> {"record": {...}, "synced": bool}

    # -- state ---------------------------------------------------------------------------------------

    def reset(self, seed: int, options: dict) -> dict:
        settings = self._options(expect_object(options, "imotriz"))
        now = settings.now or datetime.now(imotriz_data.TZ)
        records = imotriz_data.generate_records(random.Random(f"imotriz-{seed}"), count=settings.orders,
                                                now=now, days=settings.days, country=settings.country)
        with self._lock:
            self._token = settings.token
            self._now = settings.now
            self._sync_configured = True
            self._orders = {str(record["order"]["id"]): {"record": record, "synced": False} for record in records}
            return {"orders": len(self._orders), "country": settings.country}

    def _options(self, body: dict) -> ImotrizOptions:
        allowed = {field.name for field in fields(ImotrizOptions)}
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise BadRequest(f"Unknown imotriz settings: {', '.join(unknown)}")
        values = {key: getattr(self.defaults, key) for key in allowed}
        values.update({key: value for key, value in body.items() if value is not None})
        if not isinstance(values["token"], str) or not values["token"]:
            raise BadRequest("imotriz.token must be a non-empty string")
        country = values["country"]
        if country not in imotriz_data.COUNTRIES:
            raise BadRequest(f"imotriz.country must be one of {', '.join(imotriz_data.COUNTRIES)}")
        return ImotrizOptions(
            orders=expect_int(values["orders"], "imotriz.orders", 0, MAX_ORDERS), token=values["token"],
            country=country, days=expect_number(values["days"], "imotriz.days", 0.001, 3650),
            now=_moment(values["now"], "imotriz.now"))

    def _sorted(self) -> list[dict]:
        """Stored entries oldest first (by created_at, then id); call with the lock held."""
        return sorted(self._orders.values(), key=lambda entry: (_created(entry["record"]), _id_key(entry)))

    # -- marketplace API -----------------------------------------------------------------------------

    def is_authorized(self, request: Request) -> bool:
        with self._lock:
            return request.header("Authorization") == self._token

    def handle(self, request: Request, path: str) -> Response:
        path = re.sub(r"/{2,}", "/", path).rstrip("/") or "/"
        found = next(((match, name) for pattern, name in ROUTES if (match := pattern.match(path))), None)
        if found is None:
            return not_found()
        match, handler = found
        if request.method != "GET":
            return method_not_allowed()
        if not self.is_authorized(request):
            return message(401, UNAUTHORIZED)
        with self._lock:
            if not self._sync_configured:
                return message(403, SYNC_DATE_MISSING)
            return getattr(self, handler)(match.groupdict().get("key"))

    def _new_orders(self, key: None) -> Response:
        """Up to 30 unsynced orders, oldest first, marked synced before answering."""
        pending = [entry for entry in self._sorted() if not entry["synced"]]
        batch = pending[:PAGE_SIZE]
        for entry in batch:
            entry["synced"] = True
        return json_response(200, {
            "data": [copy.deepcopy(entry["record"]) for entry in batch],
            "metadata": {"total_transactions_found": len(pending), "returned_transactions": len(batch),
                         "pending_transactions": len(pending) - len(batch)},
        })

    def _last_ids(self, key: None) -> Response:
        """Ids of the orders created in the last 8 days, synced or not, oldest first."""
        since = (self._now or datetime.now(imotriz_data.TZ)) - timedelta(days=RECENT_DAYS)
        return json_response(200, {"data": [entry["record"]["order"]["id"] for entry in self._sorted()
                                            if _created(entry["record"]) >= since]})

    def _order(self, key: str) -> Response:
        entry = self._orders.get(key)
        if entry is None:
            return message(404, ORDER_NOT_FOUND)
        return json_response(200, {"data": copy.deepcopy(entry["record"])})

    # -- control API ---------------------------------------------------------------------------------

    def control(self, request: Request, path: str) -> Response | None:
        methods = CONTROL_ROUTES.get(path.rstrip("/"))
        if methods is None:
            return None
        handler = methods.get(request.method)
        if handler is None:
            return method_not_allowed()
        return getattr(self, handler)(request)

    def _c_orders(self, request: Request) -> Response:
        with self._lock:
            return json_response(200, [dict(copy.deepcopy(entry["record"]), synced=entry["synced"])
                                       for entry in self._sorted()])

    def _c_add_orders(self, request: Request) -> Response:
        records = _records(request.json())
        with self._lock:
            for record in records:
                self._orders[str(record["order"]["id"])] = {"record": record, "synced": False}
        return json_response(200, {"added": len(records)})

    def _c_sync_date(self, request: Request) -> Response:
        with self._lock:
            return json_response(200, {"configured": self._sync_configured})

    def _c_set_sync_date(self, request: Request) -> Response:
        body = expect_object(request.json(), "Sync date body")
        if not isinstance(body.get("configured"), bool):
            raise BadRequest("configured must be true or false")
        with self._lock:
            self._sync_configured = body["configured"]
            return json_response(200, {"configured": self._sync_configured})

    def _c_unsync(self, request: Request) -> Response:
        body = expect_object(request.json(), "Unsync body")
        ids = body.get("ids")
        if not isinstance(ids, list) or not all(isinstance(item, (str, int)) and not isinstance(item, bool)
                                                for item in ids):
            raise BadRequest("ids must be a list of order ids")
        with self._lock:
            unknown = [str(item) for item in ids if str(item) not in self._orders]
            if unknown:
                raise BadRequest(f"Unknown order ids: {', '.join(unknown)}")
            for item in ids:
                self._orders[str(item)]["synced"] = False
        return json_response(200, {"unsynced": len(ids)})


# -- helpers -------------------------------------------------------------------------------------------

def _moment(value: Any, what: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise BadRequest(f"{what} must be an ISO date or datetime, got {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=imotriz_data.TZ)


def _created(record: dict) -> datetime:
    """An order's ``created_at`` (``-05:00`` assumed without offset; unreadable ones sort first)."""
    try:
        moment = datetime.fromisoformat(str(record["order"].get("created_at")))
    except ValueError:
        return datetime.min.replace(tzinfo=imotriz_data.TZ)
    return moment if moment.tzinfo else moment.replace(tzinfo=imotriz_data.TZ)


def _id_key(entry: dict) -> tuple:
    value = str(entry["record"]["order"]["id"])
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def _records(body: Any) -> list[dict]:
    """Records posted to ``/_sandbox/imotriz/orders``: a list (or ``{"data": [...]}``) of ``{order, ...}``
    objects whose ``order.id`` is a number or a string; stored verbatim."""
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        body = body["data"]
    if not isinstance(body, list):
        raise BadRequest("Body must be a JSON list of records (or an object with a data list)")
    for position, record in enumerate(body):
        if not isinstance(record, dict) or not isinstance(record.get("order"), dict):
            raise BadRequest(f"Record {position} must be an object with an order object")
        order_id = record["order"].get("id")
        if isinstance(order_id, bool) or not isinstance(order_id, (str, int)) or not str(order_id).strip():
            raise BadRequest(f"Record {position} needs an order.id (number or string), got {order_id!r}")
    return body
