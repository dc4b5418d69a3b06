"""End-to-end tests of the sandbox's X-Mart API (``/xmart``) and its control API, over HTTP."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from sandbox.__main__ import parse_args
from sandbox.server import start_in_thread

CLIENT = {"grant_type": "client_credentials", "client_id": "sandbox-xmart-client",
          "client_secret": "sandbox-xmart-secret"}
STORE_KEYS = ["storeId", "vendorId", "storeCode", "storeName", "status", "services", "schedulesByChannel",
              "taxesInfo", "contactInfo", "deliveryInfo", "locationInfo", "storeChannels"]
ORDER_KEYS = ["orderId", "orderNumber", "storeId", "channelId", "vendorId", "status", "orderType", "createdAt",
              "currency", "customer", "billing", "shippingAddress", "items", "subtotal", "deliveryFee", "discount",
              "total", "payment"]
CHANNEL = {"channelId": "CH-0001", "channel": "Pollo Dorado App", "vendorId": "BR-001",
           "channelReferenceName": "pollo-dorado-app", "additionalInfo": {"relatedLists": []}}


@pytest.fixture(scope="module")
def server():
    server, thread = start_in_thread(port=0, log_requests=False)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def base(server):
    return server.url


def reset(base, **xmart):
    response = requests.post(f"{base}/_sandbox/reset", json={"seed": 4, "xmart": xmart}, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["xmart"]


@pytest.fixture(autouse=True)
def fresh(base):
    reset(base)


def get_token(base, **changes):
    response = requests.post(f"{base}/xmart/api/transactional/token", json={**CLIENT, **changes}, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def token(base):
    return get_token(base)


def api(base, token, method, path, body=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{base}/xmart{path}", json=body, params=params, headers=headers, timeout=10)


def control(base, method, path, body=None):
    return requests.request(method, f"{base}/_sandbox/xmart{path}", json=body, timeout=10)


def place(base, **changes):
    body = {"storeId": "ST-0001", "orderType": "DELIVERY",
            "items": [{"productId": "POLLO-1/4", "quantity": 2, "unitPrice": 4.5}], **changes}
    response = control(base, "POST", "/orders", body)
    assert response.status_code == 200, response.text
    return response.json()


def product(product_id, price=5.0, **changes):
    return {"productId": product_id, "name": f"Producto {product_id}", "description": "Rico", "categoryId": "CAT-1",
            "ean": "7861234500011", "priceInfo": {"price": price, "currency": "USD"}, "taxesInfo": {"taxRate": 15},
            "stock": 10, "available": True, "schedules": [], "images": [{"url": "https://img.example/1.jpg",
                                                                          "position": 1}], **changes}


def a_list(*products, **changes):
    return {"listName": "Menú Quicentro", "vendorId": "BR-001", "ecommerceChannelId": "CH-0001", "storeId": "ST-0001",
            "categories": [{"categoryId": "CAT-1", "name": "Pollos"}], "modifierGroups": [],
            "products": list(products), **changes}


def store_body(base, **changes):
    """ST-0001 as X-Mart serves it, changed."""
    store = control(base, "GET", "/stores").json()[0]
    store.update(changes)
    return store


class Receiver:
    """A tiny HTTP server recording the webhooks it receives (body and headers), answering ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.received: list[dict] = []
        self.status = status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append({"path": self.path, "headers": dict(self.headers.items()),
                                          "body": json.loads(body)})
                self.send_response(receiver.status)
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


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


# -- reset, CLI ----------------------------------------------------------------------------------------

def test_reset_summary_and_options(base, token):
    assert reset(base) == {"brands": 2, "stores": 2, "channels": 1, "coupons": 1}
    assert control(base, "GET", "/brands").json() == {"BR-001": "Pollo Dorado", "BR-002": "Café Andino"}
    assert reset(base, brands={"BR-9": "Otra"})["brands"] == 1
    stores = control(base, "GET", "/stores").json()
    assert {store["vendorId"] for store in stores} == {"BR-9"}
    for bad in ({"nope": 1}, {"brands": {}}, {"brands": ["BR-1"]}, {"token_ttl": 0}, {"sync_delay_reads": -1},
                {"client_id": ""}):
        response = requests.post(f"{base}/_sandbox/reset", json={"xmart": bad}, timeout=5)
        assert response.status_code == 400, bad
    # a reset forgets every token
    assert api(base, token, "GET", "/api/v3/stores/ST-0001").status_code == 401


def test_cli_options(monkeypatch):
    args = parse_args([])
    assert (args.xmart_client_id, args.xmart_client_secret) == ("sandbox-xmart-client", "sandbox-xmart-secret")
    monkeypatch.setenv("SANDBOX_XMART_CLIENT_ID", "env-id")
    monkeypatch.setenv("SANDBOX_XMART_CLIENT_SECRET", "env-secret")
    args = parse_args([])
    assert (args.xmart_client_id, args.xmart_client_secret) == ("env-id", "env-secret")
    args = parse_args(["--xmart-client-id", "cli-id", "--xmart-client-secret", "cli-secret"])
    assert (args.xmart_client_id, args.xmart_client_secret) == ("cli-id", "cli-secret")


# -- token and auth ------------------------------------------------------------------------------------

