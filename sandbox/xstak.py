"""XStak OMS, served under the ``/xstak`` prefix: the service-account token and the sales orders.

Written from the "OMS Sales APIs v1.0" seed: ``POST /v1/admin/service-account/token`` with a JSON body
``{clientId, clientSecret, "grant type" (or grantType): "client_credentials", companyCode}`` answers
Keycloak's token shape; ``GET /oe/v2/orders/sales_orders`` takes the token in a ``token`` header and
answers ``{"orders": [...], "page": {number, size, totalPages, totalElements}}``. Where the seed is silent
(paging parameters, the order object) the sandbox plays the shapes chosen in the module's ``const.py``.
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

from . import xstak_data
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

__all__ = ["DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET", "DEFAULT_COMPANY_CODE", "DEFAULT_TOKEN_TTL",
           "XstakMarketplace", "XstakOptions"]

DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-secret"
DEFAULT_COMPANY_CODE = "SANDBOX"
DEFAULT_TOKEN_TTL = 300  # api-notes: a staging token lived 300 s
GRANT_TYPE = "client_credentials"
GRANT_KEYS = ("grant type", "grantType")  # the seed's body spelling and its parameter list's
#: The seed's endpoint, and the spelling of its curl example.
TOKEN_PATHS = ("/v1/admin/service-account/token", "/v1/admin/serviceaccount/token")
ORDERS_PATH = "/oe/v2/orders/sales_orders"
DEFAULT_PAGE_SIZE = 10  # the seed's example page block
MAX_PAGE_SIZE = 100
MAX_ORDERS = 10_000
MAX_TOKEN_TTL = 86_400
START_DATE_HELP = "an ISO date-time with its time zone, e.g. 2024-10-17T05:10:06+05:00"
_SHORT_OFFSET = re.compile(r"([+-])(\d):(\d\d)$")  # the seed's example writes +5:00


@dataclass
class XstakOptions:
    """Generation settings; the CLI gives the defaults, ``/_sandbox/reset`` may override them per reset."""

    orders: int = 30
    token_ttl: int = DEFAULT_TOKEN_TTL
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    company_code: str = DEFAULT_COMPANY_CODE
    days: float = 14
    now: datetime | None = None


def oauth_error(status: int, error: str, description: str) -> Response:
    """Keycloak's error body: ``{"error": ..., "error_description": ...}``."""
    return json_response(status, {"error": error, "error_description": description})


