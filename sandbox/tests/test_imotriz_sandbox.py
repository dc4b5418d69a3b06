"""End-to-end tests of the sandbox's iMotriz transactions API and its control API, over HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests

from sandbox.server import start_in_thread

TOKEN = "sandbox-imotriz-token"
AUTH = {"Authorization": TOKEN, "Content-Type": "application/json"}
NOW = "2026-03-10T12:00:00-05:00"
API = "/imotriz/api/cart/transaction"


@pytest.fixture(scope="module")
def base():
    server, thread = start_in_thread(log_requests=False)
    yield server.url
    server.shutdown()
    server.server_close()
    thread.join(5)


def reset(base, seed=5, **imotriz):
    body = {"seed": seed, "imotriz": {"now": NOW, **imotriz}}
    response = requests.post(f"{base}/_sandbox/reset", json=body, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["imotriz"]


@pytest.fixture(autouse=True)
def fresh(base):
    reset(base)


def get(base, path, headers=AUTH):
    return requests.get(f"{base}{API}{path}", headers=headers, timeout=5)


def control(base, method, path, body=None):
    return requests.request(method, f"{base}/_sandbox/imotriz{path}", json=body, timeout=5)


def new_orders(base):
    response = get(base, "/newOrders")
    assert response.status_code == 200, response.text
    return response.json()


def test_95_orders_come_out_exactly_once_in_four_calls(base):
    assert reset(base, orders=95) == {"orders": 95, "country": "CO"}
    seen, metadata = [], []
    for _ in range(4):
        answer = new_orders(base)
        seen += [record["order"]["id"] for record in answer["data"]]
        metadata.append(answer["metadata"])
    assert [m["returned_transactions"] for m in metadata] == [30, 30, 30, 5]
    assert [m["total_transactions_found"] for m in metadata] == [95, 65, 35, 5]
    assert [m["pending_transactions"] for m in metadata] == [65, 35, 5, 0]
    assert len(seen) == len(set(seen)) == 95
    assert new_orders(base) == {"data": [], "metadata": {
        "total_transactions_found": 0, "returned_transactions": 0, "pending_transactions": 0}}
    assert all(order["synced"] for order in control(base, "GET", "/orders").json())


def test_oldest_first_and_record_shape(base):
    records = new_orders(base)["data"]
    dates = [datetime.fromisoformat(record["order"]["created_at"]) for record in records]
    assert dates == sorted(dates) and all(moment.tzinfo for moment in dates)
    for record in records:
        order, products, buyer = record["order"], record["products"], record["buyer"]
        assert set(order) == {"id", "reference", "created_at", "status", "currency", "subtotal", "shipping_cost",
                              "total", "payment_method"}
        assert order["currency"] == "COP" and order["reference"] == f"IMT-{order['id']}"
        assert products and all(set(item) == {"id", "code", "name", "quantity", "unit_price", "unit_price_before"}
                                for item in products)
        subtotal = sum(item["unit_price"] * item["quantity"] for item in products)
        assert order["subtotal"] == subtotal and order["total"] == subtotal + order["shipping_cost"]
        assert set(buyer) == {"name", "identification_type", "identification", "email", "mobile", "address",
                              "city", "state"}
        assert buyer["identification"].isdigit() and len(buyer["identification"]) in (8, 10)
        assert buyer["mobile"].startswith("3") and len(buyer["mobile"]) == 10


def test_same_seed_same_data_and_country_currency(base):
    first = control(base, "GET", "/orders").json()
    reset(base)
    assert control(base, "GET", "/orders").json() == first
    reset(base, country="MX", orders=3)
    assert {record["order"]["currency"] for record in control(base, "GET", "/orders").json()} == {"MXN"}


def test_auth(base):
    for headers in ({}, {"Authorization": "wrong"}, {"Authorization": f"Bearer {TOKEN}"}):
        for path in ("/newOrders", "/lastOrdersIds", "/order/104501"):
            response = get(base, path, headers=headers)
            assert response.status_code == 401 and response.json() == {"message": "Token inválido"}
    assert not any(order["synced"] for order in control(base, "GET", "/orders").json())
    reset(base, token="new-token")
    assert get(base, "/lastOrdersIds").status_code == 401
    assert get(base, "/lastOrdersIds", headers={"Authorization": "new-token"}).status_code == 200


def test_sync_date_not_configured_answers_403_everywhere(base):
    assert control(base, "POST", "/sync-date", {"configured": False}).json() == {"configured": False}
    for path in ("/newOrders", "/lastOrdersIds", "/order/104501"):
        response = get(base, path)
        assert response.status_code == 403
        assert response.json() == {"message": "La fecha de sincronización de pedidos no está configurada"}
    assert not any(order["synced"] for order in control(base, "GET", "/orders").json())
    assert get(base, "/newOrders", headers={}).status_code == 401  # the token is checked first
    control(base, "POST", "/sync-date", {"configured": True})
    assert get(base, "/newOrders").status_code == 200
    assert control(base, "POST", "/sync-date", {"configured": "no"}).status_code == 400


def test_one_order_and_404(base):
    ids = get(base, "/lastOrdersIds").json()["data"]
    response = get(base, f"/order/{ids[3]}")
    assert response.status_code == 200
    record = response.json()["data"]
    assert record["order"]["id"] == ids[3] and set(record) == {"order", "products", "buyer"}
    missing = get(base, "/order/999999")
    assert missing.status_code == 404 and missing.json() == {"message": "El pedido no fue encontrado"}
    assert get(base, "/order/abc").status_code == 404
    assert get(base, "/unknown").status_code == 404


def test_ids_cover_synced_and_unsynced_and_only_the_last_8_days(base):
    all_ids = [record["order"]["id"] for record in control(base, "GET", "/orders").json()]
    assert len(all_ids) == 40
    assert get(base, "/lastOrdersIds").json() == {"data": all_ids}
    new_orders(base)  # 30 become synced
    assert get(base, "/lastOrdersIds").json() == {"data": all_ids}
    old = (datetime.fromisoformat(NOW) - timedelta(days=9)).isoformat()
    record = {"order": {"id": 1, "reference": "OLD-1", "created_at": old, "status": "Pagado", "currency": "COP",
                        "subtotal": 100, "shipping_cost": 0, "total": 100, "payment_method": "PSE"},
              "products": [{"id": 5, "code": "X", "name": "X", "quantity": 1, "unit_price": 100,
                            "unit_price_before": 100}],
              "buyer": {"name": "Ana"}}
    assert control(base, "POST", "/orders", [record]).json() == {"added": 1}
    assert 1 not in get(base, "/lastOrdersIds").json()["data"]
    assert get(base, "/order/1").json()["data"] == record
    answer = new_orders(base)  # the added order is unsynced and the oldest
    assert answer["data"][0] == record and answer["metadata"]["total_transactions_found"] == 11


def test_unsync_makes_an_order_come_back(base):
    first = new_orders(base)["data"]
    second = new_orders(base)
    assert second["metadata"]["returned_transactions"] == 10
    wanted = [first[0]["order"]["id"], first[5]["order"]["id"]]
    assert control(base, "POST", "/unsync", {"ids": [str(wanted[0]), wanted[1]]}).json() == {"unsynced": 2}
    again = new_orders(base)
    assert [record["order"]["id"] for record in again["data"]] == wanted
    assert again["metadata"] == {"total_transactions_found": 2, "returned_transactions": 2, "pending_transactions": 0}
    assert control(base, "POST", "/unsync", {"ids": ["424242"]}).status_code == 400
    assert control(base, "POST", "/unsync", {"ids": "x"}).status_code == 400


def test_answer_then_drop_marks_orders_synced_though_the_client_got_nothing(base):
    faults = requests.post(f"{base}/_sandbox/faults", json={"fail_next": ["answer_then_drop"]}, timeout=5)
    assert faults.status_code == 200
    with pytest.raises(requests.ConnectionError):
        get(base, "/newOrders")
    stored = control(base, "GET", "/orders").json()
    assert sum(order["synced"] for order in stored) == 30
    answer = new_orders(base)
    assert answer["metadata"] == {"total_transactions_found": 10, "returned_transactions": 10,
                                  "pending_transactions": 0}
    log = requests.get(f"{base}/_sandbox/requests", timeout=5).json()
    assert [entry["status"] for entry in log] == ["answer_then_drop", 200]
    # the lost orders are still reachable through the ids and by id
    ids = get(base, "/lastOrdersIds").json()["data"]
    assert len(ids) == 40 and get(base, f"/order/{ids[0]}").status_code == 200


def test_drop_still_drops_before_processing(base):
    requests.post(f"{base}/_sandbox/faults", json={"fail_next": ["drop"]}, timeout=5)
    with pytest.raises(requests.ConnectionError):
        get(base, "/newOrders")
    assert not any(order["synced"] for order in control(base, "GET", "/orders").json())
    assert new_orders(base)["metadata"]["returned_transactions"] == 30


def test_control_errors(base):
    assert requests.post(f"{base}/_sandbox/reset", json={"imotriz": {"country": "PE"}}, timeout=5).status_code == 400
    assert requests.post(f"{base}/_sandbox/reset", json={"imotriz": {"nope": 1}}, timeout=5).status_code == 400
    assert control(base, "POST", "/orders", [{"order": {}}]).status_code == 400
    assert control(base, "DELETE", "/orders").status_code == 405
    assert control(base, "GET", "/nothing").status_code == 404
    assert requests.post(f"{base}{API}/newOrders", headers=AUTH, timeout=5).status_code == 405


def test_ok_entry_lets_one_request_through_before_the_next_fault():
    server, thread = start_in_thread(port=0, log_requests=False)
    try:
        requests.post(f"{server.url}/_sandbox/reset", json={"seed": 1, "imotriz": {"orders": 40}}, timeout=10)
        requests.post(f"{server.url}/_sandbox/faults", json={"fail_next": ["ok", "500"]}, timeout=10)
        headers = {"Authorization": "sandbox-imotriz-token"}
        first = requests.get(f"{server.url}/imotriz/api/cart/transaction/newOrders", headers=headers, timeout=10)
        second = requests.get(f"{server.url}/imotriz/api/cart/transaction/newOrders", headers=headers, timeout=10)
        assert (first.status_code, second.status_code) == (200, 500)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