def test_token(base):
    response = requests.post(f"{base}/xmart/api/transactional/token", json=CLIENT, timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert get_token(base) != body["access_token"]  # random, several active
    url = f"{base}/xmart/api/transactional/token"
    wrong = requests.post(url, json={**CLIENT, "client_secret": "nope"}, timeout=5)
    assert (wrong.status_code, wrong.json()) == (401, {"message": "invalid_client"})
    missing = requests.post(url, json={"grant_type": "client_credentials"}, timeout=5)
    assert missing.status_code == 400 and missing.json() == {
        "message": "invalid_request", "errors": ["client_id is required", "client_secret is required"]}
    grant = requests.post(url, json={**CLIENT, "grant_type": "password"}, timeout=5)
    assert grant.status_code == 400 and grant.json()["message"] == "unsupported_grant_type"
    assert requests.post(url, data=b"{nope", timeout=5).status_code == 400
    assert requests.post(url, json=[CLIENT], timeout=5).status_code == 400
    assert requests.get(url, timeout=5).status_code == 405
    reset(base, client_id="id-2", client_secret="secret-2", token_ttl=60)
    assert requests.post(url, json=CLIENT, timeout=5).status_code == 401
    response = requests.post(url, json={**CLIENT, "client_id": "id-2", "client_secret": "secret-2"}, timeout=5)
    assert response.json()["expires_in"] == 60


def test_bearer_token_required(base, token):
    path = "/api/v3/stores/ST-0001"
    for headers, text in (({}, "Missing bearer token"), ({"Authorization": token}, "Missing bearer token"),
                          ({"Authorization": "Bearer nope"}, "Invalid token")):
        response = requests.get(f"{base}/xmart{path}", headers=headers, timeout=5)
        assert (response.status_code, response.json()) == (401, {"message": text})
    assert api(base, token, "GET", path).status_code == 200
    assert api(base, None, "GET", "/api/v3/nothing").status_code == 404
    assert api(base, None, "POST", "/api/v3/stores").status_code == 405
    # repeated slashes and a trailing slash are tolerated
    assert api(base, token, "GET", "//api/v3/stores/ST-0001/").status_code == 200


def test_expire_tokens(base, token):
    other = get_token(base)
    assert control(base, "POST", "/expire-tokens").json() == {"expired": 2}
    response = api(base, token, "GET", "/api/v3/stores", vendorId="BR-001")
    assert (response.status_code, response.json()) == (401, {"message": "Token expired"})
    assert api(base, other, "GET", "/api/v3/stores", vendorId="BR-001").status_code == 401
    assert api(base, get_token(base), "GET", "/api/v3/stores", vendorId="BR-001").status_code == 200
    assert control(base, "GET", "/expire-tokens").status_code == 405


def test_token_lifetime(base, server):
    marketplace = server.app.marketplaces["xmart"]
    reset(base, token_ttl=10)
    now = [1_000_000.0]
    marketplace.clock = lambda: now[0]
    try:
        response = requests.post(f"{base}/xmart/api/transactional/token", json=CLIENT, timeout=5)
        assert response.json()["expires_in"] == 10
        token = response.json()["access_token"]
        now[0] += 9
        assert api(base, token, "GET", "/api/v3/stores/ST-0001").status_code == 200
        now[0] += 2
        assert api(base, token, "GET", "/api/v3/stores/ST-0001").json() == {"message": "Token expired"}
    finally:
        del marketplace.clock


# -- stores and channels -------------------------------------------------------------------------------

def test_stores_by_vendor_and_by_id(base, token):
    response = api(base, token, "GET", "/api/v3/stores", vendorId="BR-001")
    assert response.status_code == 200
    stores = response.json()["stores"]
    assert [store["storeId"] for store in stores] == ["ST-0001", "ST-0002"]
    for store in stores:
        assert list(store) == STORE_KEYS
        assert store["status"] == "ACTIVE" and store["storeChannels"] == ["CH-0001"]
        assert set(store["locationInfo"]) == {"cityId", "cityName", "sectorId", "address", "latitude", "longitude"}
        assert set(store["deliveryInfo"]) == {"zoneIds", "deliveryFee", "minimumOrder"}
        assert set(store["contactInfo"]) == {"phone", "email", "contactName"}
        assert store["taxesInfo"] == {"taxRate": 15, "taxIncluded": True}
        assert [entry["day"] for entry in store["schedulesByChannel"][0]["schedules"]][0] == "MONDAY"
    assert api(base, token, "GET", "/api/v3/stores", vendorId="BR-002").json() == {"stores": []}
    assert api(base, token, "GET", "/api/v3/stores", vendorId="BR-404").json() == {"stores": []}
    missing = api(base, token, "GET", "/api/v3/stores")
    assert missing.status_code == 400 and missing.json()["errors"]
    one = api(base, token, "GET", "/api/v3/stores/ST-0002")
    assert one.status_code == 200 and one.json() == stores[1]
    unknown = api(base, token, "GET", "/api/v3/stores/ST-9999")
    assert (unknown.status_code, unknown.json()) == (404, {"message": "Store ST-9999 not found"})
    assert control(base, "GET", "/channels").json() == [CHANNEL]


def test_store_status(base, token):
    response = api(base, token, "PUT", "/api/v3/stores/ST-0002/status", {"status": "INACTIVE"})
    assert response.status_code == 200
    assert response.json()["status"] == "INACTIVE" and list(response.json()) == STORE_KEYS
    assert api(base, token, "GET", "/api/v3/stores/ST-0002").json()["status"] == "INACTIVE"
    assert api(base, token, "PUT", "/api/v3/stores/ST-0002/status", {"status": "ACTIVE"}).json()["status"] == "ACTIVE"
    bad = api(base, token, "PUT", "/api/v3/stores/ST-0002/status", {"status": "PAUSED"})
    assert bad.status_code == 400 and bad.json() == {"message": "Invalid store status",
                                                     "errors": ["status must be one of ACTIVE, INACTIVE"]}
    assert api(base, token, "PUT", "/api/v3/stores/ST-0002/status", ["ACTIVE"]).status_code == 400
    assert api(base, token, "PUT", "/api/v3/stores/ST-0009/status", {"status": "ACTIVE"}).status_code == 404
    assert api(base, token, "POST", "/api/v3/stores/ST-0002/status", {"status": "ACTIVE"}).status_code == 405


def test_channels_stores_full_replace(base, token):
    api(base, token, "PUT", "/api/v3/stores/ST-0001/status", {"status": "INACTIVE"})
    kept = store_body(base, storeName="Pollo Dorado Quicentro Renovado", storeChannels=["CH-0002"],
                      schedulesByChannel=[{"channelId": "CH-0002", "schedules": [
                          {"day": "SUNDAY", "from": "09:00", "to": "13:30"}]}])
    del kept["status"]  # not sent: keeps INACTIVE
    new = {"storeId": "", "vendorId": "BR-002", "storeCode": "CA-UIO-01", "storeName": "Café Andino La Floresta",
           "services": ["PICKUP"], "storeChannels": ["CH-0002"]}
    channels = [CHANNEL, {"channelId": "CH-0002", "channel": "Café Andino Web", "vendorId": "BR-002",
                          "channelReferenceName": "cafe-web",
                          "additionalInfo": {"relatedLists": [{"listId": "LS-0001", "listName": "Cafés"}]}}]
    response = api(base, token, "POST", "/api/v3/channels-stores", {"stores": [kept, new], "channels": channels})
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "success", "stores": 2, "channels": 2,
                               "storeIds": {"QUI-01": "ST-0001", "CA-UIO-01": "ST-0003"}}
    stores = control(base, "GET", "/stores").json()
    assert [store["storeId"] for store in stores] == ["ST-0001", "ST-0003"]
    assert stores[0]["storeName"] == "Pollo Dorado Quicentro Renovado" and stores[0]["status"] == "INACTIVE"
    assert stores[1] == {"storeId": "ST-0003", **{key: value for key, value in new.items() if key != "storeId"},
                         "status": "ACTIVE"}
    assert control(base, "GET", "/channels").json() == channels
    # the store left out is deleted
    assert api(base, token, "GET", "/api/v3/stores/ST-0002").status_code == 404
    assert [store["storeId"] for store in api(base, token, "GET", "/api/v3/stores", vendorId="BR-001")
            .json()["stores"]] == ["ST-0001"]
    # again without ST-0003 and a new store without storeId: ids are never reused; channels left out go too
    response = api(base, token, "POST", "/api/v3/channels-stores", {
        "stores": [dict(new, storeCode="CA-UIO-02", storeChannels=[])], "channels": []})
    assert response.json() == {"status": "success", "stores": 1, "channels": 0, "storeIds": {"CA-UIO-02": "ST-0004"}}
    assert [store["storeId"] for store in control(base, "GET", "/stores").json()] == ["ST-0004"]
    assert control(base, "GET", "/channels").json() == []