class XstakMarketplace(Marketplace):
    name = "xstak"
    #: epoch seconds now (token expiry); tests may replace it
    clock = staticmethod(time.time)

    def __init__(self, defaults: XstakOptions | None = None) -> None:
        self.defaults = defaults or XstakOptions()
        self._lock = threading.Lock()
        self._settings = self.defaults
        self._orders: list[dict] = []
        self._tokens: dict[str, float] = {}  # access token -> expiry (epoch seconds)

    # -- state ---------------------------------------------------------------------------------------

    def reset(self, seed: int, options: dict) -> dict:
        settings = self._options(expect_object(options, "xstak"))
        now = settings.now or datetime.now(xstak_data.TZ)
        orders = xstak_data.generate_orders(random.Random(f"xstak-{seed}"), settings.orders, now, settings.days)
        with self._lock:
            self._settings = settings
            self._orders = _sorted(orders)
            self._tokens = {}
        return {"orders": len(orders), "locations": [row["name"] for row in xstak_data.LOCATIONS]}

    def _options(self, body: dict) -> XstakOptions:
        """The defaults overridden by the reset body (``null`` means the default), validated."""
        allowed = {item.name for item in fields(XstakOptions)}
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise BadRequest(f"Unknown xstak settings: {', '.join(unknown)}")
        values = {key: getattr(self.defaults, key) for key in allowed}
        values.update({key: value for key, value in body.items() if value is not None})
        for key in ("client_id", "client_secret", "company_code"):
            if not isinstance(values[key], str) or not values[key]:
                raise BadRequest(f"xstak.{key} must be a non-empty string")
        return XstakOptions(
            orders=expect_int(values["orders"], "xstak.orders", 0, MAX_ORDERS),
            token_ttl=expect_int(values["token_ttl"], "xstak.token_ttl", 1, MAX_TOKEN_TTL),
            client_id=values["client_id"], client_secret=values["client_secret"],
            company_code=values["company_code"],
            days=expect_number(values["days"], "xstak.days", 0.001, 3650),
            now=_now(values["now"]))

    def orders(self) -> list[dict]:
        """Stored orders by ``created_at`` then id (copies)."""
        with self._lock:
            return copy.deepcopy(self._orders)

    def expire_tokens(self) -> int:
        """Make every access token given so far expired; returns how many were still active."""
        now = self.clock()
        with self._lock:
            active = sum(1 for expiry in self._tokens.values() if expiry > now)
            self._tokens = dict.fromkeys(self._tokens, 0.0)
        return active

    # -- marketplace API -----------------------------------------------------------------------------

    def _token_state(self, request: Request) -> str:
        """``ok``, ``missing``, ``unknown`` or ``expired`` for the request's ``token`` header."""
        token = request.header("token")
        if not token:
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
        if path in TOKEN_PATHS:
            return self._token(request) if request.method == "POST" else method_not_allowed()
        if path != ORDERS_PATH:
            return not_found()
        if request.method != "GET":
            return method_not_allowed()
        state = self._token_state(request)
        if state != "ok":
            description = {"missing": "The token header is required", "unknown": "Invalid token",
                           "expired": "Token is not active"}[state]
            return oauth_error(401, "invalid_token", description)
        try:
            return self._orders_page(request.query)
        except BadRequest as exc:
            return message(400, str(exc))

    def _token(self, request: Request) -> Response:
        try:
            body = request.json()
        except BadRequest as exc:
            return oauth_error(400, "invalid_request", str(exc))
        if not isinstance(body, dict):
            return oauth_error(400, "invalid_request", "The body must be a JSON object")
        for key in ("clientId", "clientSecret", "companyCode"):
            if not isinstance(body.get(key), str) or not body[key]:
                return oauth_error(400, "invalid_request", f"{key} is required")
        grants = [body[key] for key in GRANT_KEYS if key in body]
        if not grants:
            return oauth_error(400, "invalid_request", "grantType is required")
        if any(grant != GRANT_TYPE for grant in grants):
            return oauth_error(400, "unsupported_grant_type", f"grantType must be {GRANT_TYPE}")
        with self._lock:
            settings = self._settings
        if not (_same(body["clientId"], settings.client_id) and _same(body["clientSecret"], settings.client_secret)):
            return oauth_error(401, "invalid_client", "Invalid client or Invalid client credentials")
        if not _same(body["companyCode"], settings.company_code):
            return oauth_error(401, "invalid_client", "Unknown company code")
        token = "xstak-" + secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = self.clock() + settings.token_ttl
        return json_response(200, {
            "userName": f"service-account-{settings.client_id}", "email": "",
            "access_token": token, "expires_in": settings.token_ttl, "refresh_expires_in": 0,
            "token_type": "Bearer", "not-before-policy": 0, "scope": "profile email",
        })

    def _orders_page(self, query: dict[str, str]) -> Response:
        status = query.get("order_status", "").strip()
        if not status:
            raise BadRequest("order_status is required")
        location_id = query.get("locationId", "").strip()
        if not location_id:
            raise BadRequest("locationId is required")
        code = _int_param(query, "location_code", None)
        start = _start_date(query.get("start_date"))
        page = _int_param(query, "page", 1)
        size = min(_int_param(query, "size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        matching = [order for order in self.orders()
                    if order.get("order_status") == status and str(order.get("location_id")) == location_id
                    and (code is None or order.get("location_code") == code)
                    and _created(order) >= start]
        total = len(matching)
        return json_response(200, {
            "orders": matching[(page - 1) * size:page * size],
            "page": {"number": page, "size": size, "totalPages": max(1, math.ceil(total / size)),
                     "totalElements": total},
        })

    # -- control API ---------------------------------------------------------------------------------

    def control(self, request: Request, path: str) -> Response | None:
        path = path.rstrip("/")
        if path == "/orders":
            if request.method == "GET":
                return json_response(200, self.orders())
            if request.method == "POST":
                return json_response(200, {"added": self.add_orders(request.json())})
            return method_not_allowed()
        if path == "/expire-tokens":
            if request.method != "POST":
                return method_not_allowed()
            return json_response(200, {"expired": self.expire_tokens()})
        return None

    def add_orders(self, body: Any) -> int:
        """Store orders posted to ``/_sandbox/xstak/orders`` (a list, or ``{"orders": [...]}``); an order
        with the id of a stored one replaces it. Only what filtering needs is checked, so that malformed
        orders can be served on purpose."""
        if isinstance(body, dict) and isinstance(body.get("orders"), list):
            body = body["orders"]
        if not isinstance(body, list):
            raise BadRequest("Body must be a JSON list of orders (or an object with an orders list)")
        for position, order in enumerate(body):
            if not isinstance(order, dict) or order.get("id") in (None, ""):
                raise BadRequest(f"Order {position} must be an object with an id")
            _start_date(order.get("created_at"), f"Order {position}: created_at")
        with self._lock:
            ids = {str(order["id"]) for order in body}
            kept = [order for order in self._orders if str(order.get("id")) not in ids]
            self._orders = _sorted(kept + copy.deepcopy(body))
        return len(body)


# -- helpers ------------------------------------------------------------------------------------------

def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _start_date(value: Any, what: str = "start_date") -> datetime:
    """An ISO date-time with an offset; ``+`` sent unencoded (read as a space) and the seed's ``+5:00``
    are tolerated."""
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{what} is required: {START_DATE_HELP}")
    text = value.strip().replace(" ", "+")
    text = _SHORT_OFFSET.sub(lambda match: f"{match[1]}0{match[2]}:{match[3]}", text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{what} must be {START_DATE_HELP}, got {value!r}") from None
    if moment.tzinfo is None:
        raise BadRequest(f"{what} must include its time zone: {START_DATE_HELP}, got {value!r}")
    return moment


def _created(order: dict) -> datetime:
    return _start_date(order.get("created_at"), "created_at")


def _sorted(orders: list[dict]) -> list[dict]:
    def key(order):
        order_id = str(order.get("id"))
        return _created(order), (0, int(order_id), "") if order_id.isdigit() else (1, 0, order_id)
    return sorted(orders, key=key)


def _int_param(query: dict[str, str], name: str, default: int | None) -> int | None:
    raw = query.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or (name in ("page", "size") and int(raw) < 1):
        raise BadRequest(f"{name} must be a positive integer, got {raw!r}")
    return int(raw)


def _now(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise BadRequest(f"xstak.now must be an ISO date-time, got {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=xstak_data.TZ)
