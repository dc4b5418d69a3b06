"""Grupo Éxito seller center, orders API (``GET /dev/api/orders``), served under the ``/exito`` prefix.

Written from the seller center's API document: the ``Authorization`` header carries the token itself
(no ``Bearer``), pages follow DynamoDB's ``LastEvaluatedKey`` (``{"Id":{"N":...},"IdSeller":{"N":...}}``)
and errors use the ``{"errors": [...], "data": null, "message": ..., "pendingResponse": false}`` envelope.
"""

from __future__ import annotations

import json
import random
import re
import threading
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

DEFAULT_TOKEN = "sandbox-exito-token"
ORDERS_PATH = "/dev/api/orders"
CULTURES = ("es-CO", "en-US")
MAX_LIMIT = 100
MAX_ORDERS = 10_000
DATE_RE = re.compile(r"^\d{4}/\d{2}/\d{2}$")
INT_RE = re.compile(r"^[+-]?[0-9]+$")
DIGITS_RE = re.compile(r"^[0-9]+$")
ERROR_MESSAGE = "Ooops, ocurrió un error."


def envelope_error(status: int, text: str, code: str | None = None) -> Response:
    """The seller center's error envelope (as in the seed's sticker 400 answer)."""
    body = {"errors": [{"code": code or str(status), "message": text}], "data": None,
            "message": ERROR_MESSAGE, "pendingResponse": False}
    return json_response(status, body)


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


class ExitoMarketplace(Marketplace):
    name = "exito"

    def __init__(self, defaults: ExitoOptions | None = None) -> None:
        self.defaults = defaults or ExitoOptions()
        self._lock = threading.Lock()
        self._orders: dict[str, dict] = {}
        self._token = self.defaults.token

    # -- state ---------------------------------------------------------------------------------------

    def reset(self, seed: int, options: dict) -> dict:
        settings = self._options(expect_object(options, "exito"))
        orders = exito_data.generate_orders(
            random.Random(f"exito-{seed}"), count=settings.orders, status=settings.status,
            lines_per_order=settings.lines_per_order, unique_buyers=settings.unique_buyers,
            days=settings.days, now=settings.now, catalog=settings.catalog)
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
        if not isinstance(values["unique_buyers"], bool):
            raise BadRequest("exito.unique_buyers must be true or false")
        if not isinstance(values["token"], str) or not values["token"]:
            raise BadRequest("exito.token must be a non-empty string")
        return ExitoOptions(
            orders=expect_int(values["orders"], "exito.orders", 0, MAX_ORDERS),
            lines_per_order=lines, status=status, unique_buyers=values["unique_buyers"],
            days=expect_number(values["days"], "exito.days", 0.001, 3650),
            now=parse_moment(values["now"]), catalog=catalog, token=values["token"])

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

    # -- marketplace API -----------------------------------------------------------------------------

    def is_authorized(self, request: Request) -> bool:
        with self._lock:
            return request.header("Authorization") == self._token

    def error_response(self, status: int, text: str) -> Response:
        return envelope_error(status, text)

    def handle(self, request: Request, path: str) -> Response:
        if path.rstrip("/") != ORDERS_PATH:
            return not_found()
        if request.method != "GET":
            return method_not_allowed()
        if not self.is_authorized(request):
            return message(401, "Unauthorized")
        try:
            return self._get_orders(request.query)
        except BadRequest as exc:
            return envelope_error(400, str(exc))

    def _get_orders(self, query: dict[str, str]) -> Response:
        culture = query.get("culture")
        if culture not in CULTURES:
            raise BadRequest(f"The culture parameter is required and must be one of {', '.join(CULTURES)}.")
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
        token = "{}"
        if len(matching) > limit:
            last_order = page[-1]
            token = json.dumps({"Id": {"N": str(last_order["id"])}, "IdSeller": {"N": str(last_order.get("idSeller"))}},
                               separators=(",", ":"))
        return json_response(200, {"viewModel": page, "count": len(matching), "paginationToken": token,
                                   "paginationTokens": []})

    # -- control API ---------------------------------------------------------------------------------

    def control(self, request: Request, path: str) -> Response | None:
        if path.rstrip("/") != "/orders":
            return None
        if request.method == "GET":
            return json_response(200, self.orders())
        if request.method == "POST":
            return json_response(200, {"added": self.add_orders(_injected_orders(request.json()))})
        return method_not_allowed()


# -- parsing helpers -----------------------------------------------------------------------------------

def _int_param(query: dict[str, str], name: str) -> int | None:
    value = query.get(name)
    if value is None or value == "":
        return None
    if not INT_RE.fullmatch(value.strip()):
        raise BadRequest(f"The {name} parameter must be an integer, got {value!r}.")
    return int(value)


def _date_param(query: dict[str, str], name: str) -> date | None:
    value = query.get(name)
    if not value:
        return None
    if DATE_RE.fullmatch(value):
        try:
            return datetime.strptime(value, "%Y/%m/%d").date()
        except ValueError:
            pass
    raise BadRequest(f"The {name} parameter must be a date in the format yyyy/MM/dd, got {value!r}.")


def _token_id(value: str | None) -> int:
    """The ``Id`` of a DynamoDB style pagination token; 0 (before everything) when absent or ``{}``."""
    if value is None or value.strip() in ("", "{}"):
        return 0
    try:
        parsed = json.loads(value)
        number = parsed["Id"]["N"]
        if not isinstance(number, (str, int)) or isinstance(number, bool) or not INT_RE.fullmatch(str(number)):
            raise ValueError(number)
        return int(number)
    except (ValueError, TypeError, KeyError) as exc:
        raise BadRequest(f"The paginationToken parameter is not a valid pagination token: {value!r}.") from exc


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
