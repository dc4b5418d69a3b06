"""Grupo Éxito seller center, served under the ``/exito`` prefix: orders, products, specs, offers, billing.

Written from the seller center's API document: the ``Authorization`` header carries the token itself
(no ``Bearer``), pages follow DynamoDB's ``LastEvaluatedKey`` (``{"Id":{"N":...},"IdSeller":{"N":...}}``)
and errors use the ``{"errors": [...], "data": null, "message": ..., "pendingResponse": false}`` envelope.
This module holds the orders and the routing; each other API lives in its own ``exito_*`` module.
"""

from __future__ import annotations

import copy
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import exito_data
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
from .exito_billing import Billing
from .exito_callbacks import Callbacks
from .exito_catalog import Catalog, spec_groups
from .exito_common import (
    CULTURES,
    DIGITS_RE,
    ERROR_MESSAGE,
    envelope_error,
    page_token,
    require_culture,
)
from .exito_common import date_param as _date_param
from .exito_common import int_param as _int_param
from .exito_common import token_id as _token_id
from .exito_fulfillment import Fulfillment
from .exito_offers import Offers

__all__ = ["CULTURES", "DEFAULT_TOKEN", "ERROR_MESSAGE", "ExitoMarketplace", "ExitoOptions", "envelope_error",
           "parse_moment"]

DEFAULT_TOKEN = "sandbox-exito-token"
ORDERS_PATH = "/dev/api/orders"
MAX_LIMIT = 100
MAX_ORDERS = 10_000

#: Marketplace routes: path pattern -> {method: handler name}. ``/files/...`` plays S3: no token, no culture.
ROUTES = [
    (re.compile(r"^/dev/api/orders$"), {"GET": "_get_orders"}),
    (re.compile(r"^/dev/api/orders/bill$"), {"PATCH": "_bill"}),
    (re.compile(r"^/dev/api/orders/(?P<key>[^/]+)/sticker$"), {"GET": "_sticker"}),
    (re.compile(r"^/dev/api/orders/(?P<key>[^/]+)/tracking$"), {"PATCH": "_tracking"}),
    (re.compile(r"^/products-massive$"), {"POST": "_create_products"}),
    (re.compile(r"^/products-massive/status$"), {"GET": "_product_status"}),
    (re.compile(r"^/specs-external/getbycategoryid/(?P<key>[^/]+)$"), {"GET": "_specs"}),
    (re.compile(r"^/OfferExternal$"), {"PATCH": "_offers"}),
    (re.compile(r"^/billing/api$"), {"GET": "_billing"}),
    (re.compile(r"^/files/(?P<key>[^/]+)$"), {"GET": "_file"}),
]
PUBLIC = ("_file",)
CONTROL_ROUTES = [
    (re.compile(r"^/orders$"), {"GET": "_c_orders", "POST": "_c_add_orders"}),
    (re.compile(r"^/orders/(?P<key>[^/]+)$"), {"GET": "_c_order"}),
    (re.compile(r"^/orders/(?P<key>[^/]+)/status$"), {"POST": "_c_order_status"}),
    (re.compile(r"^/orders/(?P<key>[^/]+)/no-collection-center$"), {"POST": "_c_no_collection_center"}),
    (re.compile(r"^/products$"), {"GET": "_c_products"}),
    (re.compile(r"^/offers$"), {"GET": "_c_offers"}),
    (re.compile(r"^/callbacks$"), {"GET": "_c_callbacks", "POST": "_c_configure_callbacks"}),
    (re.compile(r"^/callbacks/log$"), {"GET": "_c_callback_log"}),
    (re.compile(r"^/callbacks/flush$"), {"POST": "_c_flush_callbacks"}),
    (re.compile(r"^/moderate$"), {"POST": "_c_moderate"}),
    (re.compile(r"^/billing$"), {"GET": "_c_billing"}),
    (re.compile(r"^/billing/generate$"), {"POST": "_c_generate_billing"}),
]


def _route(routes: list, path: str) -> tuple[dict, str | None] | None:
    for pattern, methods in routes:
        match = pattern.match(path)
        if match:
            return methods, match.groupdict().get("key")
    return None


