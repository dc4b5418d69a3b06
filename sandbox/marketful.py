"""Marketful fulfillment API (seed: ``marketful_fulfillment_api.txt``), served under ``/marketful``.

Items, stock, multichannel fulfillment orders, entry orders, shipment events and webhooks. Parameters are read
from the query string and from a JSON object body (the body wins); nested values (``items``, ``order``,
``entry_order``) may also come as JSON text in the query. Status codes and messages are the seed's where it
gives them; everything else is a choice documented in ``sandbox/README.md``. Stock is stateful: shipping an
order (control API) lowers it, receiving an entry order raises it, a stock count (control API) sets it; a shipped
order can then be delivered (control API). Registered webhooks are called
synchronously by the request that caused the event.
"""

from __future__ import annotations

import copy
import json
import random
import re
import threading
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from . import marketful_data
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

__all__ = ["DEFAULT_TOKEN", "DEFAULT_USER", "MarketfulMarketplace", "MarketfulOptions"]

DEFAULT_TOKEN = "sandbox-marketful-token"
DEFAULT_USER = "sandbox-user"
WEBHOOK_TYPES = ("order/created", "order/updated", "shipment_event/created")
WEBHOOK_TIMEOUT = 5
CARRIERS = {"marketful": "Marketful", "fedex": "Fedex", "dhl": "DHL", "ups": "UPS", "estafeta": "Estafeta",
            "will_call": "Will_Call"}
SHIPPING_TYPES = {"económico": "económico", "economico": "económico", "dia_siguiente": "dia_siguiente"}
REQUIRED_ORDER_FIELDS = ("num_orden", "orden_id", "customer", "carrier_name", "telefono", "calle", "no_exterior",
                         "colonia", "ciudad", "Estado", "codigo_postal", "canal", "tipo_envio")
OPTIONAL_ORDER_FIELDS = ("no_interior", "asegurado")
STATE = re.compile(r"^MX\s*-\s*(?P<code>[A-Z]{2})$")  # the code must also be one of marketful_data.STATE_CODES
SKU = re.compile(r"^[A-Za-z0-9_-]+$")
EAN = re.compile(r"^[0-9]{6,14}$")
DIMENSIONS = ("height", "width", "length", "weigth")

INVALID_AUTH = "Invalid Authorization"
USER_NOT_FOUND = "User Not Found"


@dataclass(frozen=True)
class Route:
    method: str
    handler: str
    user_status: int  # wrong token or unknown user
    user_message: str = USER_NOT_FOUND
    missing_message: str = INVALID_AUTH  # a header missing (always 404)


ROUTES = {
    "/shopi_orders/multicanal_api": Route("POST", "_create_order", 403),
    "/shopi_orders/get_orders": Route("GET", "_get_orders", 403, "Seller not found", "Invalid Token"),
    "/entradas/nueva_entrada_api": Route("POST", "_create_entry", 400),
    "/items/get_stock": Route("GET", "_get_stock", 403),
    "/items/get_stock_ean": Route("GET", "_get_stock_ean", 403),
    "/items/create_item": Route("POST", "_create_items", 403),
    "/items/delete_item": Route("POST", "_delete_item", 403),
    "/items/update_item": Route("POST", "_update_item", 403),
    "/shipment_events/get_events": Route("GET", "_get_events", 404),
    "/webhooks/consultar": Route("GET", "_list_webhooks", 404),
    "/webhooks/crear": Route("POST", "_create_webhook", 404),
    "/webhooks/eliminar": Route("POST", "_delete_webhook", 404),
}
CONTROL_ROUTES = [
    (re.compile(r"^/items$"), {"GET": "_c_items"}),
    (re.compile(r"^/orders$"), {"GET": "_c_orders"}),
    (re.compile(r"^/items/(?P<key>[^/]+)/stock$"), {"POST": "_c_set_stock"}),
    (re.compile(r"^/orders/(?P<key>[^/]+)/ship$"), {"POST": "_c_ship"}),
    (re.compile(r"^/orders/(?P<key>[^/]+)/deliver$"), {"POST": "_c_deliver"}),
    (re.compile(r"^/entries$"), {"GET": "_c_entries"}),
    (re.compile(r"^/entries/(?P<key>[^/]+)/receive$"), {"POST": "_c_receive"}),
    (re.compile(r"^/webhooks/log$"), {"GET": "_c_webhook_log", "DELETE": "_c_clear_webhook_log"}),
]