def test_channels_stores_validation_changes_nothing(base, token):
    before = control(base, "GET", "/stores").json(), control(base, "GET", "/channels").json()
    stores = [
        {"storeCode": "", "vendorId": "BR-404", "services": ["DELIVERY", "DRIVE"],
         "schedulesByChannel": [{"channelId": "CH-9", "schedules": [{"day": "LUNES", "from": "8:00", "to": "25:00"}]}],
         "storeChannels": ["CH-9"], "status": "OPEN", "taxesInfo": {"taxRate": 150}, "storeId": "ST-0777",
         "locationInfo": {"latitude": 120}, "deliveryInfo": {"deliveryFee": -1}},
        {"storeCode": "DUP", "vendorId": "BR-001", "storeChannels": ["CH-0001"], "schedulesByChannel": [
            {"channelId": "CH-0001", "schedules": [{"day": "MONDAY", "from": "22:00", "to": "10:00"},
                                                   {"day": "TUESDAY", "from": "10:00", "to": "24:00"}]}]},
        {"storeCode": "DUP", "vendorId": "BR-001", "storeId": "ST-0001"},
        "not a store",
    ]
    channels = [{"channelId": "CH-0001", "channel": "", "vendorId": "BR-001"},
                {"channelId": "CH-0001", "channel": "Otro", "vendorId": None}]
    response = api(base, token, "POST", "/api/v3/channels-stores", {"stores": stores, "channels": channels})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "The stores and channels were not saved"
    expected = [
        "channels[0].channel is required", "channels[1].channelId CH-0001 is repeated",
        "channels[1].vendorId is required", "stores[0].storeCode is required", "stores[0].vendorId BR-404 is not",
        "stores[0].storeId ST-0777 is unknown", "stores[0].status must be one of", "stores[0].services[1] must be",
        "stores[0].schedulesByChannel[0].channelId CH-9", "schedules[0].day must be", "schedules[0].from must be",
        "schedules[0].to must be", "stores[0].taxesInfo.taxRate", "stores[0].deliveryInfo.deliveryFee",
        "stores[0].locationInfo.latitude", "stores[0].storeChannels[0] CH-9",
        "stores[1].schedulesByChannel[0].schedules[0]: from 22:00 must be earlier than to 10:00",
        "stores[2].storeCode DUP is repeated",
        "stores[3] must be an object"]
    for text in expected:
        assert any(text in error for error in body["errors"]), text
    assert len(body["errors"]) == len(expected)
    assert (control(base, "GET", "/stores").json(), control(base, "GET", "/channels").json()) == before
    for bad in ({"stores": []}, {"channels": []}, {"stores": {}, "channels": []}, []):
        response = api(base, token, "POST", "/api/v3/channels-stores", bad)
        assert response.status_code == 400 and response.json()["errors"], bad
    broken = requests.post(f"{base}/xmart/api/v3/channels-stores", data=b"{", timeout=5,
                           headers={"Authorization": f"Bearer {token}"})
    assert broken.status_code == 400 and "JSON" in broken.json()["errors"][0]
    assert (control(base, "GET", "/stores").json(), control(base, "GET", "/channels").json()) == before