@dataclass
class ExitoOptions:
    """Generation settings; the CLI gives the defaults, ``/_sandbox/reset`` may override them per reset."""

    orders: int = 25
    lines_per_order: int | None = None
    status: int = 35
    unique_buyers: bool = False
    days: float = 7
    now: datetime | None = None
    catalog: list[dict] | None = None
    token: str = DEFAULT_TOKEN
    live_catalog: bool = False


class ExitoMarketplace(Marketplace):
    name = "exito"

    def __init__(self, defaults: ExitoOptions | None = None) -> None:
        self.defaults = defaults or ExitoOptions()
        self._lock = threading.Lock()
        self._orders: dict[str, dict] = {}
        self._token = self.defaults.token
        self.callbacks = Callbacks()
        self.catalog = Catalog(self.callbacks)
        self.offers = Offers(self.catalog, self.callbacks)
        self.fulfillment = Fulfillment(self)
        self.billing = Billing(self)

    # -- state ---------------------------------------------------------------------------------------

    def reset(self, seed: int, options: dict) -> dict:
        settings = self._options(expect_object(options, "exito"))
        orders = exito_data.generate_orders(
            random.Random(f"exito-{seed}"), count=settings.orders, status=settings.status,
            lines_per_order=settings.lines_per_order, unique_buyers=settings.unique_buyers,
            days=settings.days, now=settings.now, catalog=settings.catalog)
        for part in (self.callbacks, self.catalog, self.offers, self.fulfillment, self.billing):
            part.reset()
        if settings.live_catalog:
            self.catalog.add_live(settings.catalog or exito_data.default_catalog())
        with self._lock:
            self._token = settings.token
            self._orders = {order["id"]: order for order in orders}
            return {"orders": len(self._orders)}

    def _options(self, body: dict) -> ExitoOptions:
        """The defaults overridden by the reset body, validated."""
        allowed = set(ExitoOptions.__dataclass_fields__)
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise BadRequest(f"Unknown exito settings: {', '.join(unknown)}")
        values = {key: getattr(self.defaults, key) for key in allowed}
        # null means "the default", except for lines_per_order where it means "1 to 3"
        values.update({key: value for key, value in body.items() if value is not None or key == "lines_per_order"})
        catalog = _catalog(values["catalog"])
        lines = values["lines_per_order"]
        if lines is not None:
            expect_int(lines, "exito.lines_per_order", 1, len(catalog or exito_data.DEFAULT_CATALOG))
        status = expect_int(values["status"], "exito.status")
        if status not in exito_data.STATUSES:
            raise BadRequest(f"exito.status must be one of {sorted(exito_data.STATUSES)}")
        for flag in ("unique_buyers", "live_catalog"):
            if not isinstance(values[flag], bool):
                raise BadRequest(f"exito.{flag} must be true or false")
        if not isinstance(values["token"], str) or not values["token"]:
            raise BadRequest("exito.token must be a non-empty string")
        return ExitoOptions(
            orders=expect_int(values["orders"], "exito.orders", 0, MAX_ORDERS),
            lines_per_order=lines, status=status, unique_buyers=values["unique_buyers"],
            days=expect_number(values["days"], "exito.days", 0.001, 3650),
            now=parse_moment(values["now"]), catalog=catalog, token=values["token"],
            live_catalog=values["live_catalog"])

    def add_orders(self, orders: list[dict]) -> int:
        with self._lock:
            for order in orders:
                self._orders[str(order["id"])] = order
        return len(orders)

    def orders(self) -> list[dict]:
        """Stored orders by ascending numeric id."""
        with self._lock:
            orders = list(self._orders.values())
        return sorted(orders, key=lambda order: int(order["id"]))

    def find(self, order_id: str | None = None, number: str | None = None) -> dict | None:
        """The stored order with this id (or this orderNumber); do not change it, use :meth:`change`."""
        with self._lock:
            if order_id is not None:
                return self._orders.get(str(order_id))
            return next((order for order in self._orders.values() if str(order.get("orderNumber")) == str(number)),
                        None)

    def change(self, order_id: str, update: Callable[[dict], Any]) -> bool:
        """Apply ``update`` to a copy of the order and store the copy; ``False`` when the order is unknown."""
        with self._lock:
            order = self._orders.get(str(order_id))
            if order is None:
                return False
            order = copy.deepcopy(order)
            update(order)
            self._orders[str(order_id)] = order
            return True

    # -- marketplace API -----------------------------------------------------------------------------

    def is_authorized(self, request: Request) -> bool:
        with self._lock:
            return request.header("Authorization") == self._token

    def error_response(self, status: int, text: str) -> Response:
        return envelope_error(status, text)

    def handle(self, request: Request, path: str) -> Response:
        path = re.sub(r"/{2,}", "/", path).rstrip("/") or "/"
        found = _route(ROUTES, path)
        if found is None:
            return not_found()
        methods, key = found
        handler = methods.get(request.method)
        if handler is None:
            return method_not_allowed()
        if handler not in PUBLIC:
            if not self.is_authorized(request):
                return message(401, "Unauthorized")
        try:
            if handler not in PUBLIC:
                require_culture(request.query)
            return getattr(self, handler)(request, key)
        except BadRequest as exc:
            return envelope_error(400, str(exc))

    def _get_orders(self, request: Request, key: None) -> Response:
        query = request.query
        if not query.get("limit"):
            raise BadRequest("The limit parameter is required.")
        limit = min(_int_param(query, "limit"), MAX_LIMIT)
        if limit < 1:
            raise BadRequest("The limit parameter must be greater than 0.")
        _int_param(query, "currentPage")  # accepted and ignored: the token gives the position
        after = _token_id(query.get("paginationToken"))
        status = _int_param(query, "idStatusOrder")
        first, last = _date_param(query, "dateOrderInitial"), _date_param(query, "dateOrderFinal")
        number = query.get("orderNumber") or None
        if number is not None:
            _int_param(query, "orderNumber")

        matching = [order for order in self.orders()
                    if int(order["id"]) > after
                    and (status is None or _same_int(order.get("idStatusOrder"), status))
                    and (number is None or str(order.get("orderNumber")) == number)
                    and _in_range(order.get("dateOrder"), first, last)]
        page = matching[:limit]
        token = page_token(page[-1]["id"], page[-1].get("idSeller")) if len(matching) > limit else "{}"
        return json_response(200, {"viewModel": page, "count": len(matching), "paginationToken": token,
                                   "paginationTokens": []})

    def _bill(self, request: Request, key: None) -> Response:
        return self.fulfillment.bill(request)

    def _sticker(self, request: Request, key: str) -> Response:
        return self.fulfillment.sticker(request, key)

    def _tracking(self, request: Request, key: str) -> Response:
        return self.fulfillment.tracking(request, key)

    def _file(self, request: Request, key: str) -> Response:
        return self.fulfillment.file(key)

    def _create_products(self, request: Request, key: None) -> Response:
        return self.catalog.create(request)

    def _product_status(self, request: Request, key: None) -> Response:
        return self.catalog.status()

    def _specs(self, request: Request, key: str) -> Response:
        if not DIGITS_RE.fullmatch(key):
            raise BadRequest(f"The category id must be a number, got {key!r}.")
        return json_response(200, {"errors": [], "data": spec_groups(str(int(key))), "message": "Operation successful"})

    def _offers(self, request: Request, key: None) -> Response:
        return self.offers.patch(request)

    def _billing(self, request: Request, key: None) -> Response:
        return self.billing.get(request)

    # -- control API ---------------------------------------------------------------------------------

    def control(self, request: Request, path: str) -> Response | None:
        found = _route(CONTROL_ROUTES, path.rstrip("/"))
        if found is None:
            return None
        methods, key = found
        handler = methods.get(request.method)
        if handler is None:
            return method_not_allowed()
        return getattr(self, handler)(request, key)

    def _c_orders(self, request: Request, key: None) -> Response:
        return json_response(200, self.orders())

    def _c_add_orders(self, request: Request, key: None) -> Response:
        return json_response(200, {"added": self.add_orders(_injected_orders(request.json()))})

    def _c_order(self, request: Request, key: str) -> Response:
        order = self.find(order_id=key) or self.find(number=key)
        return json_response(200, self.fulfillment.details(order)) if order else not_found()

    def _c_order_status(self, request: Request, key: str) -> Response:
        return self.fulfillment.set_status(key, request.json())

    def _c_no_collection_center(self, request: Request, key: str) -> Response:
        return self.fulfillment.set_no_collection_center(key, request.json())

    def _c_products(self, request: Request, key: None) -> Response:
        return json_response(200, self.catalog.products())

    def _c_offers(self, request: Request, key: None) -> Response:
        return json_response(200, self.offers.offers())

    def _c_callbacks(self, request: Request, key: None) -> Response:
        return json_response(200, self.callbacks.settings())

    def _c_configure_callbacks(self, request: Request, key: None) -> Response:
        return json_response(200, self.callbacks.configure(request.json()))

    def _c_callback_log(self, request: Request, key: None) -> Response:
        return json_response(200, self.callbacks.log())

    def _c_flush_callbacks(self, request: Request, key: None) -> Response:
        return json_response(200, self.callbacks.flush())

    def _c_moderate(self, request: Request, key: None) -> Response:
        result = self.catalog.moderate_now(request.json())
        return json_response(200, {"status": result["status"], "body": result["body"], "error": result["error"]})

    def _c_billing(self, request: Request, key: None) -> Response:
        return json_response(200, self.billing.documents())

    def _c_generate_billing(self, request: Request, key: None) -> Response:
        return json_response(200, self.billing.generate(request.json()))


