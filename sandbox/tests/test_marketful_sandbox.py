"""End-to-end tests of the sandbox's Marketful fulfillment API and its control API, over HTTP."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from sandbox.server import start_in_thread

AUTH = {"Authorization": "sandbox-marketful-token", "User": "sandbox-user"}
ITEMS = [{"sku": "SKU1", "title": "Uno", "list_price": 10, "ean": "7500000000017", "available_quantity": 10},
         {"sku": "SKU2", "title": "Dos", "list_price": 20.5, "available_quantity": 3}]
CONTACT = {"num_orden": "#1203", "orden_id": "1203", "customer": "Ana López", "carrier_name": "Fedex",
           "telefono": "5512345678", "calle": "Av. Reforma", "no_exterior": "222", "colonia": "Juárez",
           "ciudad": "Ciudad de México", "Estado": "MX-DF", "codigo_postal": "06600", "canal": "Shopify",
           "tipo_envio": "económico"}


@pytest.fixture(scope="module")
def base():
    server, thread = start_in_thread(port=0, log_requests=False)
    yield server.url
    server.shutdown()
    server.server_close()
    thread.join(5)


def reset(base, **marketful):
    response = requests.post(f"{base}/_sandbox/reset", json={"seed": 4, "marketful": marketful}, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["marketful"]


@pytest.fixture(autouse=True)
def fresh(base):
    reset(base, items=ITEMS)


def api(base, method, path, body=None, headers=AUTH, **params):
    return requests.request(method, f"{base}/marketful{path}", json=body, params=params, headers=headers, timeout=10)


def control(base, method, path, body=None):
    return requests.request(method, f"{base}/_sandbox/marketful{path}", json=body, timeout=10)


def stock(base, sku):
    return api(base, "GET", "/items/get_stock", sku=sku).json()["available_quantity"]


def create_order(base, **changes):
    order = {"contact_info": {**CONTACT, **changes}, "items": [{"sku": "SKU1", "cantidad": 2}]}
    return api(base, "POST", "/shopi_orders/multicanal_api", {"order": order})


class Receiver:
    """A tiny HTTP server recording the webhooks it receives."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append({"path": self.path, "body": json.loads(body)})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# -- reset, auth ---------------------------------------------------------------------------------------

def test_reset_summary_and_default_catalog(base):
    assert reset(base) == {"items": 5, "user": "sandbox-user"}
    first = control(base, "GET", "/items").json()
    reset(base)
    assert control(base, "GET", "/items").json() == first
    assert {item["sku"] for item in first} >= {"PRO20PRO", "PRO10PRO"}
    assert requests.post(f"{base}/_sandbox/reset", json={"marketful": {"nope": 1}}, timeout=5).status_code == 400
    assert requests.post(f"{base}/_sandbox/reset", json={"marketful": {"items": [{"sku": "a b"}]}},
                         timeout=5).status_code == 400


def test_auth_missing_wrong_and_changed(base):
    for headers in ({}, {"Authorization": AUTH["Authorization"]}, {"User": "sandbox-user"}):
        response = api(base, "GET", "/items/get_stock", headers=headers, sku="SKU1")
        assert (response.status_code, response.json()) == (404, {"message": "Invalid Authorization"})
        response = api(base, "GET", "/shopi_orders/get_orders", headers=headers, canal="x", orden="1")
        assert (response.status_code, response.json()) == (404, {"message": "Invalid Token"})
    wrong = {"Authorization": "bad", "User": "sandbox-user"}
    unknown = {**AUTH, "User": "someone"}
    cases = [("GET", "/items/get_stock", 403, "User Not Found"), ("GET", "/items/get_stock_ean", 403, "User Not Found"),
             ("POST", "/items/create_item", 403, "User Not Found"), ("POST", "/entradas/nueva_entrada_api", 400,
                                                                     "User Not Found"),
             ("GET", "/shipment_events/get_events", 404, "User Not Found"),
             ("GET", "/webhooks/consultar", 404, "User Not Found"),
             ("GET", "/shopi_orders/get_orders", 403, "Seller not found")]
    for method, path, status, text in cases:
        for headers in (wrong, unknown):
            response = api(base, method, path, headers=headers)
            assert (response.status_code, response.json()) == (status, {"message": text}), path
    reset(base, token="tok", user="42")
    assert api(base, "GET", "/webhooks/consultar").status_code == 404
    assert api(base, "GET", "/webhooks/consultar", headers={"Authorization": "tok", "User": "42"}).status_code == 200