@dataclass
class MarketfulOptions:
    """Settings; the CLI gives the defaults, ``/_sandbox/reset`` may override them per reset."""

    token: str = DEFAULT_TOKEN
    user: str = DEFAULT_USER
    items: list | None = None  # None: the default catalog of marketful_data; a list replaces it


class MarketfulMarketplace(Marketplace):
    name = "marketful"

    def __init__(self, defaults: MarketfulOptions | None = None) -> None:
        self.defaults = defaults or MarketfulOptions()
        self._lock = threading.Lock()
        self.reset(1, {})

    # -- state ---------------------------------------------------------------------------------------

    def reset(self, seed: int, options: dict) -> dict:
        settings = self._options(expect_object(options, "marketful"))
        rng = random.Random(f"marketful-{seed}")
        items = marketful_data.generate_items(rng) if settings.items is None else _seed_items(settings.items)
        with self._lock:
            self._token, self._user = settings.token, settings.user
            self._rng = rng
            self._items = {item["item_id"]: item for item in items}
            self._next_item = max(self._items, default=marketful_data.FIRST_ITEM_ID - 1) + 1
            self._orders: dict[int, dict] = {}
            self._next_order = marketful_data.FIRST_ORDER_ID
            self._events: dict[int, list[dict]] = {}
            self._next_event = marketful_data.FIRST_EVENT_ID
            self._entries: dict[str, dict] = {}
            self._webhooks: dict[int, dict] = {}
            self._next_webhook = marketful_data.FIRST_WEBHOOK_ID
            self._webhook_log: list[dict] = []
            return {"items": len(self._items), "user": self._user}

    def _options(self, body: dict) -> MarketfulOptions:
        allowed = {field.name for field in fields(MarketfulOptions)}
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise BadRequest(f"Unknown marketful settings: {', '.join(unknown)}")
        values = {key: getattr(self.defaults, key) for key in allowed}
        values.update({key: value for key, value in body.items() if value is not None})
        for key in ("token", "user"):
            if not isinstance(values[key], str) or not values[key].strip():
                raise BadRequest(f"marketful.{key} must be a non-empty string")
        if values["items"] is not None and not isinstance(values["items"], list):
            raise BadRequest("marketful.items must be a list of items")
        return MarketfulOptions(**values)

    # -- marketplace API -----------------------------------------------------------------------------

    def is_authorized(self, request: Request) -> bool:
        with self._lock:
            return request.header("Authorization") == self._token and request.header("User") == self._user

    def handle(self, request: Request, path: str) -> Response:
        path = re.sub(r"/{2,}", "/", path).rstrip("/") or "/"
        route = ROUTES.get(path)
        if route is None:
            return not_found()
        if request.method != route.method:
            return method_not_allowed()
        if not request.header("Authorization") or not request.header("User"):
            return message(404, route.missing_message)
        if not self.is_authorized(request):
            return message(route.user_status, route.user_message)
        params = _params(request)
        deliveries: list[tuple[dict, dict]] = []
        with self._lock:
            response = getattr(self, route.handler)(params, deliveries)
        self._deliver(deliveries)
        return response

    # items ------------------------------------------------------------------------------------------

    def _create_items(self, params: dict, deliveries: list) -> Response:
        items = _nested(params.get("items"))
        if items is None or items == [] or items == "":
            return message(402, "Parameter 'items' must be present")
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            return message(402, "Parameter 'items' must be present")
        saved, errors, seen = [], [], set()
        taken = {item["sku"] for item in self._items.values()}
        for position, sent in enumerate(items):
            reasons = _item_errors(sent, required=True)
            sku = sent.get("sku") if isinstance(sent, dict) else None
            if not reasons and (sku in taken or sku in seen):
                reasons.append(f"sku {sku} already registered")
            if reasons:
                errors.append({"index": position, "sku": sku, "errors": reasons})
                continue
            seen.add(sku)
            item = {"item_id": self._next_item, **_item_values(sent), "available_quantity": 0}
            for key in ("ean", *DIMENSIONS):
                item.setdefault(key, None)
            self._next_item += 1
            saved.append(item)
        if not saved:
            return json_response(401, {"message": "Incomplete data", "description": (
                "No item was saved because the following items have either incorrect data or Incomplete data"),
                "items_errors": errors})
        for item in saved:
            self._items[item["item_id"]] = item
        saved = copy.deepcopy(saved)
        if errors:
            return json_response(201, {"message": "The following Items could not be saved", "items_errors": errors,
                                       "items_saved": saved})
        return json_response(200, {"message": "Success", "description": "All Items are now registered",
                                   "items_saved": saved})

    def _update_item(self, params: dict, deliveries: list) -> Response:
        item_id = _int(params.get("item_id"))
        if item_id is None:
            return message(402, "item_id must be present")
        item = self._items.get(item_id)
        if item is None:
            return message(400, "Item not found")
        changes = {key: value for key, value in params.items()
                   if key in ("title", "list_price", "sku", "ean", "weight", *DIMENSIONS)}
        reasons = _item_errors(changes, required=False)
        sku = changes.get("sku")
        if not reasons and sku is not None and any(other["sku"] == sku for other in self._items.values()
                                                   if other is not item):
            reasons.append(f"sku {sku} already registered")
        if reasons:
            return json_response(405, {"message": "Item could not be updated", "errors": reasons})
        item.update(_item_values(changes))
        return json_response(200, {"message": "Success", "description": "Item Updated",
                                   "items_update": copy.deepcopy(item)})

    def _delete_item(self, params: dict, deliveries: list) -> Response:
        item_id = _int(params.get("item_id"))
        if item_id is None:
            return message(402, "item_id must be present")
        if self._items.pop(item_id, None) is None:
            return message(401, "Item not found")
        return json_response(200, {"message": "Success", "description": f"Item {item_id} deleted"})

    def _get_stock(self, params: dict, deliveries: list) -> Response:
        sku = params.get("sku")
        if not isinstance(sku, str) or not sku.strip():
            return message(403, "SKU must be present")
        item = self._by_sku(sku.strip())
        if item is None:
            return message(402, f"Item {sku} not found")
        return json_response(200, {"message": "Success", "sku": item["sku"], "item_id": item["item_id"],
                                   "available_quantity": item["available_quantity"],
                                   "avariable_quantity": item["available_quantity"]})

    def _get_stock_ean(self, params: dict, deliveries: list) -> Response:
        ean = params.get("ean")
        if not isinstance(ean, str) or not ean.strip():
            return message(402, "ean must be present and must be String")
        item = next((item for item in self._items.values() if item.get("ean") == ean.strip()), None)
        if item is None:
            return message(401, f"Item con EAN '{ean}' no encontrado")
        return json_response(200, {"message": "Success", "ean": item["ean"], "sku": item["sku"],
                                   "available_quantity": item["available_quantity"], "item_id": item["item_id"]})

    # orders -----------------------------------------------------------------------------------------

    def _create_order(self, params: dict, deliveries: list) -> Response:
        order = _nested(params.get("order"))
        if order is None or order == "":
            return message(402, "Parameter 'order' must be present")
        if not isinstance(order, dict):
            return json_response(400, {"message": "Invalid order", "errors": ["order must be an object"]})
        values, errors = self._order_values(order)
        if errors:
            return json_response(400, {"message": "Invalid order", "errors": errors})
        existing = self._find_order(values["canal"], values["num_orden"])
        if existing is not None:
            return json_response(409, {"message": "Orden ya existe", "order_id": existing["order_id"],
                                       "canal": existing["canal"], "num_orden": existing["num_orden"]})
        now = _now()
        record = {"order_id": self._next_order, **values, "fulfillment_status": "pendiente", "tracking_number": "",
                  "url_guia_pdf": "", "created_at": now, "updated_at": now}
        self._next_order += 1
        self._orders[record["order_id"]] = record
        self._events[record["order_id"]] = []
        self._queue(deliveries, "order/created", record)
        return json_response(200, {"message": "Success", "description": "Order created successfully",
                                   "order": copy.deepcopy(record)})

    def _order_values(self, order: dict) -> tuple[dict, list[str]]:
        info = order.get("contact_info")
        if info is not None and not isinstance(info, dict):
            return {}, ["contact_info must be an object"]
        merged = {key: value for key, value in order.items() if key not in ("contact_info", "items")}
        merged.update(info or {})
        if "Estado" not in merged and "estado" in merged:
            merged["Estado"] = merged.pop("estado")
        errors, values = [], {}
        for key in REQUIRED_ORDER_FIELDS:
            value = merged.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "carrier_name":
                value = str(value)
            if not isinstance(value, str) or not value.strip():
                errors.append(f"{key} is required (string)")
                continue
            values[key] = value.strip()
        if "carrier_name" in values:
            carrier = CARRIERS.get(values["carrier_name"].lower())
            if carrier is None:
                errors.append(f"carrier_name must be one of {', '.join(CARRIERS.values())}")
            values["carrier_name"] = carrier
        if "tipo_envio" in values:
            kind = SHIPPING_TYPES.get(values["tipo_envio"].lower())
            if kind is None:
                errors.append("tipo_envio must be económico or dia_siguiente")
            values["tipo_envio"] = kind
        if "Estado" in values:
            state = STATE.match(values["Estado"])
            if state is None or state["code"] not in marketful_data.STATE_CODES:
                errors.append("Estado must be in format MX-XX, XX a 2-letter state code (e.g. MX-AG)")
            else:
                values["Estado"] = f"MX-{state['code']}"
        interior = merged.get("no_interior")
        if interior is not None and not isinstance(interior, (str, int)):
            errors.append("no_interior must be a string")
        values["no_interior"] = "" if interior is None else str(interior)
        insured = merged.get("asegurado")
        if insured in (None, "", "false", False):
            values["asegurado"] = False
        elif insured in ("true", True):
            values["asegurado"] = True
        else:
            errors.append("asegurado must be true or false")
        items = order.get("items")
        if not isinstance(items, list) or not items:
            errors.append("items must be a non-empty list of {sku, cantidad}")
            return values, errors
        lines = []
        for position, line in enumerate(items):
            sku = line.get("sku") if isinstance(line, dict) else None
            quantity = _int(line.get("cantidad")) if isinstance(line, dict) else None
            if not isinstance(sku, str) or not sku.strip():
                errors.append(f"items[{position}].sku is required")
            elif self._by_sku(sku.strip()) is None:
                errors.append(f"items[{position}]: Item {sku} not found")
            if quantity is None or quantity <= 0:
                errors.append(f"items[{position}].cantidad must be a positive integer")
            if isinstance(sku, str) and quantity:
                lines.append({"sku": sku.strip(), "cantidad": quantity})
        values["items"] = lines
        return values, errors

    def _get_orders(self, params: dict, deliveries: list) -> Response:
        canal, orden = params.get("canal"), params.get("orden")
        if not isinstance(canal, str) or not canal.strip() or not isinstance(orden, (str, int)) \
                or isinstance(orden, bool) or not str(orden).strip():
            return message(402, "Canal y numero de orden deben existir")
        record = self._find_order(canal.strip(), str(orden).strip())
        if record is None:
            return message(404, "Orden no encontrada")
        return json_response(200, {"message": "Success", "orden": copy.deepcopy(record)})

    def _get_events(self, params: dict, deliveries: list) -> Response:
        order_id = _int(params.get("order_id"))
        if order_id is None:
            return message(404, "order_id must be present")
        record = self._orders.get(order_id)
        if record is None:
            return message(404, "Orden no encontrada")
        return json_response(200, {"message": "Success", "orden": {
            "order_id": order_id, "num_orden": record["num_orden"], "canal": record["canal"],
            "fulfillment_status": record["fulfillment_status"], "tracking_number": record["tracking_number"],
            "events": copy.deepcopy(self._events[order_id])}})

    # entry orders -----------------------------------------------------------------------------------

    def _create_entry(self, params: dict, deliveries: list) -> Response:
        if "entry_order" not in params:
            return message(403, "Parameter 'entry_order' must be present")
        entry = _nested(params["entry_order"])
        if entry in (None, "", {}, []):
            return message(402, "entry_order is null")
        if not isinstance(entry, dict):
            raise BadRequest("entry_order must be an object of sku -> quantity")
        rejected, lines = [], []
        for sku, quantity in entry.items():
            amount = _int(quantity)
            if self._by_sku(sku) is None or amount is None or amount <= 0:
                rejected.append(sku)
            else:
                lines.append({"sku": sku, "cantidad": amount})
        if rejected:
            return json_response(401, {"message": ("The following items were not found or their inventory is "
                                                   "less than or equal to zero"), "items": rejected})
        token = f"{self._rng.getrandbits(128):032x}"
        self._entries[token] = {"order_token": token, "items": lines, "status": "pendiente", "created_at": _now(),
                                "received_at": None}
        return json_response(200, {"message": "Success", "order_token": token,
                                   "description": "Order created successfully"})

    # webhooks ---------------------------------------------------------------------------------------

    def _list_webhooks(self, params: dict, deliveries: list) -> Response:
        return json_response(200, {"message": "Success", "webhooks": copy.deepcopy(list(self._webhooks.values()))})

    def _create_webhook(self, params: dict, deliveries: list) -> Response:
        url, kind = params.get("url"), params.get("tipo")
        if not isinstance(url, str) or not url.strip() or not isinstance(kind, str) or not kind.strip():
            return message(404, "Parametros incompletos (url y tipo deben estar presentes")
        url, kind = url.strip(), kind.strip()
        if kind not in WEBHOOK_TYPES:
            return message(404, f"Webhook {kind} desconocido/invalido")
        existing = next((hook for hook in self._webhooks.values() if hook["tipo"] == kind), None)
        if existing is not None:
            if existing["url"] != url:
                return message(404, f"Ya existe un Webhook para {kind}")
            return json_response(200, {"message": "Success", "webhook": dict(existing)})
        problem = _url_problem(url)
        if problem:
            return json_response(404, {"message": "Error al crear Webhook", "error": problem})
        hook = {"id": self._next_webhook, "url": url, "tipo": kind, "created_at": _now()}
        self._next_webhook += 1
        self._webhooks[hook["id"]] = hook
        return json_response(200, {"message": "Success", "webhook": dict(hook)})

    def _delete_webhook(self, params: dict, deliveries: list) -> Response:
        hook_id = _int(params.get("webhook_id"))
        if hook_id is None:
            return message(404, "Parametro webhook_id no esta presente o esta en un formato invalido")
        if self._webhooks.pop(hook_id, None) is None:
            return message(404, f"Webhook {hook_id} no encontrado")
        return json_response(200, {"message": "Success"})

    def _queue(self, deliveries: list, kind: str, data: dict) -> None:
        """Note a webhook call (sent after the lock is released); call with the lock held."""
        for hook in self._webhooks.values():
            if hook["tipo"] == kind:
                deliveries.append((dict(hook), {"tipo": kind, "webhook_id": hook["id"], "user": self._user,
                                                "data": copy.deepcopy(data)}))

    def _deliver(self, deliveries: list[tuple[dict, dict]]) -> list[dict]:
        """POST each payload to its webhook's URL, synchronously; every attempt is logged."""
        results = []
        for hook, payload in deliveries:
            url = hook["url"] if "://" in hook["url"] else f"http://{hook['url']}"
            status, error = send_json(url, payload, timeout=WEBHOOK_TIMEOUT)
            entry = {"tipo": payload["tipo"], "webhook_id": hook["id"], "url": url, "payload": payload,
                     "status": status, "error": error, "at": _now()}
            with self._lock:
                self._webhook_log.append(entry)
            results.append({key: entry[key] for key in ("tipo", "url", "status", "error")})
        return results

    # -- helpers -------------------------------------------------------------------------------------

    def _by_sku(self, sku: str) -> dict | None:
        return next((item for item in self._items.values() if item["sku"] == sku), None)

    def _find_order(self, canal: str, num_orden: str) -> dict | None:
        return next((record for record in self._orders.values()
                     if record["canal"] == canal and record["num_orden"] == num_orden), None)

    # -- control API ---------------------------------------------------------------------------------

    def control(self, request: Request, path: str) -> Response | None:
        return route_control(self, CONTROL_ROUTES, request, path)

    def _c_items(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, copy.deepcopy(list(self._items.values())))

    def _c_orders(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, [dict(copy.deepcopy(record), events=copy.deepcopy(self._events[order_id]))
                                       for order_id, record in self._orders.items()])

    def _c_entries(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, copy.deepcopy(list(self._entries.values())))

    def _c_webhook_log(self, request: Request, key: None) -> Response:
        with self._lock:
            return json_response(200, copy.deepcopy(self._webhook_log))

    def _c_clear_webhook_log(self, request: Request, key: None) -> Response:
        with self._lock:
            count, self._webhook_log = len(self._webhook_log), []
        return json_response(200, {"deleted": count})

    def _c_ship(self, request: Request, key: str) -> Response:
        body = expect_object(request.json(), "Ship body")
        unknown = sorted(set(body) - {"tracking_number", "tracking", "carrier", "carrier_name", "url_guia_pdf"})
        if unknown:
            raise BadRequest(f"Unknown ship settings: {', '.join(unknown)}")
        for name, value in body.items():
            if value is not None and not isinstance(value, str):
                raise BadRequest(f"{name} must be a string")
        order_id = _int(key)
        deliveries: list[tuple[dict, dict]] = []
        with self._lock:
            record = self._orders.get(order_id) if order_id is not None else None
            if record is None:
                return message(404, f"Orden {key} no encontrada")
            if record["fulfillment_status"] != "pendiente":
                done = "delivered" if record["fulfillment_status"] == "entregado" else "shipped"
                return message(409, f"Order {order_id} is already {done}")
            short = []
            for line in record["items"]:
                item = self._by_sku(line["sku"])
                if item is None or item["available_quantity"] < line["cantidad"]:
                    have = item["available_quantity"] if item else 0
                    short.append(f"{line['sku']} (needs {line['cantidad']}, available {have})")
            if short:
                return message(409, f"Not enough stock to ship order {order_id}: {', '.join(short)}")
            for line in record["items"]:
                self._by_sku(line["sku"])["available_quantity"] -= line["cantidad"]
            tracking = (body.get("tracking_number") or body.get("tracking")
                        or f"MF{order_id}{self._rng.randint(100000, 999999)}")
            carrier = body.get("carrier_name") or body.get("carrier") or record["carrier_name"]
            now = _now()
            label = body.get("url_guia_pdf") or f"https://fulfillment.marketful.mx/guias/{tracking}.pdf"
            record.update(fulfillment_status="enviado", tracking_number=tracking, carrier_name=carrier,
                          url_guia_pdf=label, updated_at=now)
            event = self._add_event(record, "enviado", "Pedido enviado", now, deliveries)
            answer = {"order": copy.deepcopy(record), "event": copy.deepcopy(event),
                      "stock": {line["sku"]: self._by_sku(line["sku"])["available_quantity"]
                                for line in record["items"]}}
        answer["webhooks"] = self._deliver(deliveries)
        return json_response(200, answer)

    def _add_event(self, record: dict, status: str, description: str, now: str, deliveries: list) -> dict:
        """Append a shipment event to an order and queue order/updated + shipment_event/created; lock held."""
        order_id = record["order_id"]
        event = {"id": self._next_event, "order_id": order_id, "num_orden": record["num_orden"],
                 "canal": record["canal"], "status": status, "description": description,
                 "carrier_name": record["carrier_name"], "tracking_number": record["tracking_number"],
                 "created_at": now}
        self._next_event += 1
        self._events[order_id].append(event)
        self._queue(deliveries, "order/updated", record)
        self._queue(deliveries, "shipment_event/created", event)
        return event

    def _c_deliver(self, request: Request, key: str) -> Response:
        body = expect_object(request.json(), "Deliver body")
        if body:
            raise BadRequest(f"Unknown deliver settings: {', '.join(sorted(body))}")
        order_id = _int(key)
        deliveries: list[tuple[dict, dict]] = []
        with self._lock:
            record = self._orders.get(order_id) if order_id is not None else None
            if record is None:
                return message(404, f"Orden {key} no encontrada")
            if record["fulfillment_status"] == "pendiente":
                return message(409, f"Order {order_id} is not shipped yet")
            if record["fulfillment_status"] == "entregado":
                return message(409, f"Order {order_id} is already delivered")
            now = _now()
            record.update(fulfillment_status="entregado", updated_at=now)
            event = self._add_event(record, "entregado", "Pedido entregado", now, deliveries)
            answer = {"order": copy.deepcopy(record), "event": copy.deepcopy(event)}
        answer["webhooks"] = self._deliver(deliveries)
        return json_response(200, answer)

    def _c_set_stock(self, request: Request, key: str) -> Response:
        body = expect_object(request.json(), "Stock body")
        unknown = sorted(set(body) - {"available_quantity"})
        if unknown:
            raise BadRequest(f"Unknown stock settings: {', '.join(unknown)}")
        quantity = expect_int(body.get("available_quantity"), "available_quantity", minimum=0)
        with self._lock:
            item = self._by_sku(key)
            if item is None:
                return message(404, f"Item {key} not found")
            item["available_quantity"] = quantity
            return json_response(200, copy.deepcopy(item))

    def _c_receive(self, request: Request, key: str) -> Response:
        expect_object(request.json(), "Receive body")
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return message(404, f"Entry order {key} not found")
            if entry["status"] == "recibida":
                return message(409, f"Entry order {key} was already received")
            missing = [line["sku"] for line in entry["items"] if self._by_sku(line["sku"]) is None]
            if missing:
                return message(409, f"Items no longer registered: {', '.join(missing)}")
            for line in entry["items"]:
                self._by_sku(line["sku"])["available_quantity"] += line["cantidad"]
            entry.update(status="recibida", received_at=_now())
            return json_response(200, {"entry": copy.deepcopy(entry), "stock": {
                line["sku"]: self._by_sku(line["sku"])["available_quantity"] for line in entry["items"]}})