# -- parsing helpers -----------------------------------------------------------------------------------

def _same_int(value: Any, wanted: int) -> bool:
    try:
        return int(value) == wanted
    except (TypeError, ValueError):
        return False


def _local_date(value: Any) -> date | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=exito_data.TZ)
    return moment.astimezone(exito_data.TZ).date()


def _in_range(value: Any, first: date | None, last: date | None) -> bool:
    if first is None and last is None:
        return True
    day = _local_date(value)
    return day is not None and (first is None or day >= first) and (last is None or day <= last)


def parse_moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        moment = datetime.fromisoformat(str(value).replace("/", "-"))
    except ValueError as exc:
        raise BadRequest(f"exito.now must be an ISO date or datetime, got {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=exito_data.TZ)


def _catalog(value: Any) -> list[dict] | None:
    """A custom catalog (``[{name, ean, reference, price[, productId, sku]}]``) validated, or ``None``."""
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise BadRequest("exito.catalog must be a non-empty list")
    items = []
    for number, item in enumerate(value, start=1):
        item = expect_object(item, "each exito.catalog item")
        for key in ("name", "ean", "reference"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise BadRequest(f"exito.catalog item {number}: {key} must be a non-empty string")
        price = expect_int(item.get("price"), f"exito.catalog item {number}: price", 1)
        entry = exito_data.catalog_item(item["name"], item["ean"], item["reference"], price, 900 + number)
        entry.update({key: str(item[key]) for key in ("productId", "sku") if item.get(key)})
        items.append(entry)
    return items


def _injected_orders(body: Any) -> list[dict]:
    """Orders posted to ``/_sandbox/exito/orders``: a list (or ``{"viewModel": [...]}``) of objects with numeric ids."""
    if isinstance(body, dict) and isinstance(body.get("viewModel"), list):
        body = body["viewModel"]
    if not isinstance(body, list):
        raise BadRequest("Body must be a JSON list of orders (or an object with a viewModel list)")
    for position, order in enumerate(body):
        if not isinstance(order, dict):
            raise BadRequest(f"Order {position} is not a JSON object")
        order_id = order.get("id")
        if isinstance(order_id, bool) or not isinstance(order_id, (str, int)) or not DIGITS_RE.fullmatch(str(order_id)):
            raise BadRequest(f"Order {position} needs an id made of digits, got {order_id!r}")
    return body