def test_unknown_path_method_and_bad_json(base):
    assert api(base, "GET", "/nothing").status_code == 404
    assert api(base, "GET", "/items/create_item").status_code == 405
    response = requests.post(f"{base}/marketful/items/create_item", data=b"{nope", headers=AUTH, timeout=5)
    assert response.status_code == 400 and "JSON" in response.json()["message"]
    response = requests.post(f"{base}/marketful/items/create_item", json=[1], headers=AUTH, timeout=5)
    assert response.status_code == 400 and response.json()["message"]


# -- items ---------------------------------------------------------------------------------------------

def test_create_items_all_partial_none_missing(base):
    response = api(base, "POST", "/items/create_item", {"items": [{"title": "Tres", "list_price": 5, "sku": "SKU3",
                                                                  "ean": "750111", "weigth": 1.5}]})
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Success" and body["description"] == "All Items are now registered"
    saved = body["items_saved"][0]
    assert saved["sku"] == "SKU3" and isinstance(saved["item_id"], int) and saved["available_quantity"] == 0
    response = api(base, "POST", "/items/create_item", {"items": [
        {"title": "Cuatro", "list_price": 1, "sku": "SKU4"}, {"title": "", "list_price": 1, "sku": "SKU5"},
        {"title": "Dup", "list_price": 1, "sku": "SKU1"}, {"title": "Bad", "list_price": "x", "sku": "S$"}]})
    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "The following Items could not be saved"
    assert [item["sku"] for item in body["items_saved"]] == ["SKU4"]
    assert [error["index"] for error in body["items_errors"]] == [1, 2, 3]
    assert all(error["errors"] for error in body["items_errors"])
    response = api(base, "POST", "/items/create_item", {"items": [{"sku": "SKU9"}]})
    assert response.status_code == 401 and response.json()["message"] == "Incomplete data"
    assert api(base, "GET", "/items/get_stock", sku="SKU9").status_code == 402
    for body in ({}, {"items": []}, None):
        response = api(base, "POST", "/items/create_item", body)
        assert (response.status_code, response.json()) == (402, {"message": "Parameter 'items' must be present"})


def test_create_items_as_query_parameter(base):
    items = json.dumps([{"title": "Q", "list_price": "12.5", "sku": "QSKU"}])
    response = api(base, "POST", "/items/create_item", items=items)
    assert response.status_code == 200 and response.json()["items_saved"][0]["list_price"] == 12.5


def test_update_and_delete_item(base):
    item_id = api(base, "GET", "/items/get_stock", sku="SKU2").json()["item_id"]
    response = api(base, "POST", "/items/update_item", {"item_id": item_id, "title": "Pluma Roja", "list_price": 355,
                                                       "sku": "PLR-12"})
    assert response.status_code == 200
    assert response.json()["items_update"]["title"] == "Pluma Roja"
    assert api(base, "GET", "/items/get_stock", sku="PLR-12").json()["available_quantity"] == 3
    assert api(base, "POST", "/items/update_item", {"item_id": str(item_id)}).status_code == 200
    assert api(base, "POST", "/items/update_item", {"item_id": item_id, "sku": "SKU1"}).status_code == 405
    assert api(base, "POST", "/items/update_item", {"item_id": item_id, "list_price": "x"}).json() \
        ["message"] == "Item could not be updated"
    assert api(base, "POST", "/items/update_item", {"item_id": 1}).json() == {"message": "Item not found"}
    assert api(base, "POST", "/items/update_item", {}).status_code == 402
    response = api(base, "POST", "/items/delete_item", item_id=str(item_id))
    assert response.json() == {"message": "Success", "description": f"Item {item_id} deleted"}
    assert api(base, "POST", "/items/delete_item", {"item_id": item_id}).status_code == 401
    assert api(base, "POST", "/items/delete_item", {}).json() == {"message": "item_id must be present"}