# -- lists ---------------------------------------------------------------------------------------------

def test_list_create_replace_and_sync_report(base, token):
    response = api(base, token, "PUT", "/api/v3/products", {"list": a_list(product("P1"), product("P2", 7.25))})
    assert response.status_code == 200
    assert response.json() == {"listId": "LS-0001", "name": "Menú Quicentro", "active": True, "syncId": "SY-0001"}
    report = api(base, token, "GET", "/api/v3/lists/LS-0001/sync-report")
    assert report.status_code == 200
    assert report.json() == {"listId": "LS-0001", "syncId": "SY-0001", "status": "PROCESSING", "processedAt": None,
                             "total": 2, "errors": []}
    report = api(base, token, "GET", "/api/v3/lists/LS-0001/sync-report").json()
    assert report["status"] == "FINISHED" and report["errors"] == [] and report["total"] == 2
    assert datetime.fromisoformat(report["processedAt"]).tzinfo is not None
    assert api(base, token, "GET", "/api/v3/lists/LS-0001/sync-report").json() == report
    # full replace: P2 left out is removed
    response = api(base, token, "PUT", "/api/v3/products", {"list": a_list(product("P1", 6.0), listId="LS-0001",
                                                                            listName="Menú 2")})
    assert response.json() == {"listId": "LS-0001", "name": "Menú 2", "active": True, "syncId": "SY-0002"}
    [stored] = control(base, "GET", "/lists").json()
    assert stored["listId"] == "LS-0001" and stored["listName"] == "Menú 2"
    assert [item["productId"] for item in stored["products"]] == ["P1"]
    assert stored["products"][0]["priceInfo"]["price"] == 6.0 and stored["published"] == ["P1"]
    assert api(base, token, "GET", "/api/v3/lists/LS-0001/sync-report").json()["status"] == "PROCESSING"
    # a second new list gets the next id
    assert api(base, token, "PUT", "/api/v3/products", {"list": a_list(product("P9"))}).json()["listId"] == "LS-0002"


def test_list_product_problems_go_to_the_report(base, token):
    products = [product("OK1"), product(""), product("OK1"), product("NEG", -1), product("NOPRICE", priceInfo=None),
                product("CAT", categoryId="CAT-9"), product("SCHED", schedules=[{"day": "MONDAY", "from": "9",
                                                                                  "to": "18:00"}]),
                product("IMG", images=[{"url": "ftp://x", "position": 0}, {"url": "http://a.ec/1.jpg", "position": 1},
                                       {"url": "http://a.ec/2.jpg", "position": 1}]), product("EAN", ean="12AB"),
                "oops", product("OK2", stock=0, available=False, schedules=[
                    {"day": "FRIDAY", "from": "18:00", "to": "24:00"}])]
    response = api(base, token, "PUT", "/api/v3/products", {"list": a_list(*products)})
    assert response.status_code == 200
    api(base, token, "GET", "/api/v3/lists/LS-0001/sync-report")
    report = api(base, token, "GET", "/api/v3/lists/LS-0001/sync-report").json()
    assert report["status"] == "FINISHED" and report["total"] == 11
    by_product: dict[str, list[str]] = {}
    for error in report["errors"]:
        assert set(error) == {"productId", "message"}
        by_product.setdefault(error["productId"], []).append(error["message"])
    assert set(by_product) == {"", "OK1", "NEG", "NOPRICE", "CAT", "SCHED", "IMG", "EAN"}
    assert any("products[1].productId is required" in text for text in by_product[""])
    assert any("products[9] must be an object" in text for text in by_product[""])
    assert by_product["OK1"] == ["products[2].productId OK1 is repeated"]
    assert "price" in by_product["NEG"][0] and "priceInfo" in by_product["NOPRICE"][0]
    assert "CAT-9" in by_product["CAT"][0] and "from" in by_product["SCHED"][0]
    assert by_product["IMG"] == ["products[7].images[0].url must be an http(s) URL",
                                 "products[7].images[0].position must be an integer, at least 1",
                                 "products[7].images[2].position 1 is repeated"]
    assert "ean" in by_product["EAN"][0]
    [stored] = control(base, "GET", "/lists").json()
    assert len(stored["products"]) == 11 and stored["published"] == ["OK1", "OK2"]


def test_list_refusals(base, token):
    missing = api(base, token, "PUT", "/api/v3/products", {"list": a_list(product("P1"), listId="LS-0404")})
    assert (missing.status_code, missing.json()) == (404, {"message": "List LS-0404 not found"})
    for body in ({"products": []}, {"list": []}, {"list": {"listName": "x"}}, [], {"list": a_list(products={})}):
        response = api(base, token, "PUT", "/api/v3/products", body)
        assert response.status_code == 400 and response.json()["errors"], body
    refused = api(base, token, "PUT", "/api/v3/products", {"list": a_list(
        product("P1"), listName="", vendorId="BR-404", storeId="ST-0404", ecommerceChannelId="CH-0404",
        categories=[{"categoryId": "C"}, {"categoryId": "C"}, {}], modifierGroups={})})
    assert refused.status_code == 422
    assert refused.json()["message"] == "The list was not saved"
    assert len(refused.json()["errors"]) == 7
    assert control(base, "GET", "/lists").json() == []
    unknown = api(base, token, "GET", "/api/v3/lists/LS-0404/sync-report")
    assert (unknown.status_code, unknown.json()) == (404, {"message": "List LS-0404 not found"})
    assert api(base, token, "POST", "/api/v3/products", {"list": a_list()}).status_code == 405
    # an empty product list is a valid full replace
    assert api(base, token, "PUT", "/api/v3/products", {"list": a_list()}).status_code == 200