# -- helpers -------------------------------------------------------------------------------------------

def _now() -> str:
    return datetime.now(marketful_data.TZ).isoformat(timespec="seconds")


def _params(request: Request) -> dict:
    """Query parameters, overridden by the keys of a JSON object body."""
    params: dict[str, Any] = dict(request.query)
    body = request.json()
    if body is not None:
        if not isinstance(body, dict):
            raise BadRequest("Request body must be a JSON object")
        params.update(body)
    return params


def _nested(value: Any) -> Any:
    """A nested parameter: JSON text (as a query parameter carries it) is parsed, anything else kept."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise BadRequest(f"Parameter is not valid JSON: {exc}") from exc
    return value


def _int(value: Any) -> int | None:
    """An integer from an int or a string of digits; ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _item_errors(sent: Any, required: bool) -> list[str]:
    """Why an item (create) or an item change (update) is refused; empty when it is fine."""
    if not isinstance(sent, dict):
        return ["item must be an object"]
    errors = []
    for key in ("title", "sku"):
        if key in sent or required:
            value = sent.get(key)
            if not isinstance(value, str) or not value.strip():
                errors.append(f"{key} is required (string)")
            elif key == "sku" and not SKU.match(value.strip()):
                errors.append("sku must not contain special characters")
    if "list_price" in sent or required:
        price = _number(sent.get("list_price"))
        if price is None or price < 0:
            errors.append("list_price is required (number, at least 0)")
    for key in (*DIMENSIONS, "weight"):
        if sent.get(key) not in (None, ""):
            value = _number(sent[key])
            if value is None or value < 0:
                errors.append(f"{key} must be a number, at least 0")
    ean = sent.get("ean")
    if ean not in (None, ""):
        if isinstance(ean, int) and not isinstance(ean, bool):
            ean = str(ean)
        if not isinstance(ean, str) or not EAN.match(ean.strip()):
            errors.append("ean must be a string of 6 to 14 digits")
    return errors