def test_get_stock_and_ean(base):
    body = api(base, "GET", "/items/get_stock", sku="SKU1").json()
    assert body["message"] == "Success" and body["sku"] == "SKU1" and body["available_quantity"] == 10
    missing = api(base, "GET", "/items/get_stock", sku="NOPE")
    assert (missing.status_code, missing.json()) == (402, {"message": "Item NOPE not found"})
    assert api(base, "GET", "/items/get_stock").json() == {"message": "SKU must be present"}
    body = api(base, "GET", "/items/get_stock_ean", ean="7500000000017").json()
    assert body["available_quantity"] == 10 and body["ean"] == "7500000000017" and "item_id" in body
    missing = api(base, "GET", "/items/get_stock_ean", ean="07852236842")
    assert (missing.status_code, missing.json()) == (401, {"message": "Item con EAN '07852236842' no encontrado"})
    assert api(base, "GET", "/items/get_stock_ean").status_code == 402


# -- orders --------------------------------------------------------------------------------------------

def test_order_create_get_and_duplicate(base):
    response = create_order(base)
    assert response.status_code == 200, response.text
    order = response.json()["order"]
    assert order["fulfillment_status"] == "pendiente" and order["asegurado"] is False
    found = api(base, "GET", "/shopi_orders/get_orders", canal="Shopify", orden="#1203")
    assert found.status_code == 200 and found.json()["orden"]["order_id"] == order["order_id"]
    again = create_order(base, customer="Otro")
    assert again.status_code == 409 and again.json()["order_id"] == order["order_id"]
    assert len(control(base, "GET", "/orders").json()) == 1
    assert create_order(base, canal="Amazon").status_code == 200  # same number, another channel
    missing = api(base, "GET", "/shopi_orders/get_orders", canal="Shopify", orden="#9")
    assert (missing.status_code, missing.json()) == (404, {"message": "Orden no encontrada"})
    response = api(base, "GET", "/shopi_orders/get_orders", canal="Shopify")
    assert response.json() == {"message": "Canal y numero de orden deben existir"}


def test_order_validation(base):
    response = create_order(base, carrier_name="Correos", Estado="AG", tipo_envio="rapido", telefono="",
                            asegurado="maybe")
    assert response.status_code == 400
    errors = " ".join(response.json()["errors"])
    for word in ("carrier_name", "Estado", "tipo_envio", "telefono", "asegurado"):
        assert word in errors
    order = {"contact_info": CONTACT, "items": [{"sku": "NOPE", "cantidad": 0}]}
    response = api(base, "POST", "/shopi_orders/multicanal_api", {"order": order})
    assert response.status_code == 400 and len(response.json()["errors"]) == 2
    assert api(base, "POST", "/shopi_orders/multicanal_api", {}).status_code == 402
    assert api(base, "POST", "/shopi_orders/multicanal_api", {"order": [1]}).status_code == 400
    # the public page's spellings are accepted too
    response = create_order(base, Estado="MX - AG", tipo_envio="economico", carrier_name="will_call",
                            asegurado=True)
    assert response.status_code == 200
    assert (response.json()["order"]["Estado"], response.json()["order"]["carrier_name"]) == ("MX-AG", "Will_Call")


@pytest.mark.parametrize("state", ["MX-CMX", "MX-AGU", "MX-XX", "AG", "mx-ag", "MX-"])
def test_order_state_must_be_a_two_letter_code_of_the_seed_list(base, state):
    response = create_order(base, Estado=state)
    assert response.status_code == 400 and "Estado" in " ".join(response.json()["errors"])
    assert control(base, "GET", "/orders").json() == []