def test_malformed_urls_are_problems_not_failures(base, token):
    response = api(base, token, "PUT", "/api/v3/products", {"list": a_list(
        product("P1", images=[{"url": "http://[", "position": 1}, {"url": "https://a b/x.jpg", "position": 2}]))})
    assert response.status_code == 200
    report = control(base, "POST", "/lists/LS-0001/sync-report", {"status": "FINISHED"}).json()
    assert [error["message"] for error in report["errors"]] == [
        "products[0].images[0].url must be an http(s) URL", "products[0].images[1].url must be an http(s) URL"]
    assert control(base, "POST", "/webhook", {"url": "http://["}).status_code == 400


def test_sync_delay_reads(base, token):
    reset(base, sync_delay_reads=0)
    api(base, token := get_token(base), "PUT", "/api/v3/products", {"list": a_list(product("P1"))})
    report = api(base, token, "GET", "/api/v3/lists/LS-0001/sync-report").json()
    assert report["status"] == "FINISHED" and report["processedAt"]
    reset(base, sync_delay_reads=2)
    token = get_token(base)
    api(base, token, "PUT", "/api/v3/products", {"list": a_list(product("P1"))})
    statuses = [api(base, token, "GET", "/api/v3/lists/LS-0001/sync-report").json()["status"] for _ in range(3)]
    assert statuses == ["PROCESSING", "PROCESSING", "FINISHED"]


def test_control_sets_a_failed_sync(base, token):
    api(base, token, "PUT", "/api/v3/products", {"list": a_list(product("P1"))})
    failed = control(base, "POST", "/lists/LS-0001/sync-report",
                     {"status": "FAILED", "errors": [{"productId": "", "message": "Servicio no disponible"}]})
    assert failed.status_code == 200 and failed.json()["status"] == "FAILED"
    report = api(base, token, "GET", "/api/v3/lists/LS-0001/sync-report").json()
    assert report["status"] == "FAILED" and report["errors"][0]["message"] == "Servicio no disponible"
    assert control(base, "POST", "/lists/LS-0404/sync-report", {"status": "FAILED"}).status_code == 404
    assert control(base, "POST", "/lists/LS-0001/sync-report", {"status": "DONE"}).status_code == 400


# -- orders and the webhook ----------------------------------------------------------------------------

def test_place_order_builds_the_order_and_delivers_the_webhook(base, token, receiver):
    assert control(base, "POST", "/webhook", {"url": f"{receiver.url}/xmart/hook", "secret": "s3cr3t"}).json() == {
        "url": f"{receiver.url}/xmart/hook", "secret": "***"}
    assert control(base, "GET", "/webhook").json()["secret"] == "***"
    answer = place(base, deliveries=3, deliveryFee=3.0, discount=1.5, customer={"name": "Ana Mora"}, items=[
        {"productId": "POLLO-1/4", "name": "Cuarto de pollo", "quantity": 2, "unitPrice": 4.5,
         "modifiers": [{"name": "Papas grandes", "price": 1.25}, {"name": "Sin ensalada", "price": 0}]},
        {"productId": "COLA-500", "quantity": 1, "unitPrice": 1.1}])
    order = answer["order"]
    assert list(order) == ORDER_KEYS
    assert (order["orderId"], order["orderNumber"], order["status"]) == ("XM-10001", "10001", "New")
    assert (order["storeId"], order["channelId"], order["vendorId"]) == ("ST-0001", "CH-0001", "BR-001")
    assert order["currency"] == "USD"
    assert datetime.fromisoformat(order["createdAt"]).utcoffset().total_seconds() == -5 * 3600
    assert [item["total"] for item in order["items"]] == [11.5, 1.1]
    assert [item["itemId"] for item in order["items"]] == ["XM-10001-1", "XM-10001-2"]
    assert order["items"][1]["name"] == "Producto COLA-500" and order["items"][1]["modifiers"] == []
    assert (order["subtotal"], order["deliveryFee"], order["discount"], order["total"]) == (12.6, 3.0, 1.5, 14.1)
    assert order["payment"] == {"method": "CARD", "status": "PAID", "amount": 14.1}
    assert order["customer"]["name"] == "Ana Mora" and set(order["customer"]) == {
        "name", "documentType", "document", "email", "phone"}
    assert len(order["customer"]["document"]) == 10 and order["customer"]["phone"].startswith("09")
    assert set(order["billing"]) == {"finalConsumer", "name", "documentType", "document", "address", "email"}
    assert set(order["shippingAddress"]) == {"address", "reference", "cityId", "cityName", "sectorId", "sectorName",
                                             "latitude", "longitude"}
    assert order["shippingAddress"]["cityName"] == "Quito"
    assert answer["webhooks"] == [{"status": 200, "error": None}] * 3
    assert len(receiver.received) == 3
    for delivery in receiver.received:
        assert delivery["path"] == "/xmart/hook"
        assert delivery["body"] == {"event": "NEW_ORDER", "orderId": "XM-10001", "storeId": "ST-0001",
                                    "channelId": "CH-0001", "createdAt": order["createdAt"]}
        assert delivery["headers"]["X-Xmart-Secret"] == "s3cr3t"
        assert delivery["headers"]["Content-Type"] == "application/json"
    served = api(base, token, "GET", "/api/v3/orders/XM-10001")
    assert served.status_code == 200 and served.json() == order
    missing = api(base, token, "GET", "/api/v3/orders/XM-1")
    assert (missing.status_code, missing.json()) == (404, {"message": "Order XM-1 not found"})
    log = control(base, "GET", "/webhooks/log").json()
    assert [(entry["orderId"], entry["status"], entry["secret_sent"]) for entry in log] == [("XM-10001", 200, True)] * 3
    assert control(base, "DELETE", "/webhooks/log").json() == {"deleted": 3}
    # the next order gets the next ids
    assert place(base)["order"]["orderId"] == "XM-10002"