def _item_values(sent: dict) -> dict:
    """The stored values of a valid item (or change): strings stripped, numbers as floats."""
    values: dict[str, Any] = {}
    for key in ("title", "sku"):
        if key in sent:
            values[key] = sent[key].strip()
    if "list_price" in sent:
        values["list_price"] = _number(sent["list_price"])
    for key in DIMENSIONS:
        source = key if key in sent else ("weight" if key == "weigth" and "weight" in sent else None)
        if source is not None:
            values[key] = None if sent[source] in (None, "") else _number(sent[source])
    if "ean" in sent:
        values["ean"] = None if sent["ean"] in (None, "") else str(sent["ean"]).strip()
    return values


def _seed_items(items: list) -> list[dict]:
    """Items given to ``/_sandbox/reset``: ``{sku, title, list_price[, ean, available_quantity, ...]}``."""
    result = []
    for position, sent in enumerate(items):
        reasons = _item_errors(sent, required=True)
        if reasons:
            raise BadRequest(f"marketful.items[{position}]: {'; '.join(reasons)}")
        quantity = _int(sent.get("available_quantity", 0))
        if quantity is None or quantity < 0:
            raise BadRequest(f"marketful.items[{position}].available_quantity must be an integer, at least 0")
        item = {"item_id": marketful_data.FIRST_ITEM_ID + position, "ean": None,
                **dict.fromkeys(DIMENSIONS), **_item_values(sent), "available_quantity": quantity}
        if any(other["sku"] == item["sku"] for other in result):
            raise BadRequest(f"marketful.items[{position}]: sku {item['sku']} repeated")
        result.append(item)
    return result


def _url_problem(url: str) -> str | None:
    """Why a webhook URL cannot be used (the seed's own example has no scheme: ``http://`` is assumed)."""
    if any(char.isspace() for char in url):
        return "url must not contain spaces"
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https"):
        return "url must use http or https"
    if not parts.hostname:
        return "url must have a host"
    return None