def test_ship_lowers_stock_and_adds_event(base):
    order_id = create_order(base).json()["order"]["order_id"]
    events = api(base, "GET", "/shipment_events/get_events", order_id=order_id).json()
    assert events["orden"]["events"] == []
    response = control(base, "POST", f"/orders/{order_id}/ship", {"tracking": "TRK1", "carrier": "DHL"})
    assert response.status_code == 200, response.text
    assert response.json()["stock"] == {"SKU1": 8}
    assert stock(base, "SKU1") == 8
    order = api(base, "GET", "/shopi_orders/get_orders", canal="Shopify", orden="#1203").json()["orden"]
    assert (order["fulfillment_status"], order["tracking_number"], order["carrier_name"]) == ("enviado", "TRK1", "DHL")
    assert order["url_guia_pdf"]
    body = api(base, "GET", "/shipment_events/get_events", order_id=str(order_id)).json()
    assert body["message"] == "Success"
    [event] = body["orden"]["events"]
    assert event["status"] == "enviado" and event["tracking_number"] == "TRK1"
    assert control(base, "POST", f"/orders/{order_id}/ship").status_code == 409
    assert control(base, "POST", "/orders/1/ship").status_code == 404
    assert control(base, "POST", f"/orders/{order_id}/ship", {"tracking": 5}).status_code == 400
    missing = api(base, "GET", "/shipment_events/get_events", order_id=1)
    assert (missing.status_code, missing.json()) == (404, {"message": "Orden no encontrada"})
    assert api(base, "GET", "/shipment_events/get_events", order_id="x").json() == \
        {"message": "order_id must be present"}


def test_deliver_after_ship_adds_event_and_sends_webhooks(base):
    receiver = Receiver()
    try:
        order_id = create_order(base).json()["order"]["order_id"]
        not_shipped = control(base, "POST", f"/orders/{order_id}/deliver")
        assert (not_shipped.status_code, not_shipped.json()["message"]) == (409, f"Order {order_id} is not shipped yet")
        for kind in ("order/updated", "shipment_event/created"):
            assert api(base, "POST", "/webhooks/crear", {"url": receiver.url, "tipo": kind}).status_code == 200
        control(base, "POST", f"/orders/{order_id}/ship", {"tracking": "TRK7", "carrier": "DHL"})
        del receiver.received[:]
        response = control(base, "POST", f"/orders/{order_id}/deliver")
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["order"]["fulfillment_status"] == "entregado"
        event = answer["event"]
        assert {key: event[key] for key in event if key not in ("id", "created_at")} == {
            "order_id": order_id, "num_orden": "#1203", "canal": "Shopify", "status": "entregado",
            "description": "Pedido entregado", "carrier_name": "DHL", "tracking_number": "TRK7"}
        assert [hook["status"] for hook in answer["webhooks"]] == [200, 200]
        assert [item["body"]["tipo"] for item in receiver.received] == ["order/updated", "shipment_event/created"]
        assert receiver.received[0]["body"]["data"]["fulfillment_status"] == "entregado"
        assert receiver.received[1]["body"]["data"] == event
    finally:
        receiver.close()
    order = api(base, "GET", "/shopi_orders/get_orders", canal="Shopify", orden="#1203").json()["orden"]
    assert order["fulfillment_status"] == "entregado" and order["tracking_number"] == "TRK7"
    events = api(base, "GET", "/shipment_events/get_events", order_id=order_id).json()["orden"]["events"]
    assert [(item["status"], item["description"]) for item in events] == [
        ("enviado", "Pedido enviado"), ("entregado", "Pedido entregado")]
    again = control(base, "POST", f"/orders/{order_id}/deliver")
    assert (again.status_code, again.json()) == (409, {"message": f"Order {order_id} is already delivered"})
    shipped = control(base, "POST", f"/orders/{order_id}/ship")
    assert (shipped.status_code, shipped.json()["message"]) == (409, f"Order {order_id} is already delivered")
    assert control(base, "POST", "/orders/1/deliver").status_code == 404
    assert control(base, "POST", f"/orders/{order_id}/deliver", {"when": "now"}).status_code == 400
    assert control(base, "GET", f"/orders/{order_id}/deliver").status_code == 405


