"""End-to-end tests of the sandbox's Éxito orders API and control API, over HTTP on a free port."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from sandbox import exito_data
from sandbox.server import start_in_thread

TOKEN = "sandbox-exito-token"
AUTH = {"Authorization": TOKEN}
NOW = "2024-05-10T12:00:00-05:00"
TZ = timezone(timedelta(hours=-5))
TOKEN_RE = re.compile(r'^\{"Id":\{"N":"(\d+)"\},"IdSeller":\{"N":"11618"\}\}$')
SEED_ORDER = {
    "id": "636979560820957673", "orderNumber": "678930321", "idSeller": 11618,
    "sellerName": "la tienda de cristian 2019 vs 5", "sellerNit": "300169081", "idChannel": 11, "channel": "Exito.com",
    "dateOrder": "2019-07-05T06:18:14.387-05:00", "idStatusOrder": 50, "statusOrder": "FacturadoEnviado",
    "costTotalOrder": 9000, "costTotalShipping": 20000, "codeDane": "18001000", "costTotalCommission": 0,
    "dateMaxDeliveryOrder": "2019-07-18T19:00:00-05:00", "typeDespatchOrder": "Standar  ", "clientName": "Leo",
    "identificationCard": "1017142034", "clientAddress": "cra 1 n 1-1, MEDELLIN, ANTIOQUIA, Colombia",
    "clientTelephone": "2222222", "dependencyId": None, "dependencyName": None,
    "products": [{
        "id": "636979560820957718", "idDetailProduct": 0, "idSeller": 0, "idPicking": 0,
        "internationalTracking": None, "nameProduct": "Reloj Inteligente Simcard Bluetooth ",
        "productId": "MP01310000000005", "sku": "SKUMP01310000005", "ean": "7752285029933",
        "reference": "smartwatch08", "idStatusProduct": 50, "statusProduct": "FacturadoEnviado", "quantity": 1,
        "costProduct": 9000, "costShippingProduct": 20000, "commission": 0,
        "dateMaxDeliveryProduct": "2019-07-18T19:00:00-05:00", "typeDespatchProduct": None, "tracking": "9874582",
        "carrier": "ciro", "dateDelivery": "2019-08-21T15:42:19.441-05:00", "enviosExito": False,
        "fulfillment": False, "color": None, "size": None, "internationalCarrier": None,
    }],
    "paginationToken": "636979560820957673|11618", "processedOrder": False, "allowShipping": True, "billUrl": None,
    "billAttachedDate": None, "trakingType": None,
    "urlLabel": "https://s3.amazonaws.com/seller-center-exito-staging/sticker-dev/Label_1077223218333_100004.pdf",
}


@pytest.fixture(scope="module")
def base():
    server, thread = start_in_thread(log_requests=False)
    yield server.url
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def fresh(base):
    reset(base)


def reset(base, **exito):
    response = requests.post(f"{base}/_sandbox/reset", json={"seed": 7, "exito": {"now": NOW, **exito}}, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def orders(base, headers=AUTH, timeout=5, **params):
    params = {"culture": "es-CO", "limit": 100, **params}
    return requests.get(f"{base}/exito/dev/api/orders", params=params, headers=headers, timeout=timeout)


def stored(base):
    return requests.get(f"{base}/_sandbox/exito/orders", timeout=5).json()


def set_faults(base, **settings):
    response = requests.post(f"{base}/_sandbox/faults", json=settings, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def local_day(order):
    return datetime.fromisoformat(order["dateOrder"]).astimezone(TZ).date()


def assert_envelope(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["data"] is None and body["pendingResponse"] is False and body["message"] == "Ooops, ocurrió un error."
    assert body["errors"][0]["code"] == str(status) and body["errors"][0]["message"]


def test_health(base):
    assert requests.get(f"{base}/_sandbox/health", timeout=5).json() == {"status": "ok"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "wrong"}, {"Authorization": f"Bearer {TOKEN}"}])
def test_unauthorized(base, headers):
    response = orders(base, headers=headers)
    assert response.status_code == 401 and response.json() == {"message": "Unauthorized"}


def test_paging_returns_every_order_once(base):
    reset(base, orders=23)
    seen, token, counts = [], None, []
    while True:
        params = {"limit": 5} if token is None else {"limit": 5, "paginationToken": token}
        body = orders(base, **params).json()
        counts.append(body["count"])
        seen += [order["id"] for order in body["viewModel"]]
        assert body["paginationTokens"] == []
        token = body["paginationToken"]
        if token == "{}":
            break
        assert TOKEN_RE.match(token).group(1) == body["viewModel"][-1]["id"]
    assert counts == [23, 18, 13, 8, 3]
    assert len(seen) == len(set(seen)) == 23
    assert seen == sorted(seen, key=int) == [order["id"] for order in stored(base)]


def test_limit_is_capped_and_first_page_tokens(base):
    reset(base, orders=120)
    body = orders(base, limit=1000, paginationToken="{}").json()
    assert len(body["viewModel"]) == 100 and body["count"] == 120 and TOKEN_RE.match(body["paginationToken"])
    exact = orders(base, limit=120).json()
    assert len(exact["viewModel"]) == 100 and exact["paginationToken"] != "{}"


def test_order_shape_and_money(base):
    reset(base, orders=40)
    all_orders = orders(base).json()["viewModel"]
    assert len(all_orders) == 40
    catalog = {item["ean"]: item for item in exito_data.default_catalog()}
    line_ids = []
    for order in all_orders:
        assert list(order) == list(SEED_ORDER)
        assert re.fullmatch(r"\d{18}", order["id"]) and re.fullmatch(r"\d{9}", order["orderNumber"])
        assert order["paginationToken"] == f"{order['id']}|11618" and order["idStatusOrder"] == 35
        assert re.fullmatch(r"\d{8}", order["codeDane"]) and order["clientAddress"].endswith(", Colombia")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-05:00", order["dateOrder"])
        assert order["typeDespatchOrder"] in ("Standar  ", "Express  ") and order["urlLabel"].endswith(".pdf")
        assert 1 <= len(order["products"]) <= 3
        assert len({line["ean"] for line in order["products"]}) == len(order["products"])
        for line in order["products"]:
            assert list(line) == list(SEED_ORDER["products"][0])
            item = catalog[line["ean"]]
            assert (line["reference"], line["sku"]) == (item["reference"], item["sku"])
            assert line["costProduct"] == item["price"] and line["nameProduct"] == item["name"]
            assert line["tracking"] is None and line["carrier"] is None and line["dateDelivery"] is None
            assert 0.09 <= line["commission"] / (line["costProduct"] * line["quantity"]) <= 0.16
            line_ids.append(line["id"])
        lines = order["products"]
        assert order["costTotalOrder"] == sum(line["costProduct"] * line["quantity"] for line in lines)
        assert order["costTotalShipping"] == sum(line["costShippingProduct"] for line in lines)
        assert order["costTotalCommission"] == sum(line["commission"] for line in lines)
    assert len(set(line_ids)) == len(line_ids)
    assert len({order["orderNumber"] for order in all_orders}) == 40
    days = {local_day(order) for order in all_orders}
    assert min(days) >= datetime(2024, 5, 3).date() and max(days) <= datetime(2024, 5, 10).date()


def test_deterministic_per_seed(base):
    first = stored(base)
    reset(base)
    assert stored(base) == first
    requests.post(f"{base}/_sandbox/reset", json={"seed": 8, "exito": {"now": NOW}}, timeout=5)
    assert stored(base) != first


def test_filters(base):
    reset(base, orders=30)
    everything = stored(base)
    shipped = dict(SEED_ORDER, id="638600000000000000", orderNumber="900000001", idStatusOrder=170,
                   dateOrder="2024-05-08T23:30:00.000-05:00")
    assert requests.post(f"{base}/_sandbox/exito/orders", json=[shipped], timeout=5).json() == {"added": 1}
    assert [o["id"] for o in orders(base, idStatusOrder=170).json()["viewModel"]] == [shipped["id"]]
    assert len(orders(base, idStatusOrder=35).json()["viewModel"]) == 30
    target = everything[4]
    assert [o["id"] for o in orders(base, orderNumber=target["orderNumber"]).json()["viewModel"]] == [target["id"]]
    assert orders(base, orderNumber="111111111").json() == {"viewModel": [], "count": 0, "paginationToken": "{}",
                                                            "paginationTokens": []}
    day = local_day(target)
    text = day.strftime("%Y/%m/%d")
    body = orders(base, dateOrderInitial=text, dateOrderFinal=text).json()
    expected = [o["id"] for o in everything if local_day(o) == day]
    expected += [shipped["id"]] if str(day) == "2024-05-08" else []
    assert [o["id"] for o in body["viewModel"]] == sorted(expected, key=int) and body["count"] == len(expected)
    later = orders(base, dateOrderInitial=text, limit=2, currentPage=3).json()
    assert later["count"] == sum(local_day(o) >= day for o in everything) + (day <= datetime(2024, 5, 8).date())


@pytest.mark.parametrize("params", [
    {"culture": None}, {"culture": "fr-FR"}, {"limit": None}, {"limit": "abc"}, {"limit": 0}, {"limit": "1.5"},
    {"dateOrderInitial": "2024-05-01"}, {"dateOrderFinal": "2024/13/01"}, {"idStatusOrder": "x"},
    {"orderNumber": "12a"}, {"paginationToken": "not-json"}, {"paginationToken": '{"Id":{"N":"abc"}}'},
    {"paginationToken": "[]"}, {"currentPage": "one"},
])
def test_bad_parameters(base, params):
    assert_envelope(orders(base, **params), 400)


def test_buyers_repeat_unless_unique(base):
    reset(base, orders=25)
    cards = Counter(order["identificationCard"] for order in stored(base))
    assert max(cards.values()) > 1
    assert all(re.fullmatch(r"\d{8,10}", card) for card in cards)
    reset(base, orders=25, unique_buyers=True)
    unique = stored(base)
    assert len({order["identificationCard"] for order in unique}) == 25
    assert len({order["clientName"] for order in unique}) == 25


def test_lines_per_order_and_status(base):
    reset(base, orders=10, lines_per_order=3, status=60)
    for order in stored(base):
        assert len({line["ean"] for line in order["products"]}) == 3 and order["statusOrder"] == "Entregado"
        assert all(line["tracking"] and line["carrier"] and line["dateDelivery"] for line in order["products"])
    response = requests.post(f"{base}/_sandbox/reset", json={"exito": {"lines_per_order": 8}}, timeout=5)
    assert response.status_code == 400 and "lines_per_order" in response.json()["message"]


def test_injected_orders(base):
    reset(base, orders=3)
    assert requests.post(f"{base}/_sandbox/exito/orders", json=[SEED_ORDER], timeout=5).json() == {"added": 1}
    unknown_ean = dict(SEED_ORDER["products"][0], ean="0000000000000")
    changed = dict(SEED_ORDER, clientName="Leo Replaced", products=[unknown_ean])
    requests.post(f"{base}/_sandbox/exito/orders", json=[changed], timeout=5)
    all_orders = stored(base)
    assert len(all_orders) == 4 and all_orders[0] == changed  # the seed's 2019 id sorts first
    assert orders(base, orderNumber="678930321").json()["viewModel"] == [changed]
    bad = requests.post(f"{base}/_sandbox/exito/orders", data=b"[{", timeout=5)
    assert bad.status_code == 400 and "JSON" in bad.json()["message"]
    assert requests.post(f"{base}/_sandbox/exito/orders", json=[{"id": "x1"}], timeout=5).status_code == 400


def test_fail_next_500_429_503(base):
    faults = set_faults(base, fail_next=["500", "429", "503"], retry_after=7)
    assert faults["fail_next"] == ["500", "429", "503"] and faults["retry_after"] == 7
    assert_envelope(orders(base), 500)
    assert requests.get(f"{base}/_sandbox/health", timeout=5).status_code == 200  # control API: no fault used
    throttled = orders(base)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "7"
    assert throttled.json() == {"message": "Too Many Requests"}
    assert requests.get(f"{base}/_sandbox/faults", timeout=5).json()["fail_next"] == ["503"]
    assert_envelope(orders(base, headers={}), 503)  # faults apply whatever the credentials
    assert orders(base).status_code == 200


def test_timeout_and_drop(base):
    set_faults(base, fail_next=["timeout", "drop"], timeout_seconds=0.6)
    with pytest.raises(requests.exceptions.ReadTimeout):
        orders(base, timeout=0.2)
    with pytest.raises(requests.exceptions.ConnectionError):
        orders(base)
    assert orders(base).status_code == 200
    deadline = time.time() + 5
    while len(log := requests.get(f"{base}/_sandbox/requests", timeout=5).json()) < 3 and time.time() < deadline:
        time.sleep(0.05)
    assert sorted(str(entry["status"]) for entry in log) == ["200", "200", "drop"]


def test_error_rate_and_latency(base):
    set_faults(base, error_rate=1.0)
    assert_envelope(orders(base), 500)
    set_faults(base, error_rate=0.0, latency_ms=150)
    started = time.monotonic()
    assert orders(base).status_code == 200 and time.monotonic() - started >= 0.15
    assert set_faults(base)["latency_ms"] == 150
    bad = requests.post(f"{base}/_sandbox/faults", json={"fail_next": ["boom"]}, timeout=5)
    assert bad.status_code == 400 and "fail_next" in bad.json()["message"]
    assert requests.post(f"{base}/_sandbox/faults", json={"error_rate": 2}, timeout=5).status_code == 400


def test_request_log(base):
    orders(base, limit=3)
    orders(base, headers={"Authorization": "nope"})
    requests.get(f"{base}/exito/unknown", headers=AUTH, timeout=5)
    response = requests.get(f"{base}/_sandbox/requests", timeout=5)
    assert TOKEN not in response.text
    log = response.json()
    assert log[0] == {"method": "GET", "path": "/exito/dev/api/orders", "query": {"culture": "es-CO", "limit": "3"},
                      "status": 200, "authorized": True, "body": None}
    assert (log[1]["status"], log[1]["authorized"]) == (401, False)
    assert (log[2]["path"], log[2]["status"]) == ("/exito/unknown", 404) and len(log) == 3
    assert requests.delete(f"{base}/_sandbox/requests", timeout=5).json() == {"deleted": 3}
    assert requests.get(f"{base}/_sandbox/requests", timeout=5).json() == []


def test_control_errors(base):
    assert requests.get(f"{base}/nowhere", timeout=5).json() == {"message": "Not Found"}
    assert requests.get(f"{base}/_sandbox/nowhere", timeout=5).status_code == 404
    assert requests.post(f"{base}/_sandbox/reset", data=b"{nope", timeout=5).status_code == 400
    assert requests.post(f"{base}/_sandbox/reset", json={"exito": {"orders": -1}}, timeout=5).status_code == 400
    assert requests.post(f"{base}/_sandbox/reset", json={"exito": {"colour": 1}}, timeout=5).status_code == 400
    assert requests.post(f"{base}/_sandbox/reset", json=[1], timeout=5).status_code == 400
    too_big = requests.post(f"{base}/_sandbox/exito/orders", data=b" " * (10 * 1024 * 1024 + 1), timeout=10)
    assert too_big.status_code == 413
    assert requests.post(f"{base}/_sandbox/reset", timeout=5).json()["exito"] == {"orders": 25}


def test_cli_prints_address_and_stops_on_sigterm():
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, SANDBOX_EXITO_TOKEN="env-token")
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", "0", "--exito-orders", "3", "--quiet"],
                               cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        match = re.fullmatch(r"Sandbox listening on http://127\.0\.0\.1:(\d+)", line)
        assert match and int(match.group(1)) > 0, line
        url = f"http://127.0.0.1:{match.group(1)}/exito/dev/api/orders?culture=en-US&limit=10"
        body = requests.get(url, headers={"Authorization": "env-token"}, timeout=5).json()
        assert len(body["viewModel"]) == 3 and json.loads(body["paginationToken"]) == {}
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_cli_fault_settings():
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", "0", "--quiet", "--error-rate", "1",
                                "--retry-after", "9"], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        base = process.stdout.readline().strip().removeprefix("Sandbox listening on ")
        answer = requests.get(f"{base}/exito/dev/api/orders?culture=es-CO&limit=1",
                              headers={"Authorization": "sandbox-exito-token"}, timeout=5)
        assert answer.status_code == 500
        assert requests.get(f"{base}/_sandbox/faults", timeout=5).json()["retry_after"] == 9
    finally:
        process.terminate()
        process.wait(10)