def test_webhook_without_secret_failures_and_redelivery(base, receiver):
    assert place(base)["webhooks"] == []  # no URL configured: nothing sent
    control(base, "POST", "/webhook", {"url": receiver.url})
    answer = place(base, orderType="PICKUP", storeId="ST-0002")
    assert answer["webhooks"] == [{"status": 200, "error": None}]
    assert not any(name.lower() == "x-xmart-secret" for name in receiver.received[0]["headers"])
    assert receiver.received[0]["body"]["storeId"] == "ST-0002"
    receiver.status = 500
    failed = control(base, "POST", f"/orders/{answer['order']['orderId']}/webhook", {"deliveries": 2}).json()
    assert [entry["status"] for entry in failed["webhooks"]] == [500, 500] and failed["webhooks"][0]["error"]
    assert len(receiver.received) == 3
    assert control(base, "POST", "/orders/XM-1/webhook").status_code == 404
    control(base, "POST", "/webhook", {"url": "http://127.0.0.1:9/closed"})
    [unreachable] = place(base)["webhooks"]
    assert unreachable["status"] is None and unreachable["error"]
    assert place(base, deliveries=0)["webhooks"] == []
    assert control(base, "POST", "/webhook", {"url": None}).json() == {"url": None, "secret": None}
    for bad in ({"url": "ftp://x"}, {"url": "nohost"}, {}, {"url": "http://x", "secret": 5}, {"url": "http://x",
                                                                                              "other": 1}):
        assert control(base, "POST", "/webhook", bad).status_code == 400, bad


def test_place_order_pickup_names_and_refusals(base, token):
    api(base, token, "PUT", "/api/v3/products", {"list": a_list(product("MENU-1", name="Combo Familiar"))})
    order = place(base, orderType="PICKUP", items=[{"productId": "MENU-1", "quantity": 1, "unitPrice": 15}])["order"]
    assert order["shippingAddress"] is None and order["deliveryFee"] == 0 and order["billing"]["address"]
    assert order["items"][0]["name"] == "Combo Familiar" and order["total"] == 15
    # an explicit shippingAddress wins, even null on a DELIVERY order (to serve a malformed order on purpose)
    assert place(base, shippingAddress=None)["order"]["shippingAddress"] is None
    address = {"address": "Calle 1", "reference": "", "cityId": "GYE", "cityName": "Guayaquil", "sectorId": "S",
               "sectorName": "Sector", "latitude": -2.1, "longitude": -79.9}
    assert place(base, shippingAddress=address)["order"]["shippingAddress"] == address
    payment = place(base, payment={"method": "CASH", "status": "PENDING"}, createdAt="2025-01-02T10:00:00-05:00")
    assert payment["order"]["payment"]["method"] == "CASH" and payment["order"]["createdAt"].startswith("2025-01-02")
    item = {"productId": "X", "quantity": 1, "unitPrice": 1}
    for bad in ({"storeId": "ST-0404"}, {"storeId": None}, {"channelId": "CH-0404"}, {"orderType": "DRIVE"},
                {"items": []}, {"items": [dict(item, quantity=0)]}, {"items": [dict(item, unitPrice=-1)]},
                {"items": [dict(item, productId="")]}, {"items": [dict(item, color="red")]}, {"discount": 100},
                {"deliveries": 11}, {"deliveries": -1}, {"surprise": 1}, {"createdAt": "2025-01-02"},
                {"items": [dict(item, modifiers=[{"price": 1}])]}, {"customer": {"name": 5}},
                {"shippingAddress": {"latitude": 100}}, {"shippingAddress": "Quito"}):
        body = {"storeId": "ST-0001", "orderType": "DELIVERY", "items": [item], **bad}
        assert control(base, "POST", "/orders", body).status_code == 400, bad
    assert len(control(base, "GET", "/orders").json()) == 4


def test_order_status(base, token):
    order_id = place(base)["order"]["orderId"]
    for status in ("Accepted", "InPreparation", "Ready", "Ready", "Dispatched", "Delivered"):
        response = api(base, token, "POST", "/api/order/status", {"order_id": order_id, "status": status})
        assert (response.status_code, response.json()) == (200, {"status": "success"})
    assert api(base, token, "GET", f"/api/v3/orders/{order_id}").json()["status"] == "Delivered"
    [view] = control(base, "GET", "/orders").json()
    assert [entry["status"] for entry in view["history"]] == ["New", "Accepted", "InPreparation", "Ready",
                                                              "Dispatched", "Delivered"]
    assert all(entry["at"] for entry in view["history"])
    late = api(base, token, "POST", "/api/order/status", {"order_id": order_id, "status": "Canceled"})
    assert late.status_code == 409 and "Delivered" in late.json()["message"]
    again = api(base, token, "POST", "/api/order/status", {"order_id": order_id, "status": "Delivered"})
    assert again.status_code == 200  # the same status again changes nothing
    other = place(base)["order"]["orderId"]
    assert api(base, token, "POST", "/api/order/status", {"order_id": other, "status": "Canceled"}).status_code == 200
    assert api(base, token, "POST", "/api/order/status", {"order_id": other, "status": "Accepted"}).status_code == 409
    bad = api(base, token, "POST", "/api/order/status", {"order_id": other, "status": "Anulada"})
    assert bad.status_code == 400 and bad.json()["errors"]
    unknown = api(base, token, "POST", "/api/order/status", {"order_id": "XM-1", "status": "Accepted"})
    assert (unknown.status_code, unknown.json()) == (404, {"message": "Order XM-1 not found"})
    assert api(base, token, "POST", "/api/order/status", {"status": "Accepted"}).status_code == 400
    assert api(base, token, "POST", "/api/order/status", {"order_id": 10001, "status": "Accepted"}).status_code == 400
    assert api(base, token, "GET", "/api/order/status").status_code == 405