def test_set_stock(base):
    response = control(base, "POST", "/items/SKU2/stock", {"available_quantity": 40})
    assert response.status_code == 200, response.text
    assert (response.json()["sku"], response.json()["available_quantity"]) == ("SKU2", 40)
    assert stock(base, "SKU2") == 40
    assert api(base, "GET", "/items/get_stock_ean", ean="7500000000017").json()["available_quantity"] == 10
    assert control(base, "POST", "/items/SKU1/stock", {"available_quantity": 0}).json()["available_quantity"] == 0
    assert stock(base, "SKU1") == 0
    missing = control(base, "POST", "/items/NOPE/stock", {"available_quantity": 1})
    assert (missing.status_code, missing.json()) == (404, {"message": "Item NOPE not found"})
    for body in ({}, {"available_quantity": -1}, {"available_quantity": 1.5}, {"available_quantity": "3"},
                 {"available_quantity": 1, "sku": "x"}, [1]):
        assert control(base, "POST", "/items/SKU2/stock", body).status_code == 400, body
    assert stock(base, "SKU2") == 40


def test_ship_refuses_without_stock(base):
    order = {"contact_info": CONTACT, "items": [{"sku": "SKU2", "cantidad": 5}]}
    order_id = api(base, "POST", "/shopi_orders/multicanal_api", {"order": order}).json()["order"]["order_id"]
    response = control(base, "POST", f"/orders/{order_id}/ship")
    assert response.status_code == 409 and "SKU2" in response.json()["message"]
    assert stock(base, "SKU2") == 3


# -- entry orders --------------------------------------------------------------------------------------

def test_entry_order_and_receive(base):
    response = api(base, "POST", "/entradas/nueva_entrada_api", {"entry_order": {"SKU1": "5", "SKU2": 50}})
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Success" and body["description"] == "Order created successfully"
    token = body["order_token"]
    assert stock(base, "SKU2") == 3  # not yet arrived
    assert control(base, "GET", "/entries").json()[0]["status"] == "pendiente"
    received = control(base, "POST", f"/entries/{token}/receive")
    assert received.status_code == 200 and received.json()["stock"] == {"SKU1": 15, "SKU2": 53}
    assert stock(base, "SKU1") == 15
    assert control(base, "POST", f"/entries/{token}/receive").status_code == 409
    assert control(base, "POST", "/entries/nope/receive").status_code == 404


def test_entry_order_errors(base):
    response = api(base, "POST", "/entradas/nueva_entrada_api", {"entry_order": {"SKU1": 2, "NOPE": 1, "SKU2": 0}})
    assert response.status_code == 401 and response.json()["items"] == ["NOPE", "SKU2"]
    assert control(base, "GET", "/entries").json() == []
    response = api(base, "POST", "/entradas/nueva_entrada_api", {})
    assert (response.status_code, response.json()) == (403, {"message": "Parameter 'entry_order' must be present"})
    response = api(base, "POST", "/entradas/nueva_entrada_api", {"entry_order": None})
    assert (response.status_code, response.json()) == (402, {"message": "entry_order is null"})
    assert api(base, "POST", "/entradas/nueva_entrada_api", {"entry_order": []}).status_code == 402
    assert api(base, "POST", "/entradas/nueva_entrada_api", {"entry_order": [1]}).status_code == 400
    assert api(base, "POST", "/entradas/nueva_entrada_api", {"entry_order": "x"}).status_code == 400
    query = api(base, "POST", "/entradas/nueva_entrada_api", entry_order=json.dumps({"SKU1": 1}))
    assert query.status_code == 200


# -- webhooks ------------------------------------------------------------------------------------------