def test_tracking(base, token):
    order_id = place(base)["order"]["orderId"]
    body = {"order_id": order_id, "tracking_number": "TRK-1", "carrier": "Moto propia",
            "tracking_url": "https://track.example/TRK-1"}
    response = api(base, token, "POST", "/api/order/tracking", body)
    assert (response.status_code, response.json()) == (200, {"status": "success"})
    [view] = control(base, "GET", "/orders").json()
    [tracking] = view["tracking"]
    assert {key: tracking[key] for key in ("tracking_number", "carrier", "tracking_url")} == {
        key: value for key, value in body.items() if key != "order_id"} and tracking["at"]
    assert api(base, token, "POST", "/api/order/tracking", {"order_id": order_id}).status_code == 400
    assert api(base, token, "POST", "/api/order/tracking", dict(body, carrier=3)).status_code == 400
    assert api(base, token, "POST", "/api/order/tracking", dict(body, order_id="XM-1")).status_code == 404


def test_transfer(base, token):
    order = place(base)["order"]
    address = dict(order["shippingAddress"], address="Av. 9 de Octubre 100", cityId="GYE", cityName="Guayaquil")
    body = {"order": order["orderId"], "from_store": "ST-0001", "to_store": "ST-0002", "processed_by": "ana@pd.ec",
            "transfer_reason": "Sin stock de pollo", "shipping_address": address}
    response = api(base, token, "PUT", "/api/order/transfer", body)
    assert response.status_code == 200
    moved = response.json()
    assert moved["status"] == "success" and list(moved["order"]) == ORDER_KEYS
    assert moved["order"]["storeId"] == "ST-0002" and moved["order"]["shippingAddress"] == address
    assert api(base, token, "GET", f"/api/v3/orders/{order['orderId']}").json() == moved["order"]
    # the same transfer sent again (a retry) answers the order and records nothing more
    assert api(base, token, "PUT", "/api/order/transfer", body).json() == moved
    [record] = control(base, "GET", f"/orders/{order['orderId']}").json()["transfers"]
    assert (record["from_store"], record["to_store"], record["processed_by"], record["transfer_reason"]) == (
        "ST-0001", "ST-0002", "ana@pd.ec", "Sin stock de pollo")
    wrong = api(base, token, "PUT", "/api/order/transfer", dict(body, from_store="ST-0002", to_store="ST-0001",
                                                                shipping_address=None))
    assert wrong.status_code == 200 and wrong.json()["order"]["shippingAddress"] == address  # null: unchanged
    fresh = place(base)["order"]["orderId"]  # in ST-0001, never transferred
    mismatch = api(base, token, "PUT", "/api/order/transfer", dict(body, order=fresh, from_store="ST-0002",
                                                                   to_store="ST-0001"))
    assert mismatch.status_code == 409 and "ST-0001" in mismatch.json()["message"]
    assert api(base, token, "PUT", "/api/order/transfer", dict(body, order="XM-1")).status_code == 404
    assert api(base, token, "PUT", "/api/order/transfer", dict(body, to_store="ST-0404")).status_code == 404
    for bad in ({"processed_by": None}, {"transfer_reason": 5}, {"order": ""},
                {"to_store": "ST-0001", "from_store": "ST-0001"}, {"shipping_address": "Quito"}):
        assert api(base, token, "PUT", "/api/order/transfer", dict(body, **bad)).status_code == 400, bad
    anonymous = api(base, token, "PUT", "/api/order/transfer", dict(body, order=fresh, processed_by="",
                                                                    transfer_reason="", shipping_address=None))
    assert anonymous.status_code == 200 and anonymous.json()["order"]["storeId"] == "ST-0002"
    api(base, token, "POST", "/api/order/status", {"order_id": order["orderId"], "status": "Dispatched"})
    back = dict(body, from_store="ST-0001", to_store="ST-0002")
    done = api(base, token, "PUT", "/api/order/transfer", back)
    assert done.status_code == 409 and "Dispatched" in done.json()["message"]
    assert api(base, token, "POST", "/api/order/transfer", body).status_code == 405


def test_pickup_dispatched(base, token):
    pickup = place(base, orderType="PICKUP")["order"]["orderId"]
    delivery = place(base)["order"]["orderId"]
    response = api(base, token, "POST", "/api/order/pickup/dispatched", {"order_id": pickup})
    assert (response.status_code, response.json()) == (200, {"status": "success"})
    assert api(base, token, "GET", f"/api/v3/orders/{pickup}").json()["status"] == "Dispatched"
    assert control(base, "GET", f"/orders/{pickup}").json()["history"][-1]["status"] == "Dispatched"
    again = api(base, token, "POST", "/api/order/pickup/dispatched", {"order_id": pickup})
    assert again.status_code == 409 and "already dispatched" in again.json()["message"]
    not_pickup = api(base, token, "POST", "/api/order/pickup/dispatched", {"order_id": delivery})
    assert not_pickup.status_code == 409 and "PICKUP" in not_pickup.json()["message"]
    assert api(base, token, "POST", "/api/order/pickup/dispatched", {"order_id": "XM-1"}).status_code == 404
    assert api(base, token, "POST", "/api/order/pickup/dispatched", {}).status_code == 400


def test_coupons(base, token):
    order_id = place(base)["order"]["orderId"]
    body = {"uid": "user-1", "promotion_code": "BIENVENIDA10", "order_id": order_id}
    response = api(base, token, "POST", "/api/coupons/redeem", body)
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"status", "couponId", "discount", "redeemedAt"}
    assert (answer["status"], answer["couponId"], answer["discount"]) == ("success", "CP-0001", 10.0)
    again = api(base, token, "POST", "/api/coupons/redeem", body)
    assert again.status_code == 409 and again.json()["message"]
    assert api(base, token, "POST", "/api/coupons/redeem", dict(body, uid="user-2")).status_code == 200
    unknown = api(base, token, "POST", "/api/coupons/redeem", dict(body, promotion_code="NOPE"))
    assert (unknown.status_code, unknown.json()) == (404, {"message": "Coupon NOPE not found"})
    assert api(base, token, "POST", "/api/coupons/redeem", dict(body, uid="user-3", order_id="XM-1")).status_code == 404
    assert api(base, token, "POST", "/api/coupons/redeem", {"uid": "u"}).status_code == 400
    coupon = control(base, "POST", "/coupons", {"code": "VIP5", "discount": 5, "uids": ["vip-1"]}).json()
    assert coupon == {"couponId": "CP-0002", "code": "VIP5", "discount": 5.0, "uids": ["vip-1"], "redemptions": []}
    vip = dict(body, promotion_code="VIP5")
    assert api(base, token, "POST", "/api/coupons/redeem", dict(vip, uid="user-1")).status_code == 404
    assert api(base, token, "POST", "/api/coupons/redeem", dict(vip, uid="vip-1")).json()["couponId"] == "CP-0002"
    [view] = control(base, "GET", "/orders").json()
    assert [(entry["code"], entry["uid"]) for entry in view["coupons"]] == [
        ("BIENVENIDA10", "user-1"), ("BIENVENIDA10", "user-2"), ("VIP5", "vip-1")]
    coupons = control(base, "GET", "/coupons").json()
    assert [len(entry["redemptions"]) for entry in coupons] == [2, 1]
    for bad in ({"code": "", "discount": 1}, {"code": "X"}, {"code": "X", "discount": 1, "uids": "a"},
                {"code": "X", "discount": 1, "max": 1}):
        assert control(base, "POST", "/coupons", bad).status_code == 400, bad


def test_payment(base, token):
    order = place(base)["order"]
    response = api(base, token, "GET", f"/api/order/{order['orderId']}/payment")
    assert response.status_code == 200
    assert response.json() == {"order_id": order["orderId"], "method": "CARD", "status": "PAID",
                               "amount": order["total"], "currency": "USD", "paidAt": order["createdAt"],
                               "transactions": [{"id": "TX-10001", "type": "CHARGE", "amount": order["total"],
                                                 "status": "APPROVED"}]}
    pending = place(base, payment={"status": "PENDING", "method": "CASH"})["order"]["orderId"]
    body = api(base, token, "GET", f"/api/order/{pending}/payment").json()
    assert (body["status"], body["paidAt"], body["transactions"]) == ("PENDING", None, [])
    unknown = api(base, token, "GET", "/api/order/XM-1/payment")
    assert (unknown.status_code, unknown.json()) == (404, {"message": "Order XM-1 not found"})


# -- faults, request log, control errors ----------------------------------------------------------------

def test_faults_and_request_log_apply_to_xmart(base, token):
    order_id = place(base)["order"]["orderId"]
    requests.delete(f"{base}/_sandbox/requests", timeout=5)
    faults = requests.post(f"{base}/_sandbox/faults", json={"fail_next": ["500", "429", "answer_then_drop"],
                                                            "retry_after": 3}, timeout=5)
    assert faults.status_code == 200
    failed = api(base, token, "GET", "/api/v3/stores/ST-0001")
    assert (failed.status_code, failed.json()) == (500, {"message": "Internal Server Error"})
    limited = api(base, token, "GET", "/api/v3/stores/ST-0001")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    with pytest.raises(requests.ConnectionError):
        api(base, token, "POST", "/api/order/status", {"order_id": order_id, "status": "Accepted"})
    assert api(base, token, "GET", f"/api/v3/orders/{order_id}").json()["status"] == "Accepted"  # it happened
    log = requests.get(f"{base}/_sandbox/requests", timeout=5).json()
    assert [(entry["path"], entry["status"], entry["authorized"]) for entry in log] == [
        ("/xmart/api/v3/stores/ST-0001", 500, True), ("/xmart/api/v3/stores/ST-0001", 429, True),
        ("/xmart/api/order/status", "answer_then_drop", True), (f"/xmart/api/v3/orders/{order_id}", 200, True)]
    assert log[2]["body"] == {"order_id": order_id, "status": "Accepted"}
    assert api(base, "nope", "GET", "/api/v3/stores/ST-0001").status_code == 401
    assert requests.get(f"{base}/_sandbox/requests", timeout=5).json()[-1]["authorized"] is False


def test_control_routes(base):
    assert control(base, "GET", "/nothing").status_code == 404
    assert control(base, "DELETE", "/stores").status_code == 405
    assert control(base, "PUT", "/orders").status_code == 405
    assert control(base, "GET", "/orders/XM-1").status_code == 404
    assert control(base, "GET", "/lists").json() == []
    assert control(base, "GET", "/webhooks/log").json() == []
    assert [coupon["code"] for coupon in control(base, "GET", "/coupons").json()] == ["BIENVENIDA10"]
    assert control(base, "POST", "/orders", [1]).status_code == 400


def test_the_request_log_never_keeps_a_client_secret():
    from sandbox.faults import RequestLog

    log = RequestLog()
    log.add("POST", "/xmart/api/transactional/token", {}, 200, True,
            {"grant_type": "client_credentials", "client_id": "c", "client_secret": "s3cr3t"})
    log.add("POST", "/xstak/v1/admin/service-account/token", {}, 200, True,
            {"clientId": "c", "clientSecret": "s3cr3t", "nested": [{"password": "p"}]})
    assert "s3cr3t" not in str(log.entries()) and "'p'" not in str(log.entries())
    assert log.entries()[0]["body"]["client_id"] == "c"