def test_webhooks_crud(base):
    create = api(base, "POST", "/webhooks/crear", {"url": "www.example.com/notificaciones", "tipo": "order/created"})
    assert create.status_code == 200
    hook = create.json()["webhook"]
    assert hook["tipo"] == "order/created" and hook["url"] == "www.example.com/notificaciones"
    same = api(base, "POST", "/webhooks/crear", {"url": "www.example.com/notificaciones", "tipo": "order/created"})
    assert same.json()["webhook"]["id"] == hook["id"]
    other = api(base, "POST", "/webhooks/crear", {"url": "www.example.com/otra", "tipo": "order/created"})
    assert (other.status_code, other.json()) == (404, {"message": "Ya existe un Webhook para order/created"})
    bad = api(base, "POST", "/webhooks/crear", url="x.com", tipo="orders/CRATED")
    assert bad.json() == {"message": "Webhook orders/CRATED desconocido/invalido"}
    incomplete = api(base, "POST", "/webhooks/crear", {"url": "x.com"})
    assert incomplete.json() == {"message": "Parametros incompletos (url y tipo deben estar presentes"}
    error = api(base, "POST", "/webhooks/crear", {"url": "ftp://x.com", "tipo": "order/updated"})
    assert error.status_code == 404 and error.json()["message"] == "Error al crear Webhook" and error.json()["error"]
    listed = api(base, "GET", "/webhooks/consultar").json()
    assert listed["message"] == "Success" and [item["id"] for item in listed["webhooks"]] == [hook["id"]]
    assert api(base, "POST", "/webhooks/eliminar", {"webhook_id": str(hook["id"])}).json() == {"message": "Success"}
    gone = api(base, "POST", "/webhooks/eliminar", {"webhook_id": hook["id"]})
    assert (gone.status_code, gone.json()) == (404, {"message": f"Webhook {hook['id']} no encontrado"})
    assert api(base, "POST", "/webhooks/eliminar", {"webhook_id": "abc"}).json() == {
        "message": "Parametro webhook_id no esta presente o esta en un formato invalido"}
    assert api(base, "GET", "/webhooks/consultar").json()["webhooks"] == []


def test_webhooks_are_delivered(base):
    receiver = Receiver()
    try:
        for kind in ("order/created", "order/updated", "shipment_event/created"):
            response = api(base, "POST", "/webhooks/crear", {"url": f"{receiver.url}/hook", "tipo": kind})
            assert response.status_code == 200
        order_id = create_order(base).json()["order"]["order_id"]
        assert [item["body"]["tipo"] for item in receiver.received] == ["order/created"]
        created = receiver.received[0]
        assert created["path"] == "/hook" and created["body"]["data"]["order_id"] == order_id
        assert created["body"]["user"] == "sandbox-user"
        shipped = control(base, "POST", f"/orders/{order_id}/ship", {"tracking": "T9"}).json()
        assert [item["status"] for item in shipped["webhooks"]] == [200, 200]
        kinds = [item["body"]["tipo"] for item in receiver.received]
        assert kinds == ["order/created", "order/updated", "shipment_event/created"]
        assert receiver.received[1]["body"]["data"]["fulfillment_status"] == "enviado"
        assert receiver.received[2]["body"]["data"]["tracking_number"] == "T9"
        log = control(base, "GET", "/webhooks/log").json()
        assert [(entry["tipo"], entry["status"]) for entry in log] == [
            ("order/created", 200), ("order/updated", 200), ("shipment_event/created", 200)]
        assert control(base, "DELETE", "/webhooks/log").json() == {"deleted": 3}
    finally:
        receiver.close()
    # an unreachable receiver is logged, the order is still created
    create_order(base, num_orden="#2")
    [entry] = control(base, "GET", "/webhooks/log").json()
    assert entry["status"] is None and entry["error"]


def test_control_errors(base):
    assert control(base, "GET", "/nothing").status_code == 404
    assert control(base, "DELETE", "/items").status_code == 405
    assert control(base, "GET", "/orders/1/ship").status_code == 405
