"""End-to-end tests of the sandbox's XStak OMS (token and sales orders), over HTTP on a free port."""

from __future__ import annotations

from datetime import datetime

import pytest
import requests

from sandbox.server import start_in_thread
from sandbox.xstak import XstakMarketplace

NOW = "2024-10-20T18:00:00+05:00"
START = "2024-10-01T00:00:00+05:00"
CREDENTIALS = {"clientId": "sandbox-client", "clientSecret": "sandbox-secret",
               "grant type": "client_credentials", "companyCode": "SANDBOX"}


@pytest.fixture(scope="module")
def base():
    server, thread = start_in_thread(port=0, marketplaces=[XstakMarketplace()], log_requests=False)
    yield server.url
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def fresh(base):
    reset(base)


def reset(base, **xstak):
    response = requests.post(f"{base}/_sandbox/reset", json={"seed": 5, "xstak": {"now": NOW, "orders": 60, **xstak}},
                             timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def token(base, body=None, path="/v1/admin/service-account/token"):
    return requests.post(f"{base}/xstak{path}", json=CREDENTIALS if body is None else body, timeout=5)


def access(base):
    response = token(base)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def orders(base, access_token, **params):
    params = {"order_status": "pending", "locationId": "101", "start_date": START, **params}
    return requests.get(f"{base}/xstak/oe/v2/orders/sales_orders", params=params,
                        headers={"token": access_token}, timeout=5)


def stored(base):
    return requests.get(f"{base}/_sandbox/xstak/orders", timeout=5).json()


# -- token ----------------------------------------------------------------------------------------


def test_token_answers_the_seed_shape(base):
    response = token(base)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"userName", "email", "access_token", "expires_in", "refresh_expires_in", "token_type",
                         "not-before-policy", "scope"}
    assert body["expires_in"] == 300 and body["access_token"]
    assert token(base).json()["access_token"] != body["access_token"]


def test_token_accepts_grant_type_spelling_and_the_curl_path(base):
    body = {key: value for key, value in CREDENTIALS.items() if key != "grant type"}
    assert token(base, dict(body, grantType="client_credentials"), "/v1/admin/serviceaccount/token").status_code == 200


@pytest.mark.parametrize("change", [{"clientSecret": "nope"}, {"clientId": "other"}, {"companyCode": "OTHER"}])
def test_wrong_credentials_are_401_invalid_client(base, change):
    response = token(base, dict(CREDENTIALS, **change))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "nope" not in response.text


@pytest.mark.parametrize("body", [
    b"{not json", ["a", "list"], {"clientId": "sandbox-client"},
    {k: v for k, v in CREDENTIALS.items() if k != "grant type"},
    dict(CREDENTIALS, **{"grant type": "password"}),
])
def test_malformed_token_bodies_are_400(base, body):
    if isinstance(body, bytes):
        response = requests.post(f"{base}/xstak/v1/admin/service-account/token", data=body, timeout=5)
    else:
        response = token(base, body)
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_request", "unsupported_grant_type")


def test_token_settings_come_from_reset(base):
    reset(base, client_id="acme", client_secret="s3", company_code="ACME", token_ttl=60)
    assert token(base).status_code == 401
    response = token(base, {"clientId": "acme", "clientSecret": "s3", "grantType": "client_credentials",
                            "companyCode": "ACME"})
    assert response.status_code == 200 and response.json()["expires_in"] == 60


def test_token_route_wants_post(base):
    assert requests.get(f"{base}/xstak/v1/admin/service-account/token", timeout=5).status_code == 405


# -- orders ---------------------------------------------------------------------------------------


def test_orders_need_a_valid_token(base):
    assert orders(base, "").status_code == 401
    response = orders(base, "made-up")
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_expired_token_is_401_then_a_new_token_works(base):
    old = access(base)
    assert orders(base, old).status_code == 200
    expired = requests.post(f"{base}/_sandbox/xstak/expire-tokens", timeout=5)
    assert expired.status_code == 200 and expired.json() == {"expired": 1}
    response = orders(base, old)
    assert response.status_code == 401 and response.json()["error_description"] == "Token is not active"
    assert orders(base, access(base)).status_code == 200


def test_orders_are_filtered_sorted_and_paged(base):
    access_token = access(base)
    everything = stored(base)
    for location_id, code in (("101", 101), ("102", 102)):
        expected = [order for order in everything
                    if order["order_status"] == "pending" and order["location_id"] == location_id]
        assert expected, location_id
        first = orders(base, access_token, locationId=location_id, page=1, size=3)
        assert first.status_code == 200
        info = first.json()["page"]
        assert info == {"number": 1, "size": 3, "totalPages": -(-len(expected) // 3),
                        "totalElements": len(expected)}
        seen = []
        for number in range(1, info["totalPages"] + 1):
            page = orders(base, access_token, locationId=location_id, location_code=code, page=number, size=3).json()
            assert page["page"]["number"] == number and len(page["orders"]) <= 3
            seen += page["orders"]
        assert [order["id"] for order in seen] == [order["id"] for order in expected]
        assert all(order["location_code"] == code for order in seen)
    beyond = orders(base, access_token, page=99, size=3).json()
    assert beyond["orders"] == [] and beyond["page"]["number"] == 99


def test_orders_are_sorted_by_creation_and_follow_the_total_rule(base):
    everything = stored(base)
    moments = [datetime.fromisoformat(order["created_at"]) for order in everything]
    assert moments == sorted(moments)
    for order in everything:
        assert order["currency"] == "PKR" and order["created_at"].endswith("+05:00")
        goods = sum(line["quantity"] * line["unit_price"] for line in order["line_items"])
        assert order["total_amount"] == goods + order["shipping_amount"]
        assert order["customer"]["cnic"].count("-") == 2
        assert order["shipping_address"]["city"] in ("Lahore", "Karachi", "Islamabad", "Rawalpindi", "Faisalabad",
                                                     "Hyderabad")
    assert {order["location_id"] for order in everything} == {"101", "102"}


def test_start_date_filters_and_keeps_its_offset(base):
    access_token = access(base)
    pending = [order for order in stored(base) if order["order_status"] == "pending" and order["location_id"] == "101"]
    middle = pending[len(pending) // 2]["created_at"]
    # the same instant written at UTC must give the same answer
    utc = datetime.fromisoformat(middle).astimezone(datetime.fromisoformat("2024-01-01T00:00:00+00:00").tzinfo)
    for start in (middle, utc.isoformat()):
        page = orders(base, access_token, start_date=start, size=100).json()
        assert [order["id"] for order in page["orders"]] == [order["id"] for order in pending[len(pending) // 2:]]
    # the seed's own example writes "+5:00"
    assert orders(base, access_token, start_date="2024-10-17T05:10:06+5:00").status_code == 200


def test_default_size_is_the_seed_example_and_size_is_capped(base):
    access_token = access(base)
    assert orders(base, access_token).json()["page"]["size"] == 10
    assert orders(base, access_token, size=500).json()["page"]["size"] == 100


@pytest.mark.parametrize("params", [
    {"order_status": ""}, {"locationId": ""}, {"start_date": ""}, {"start_date": "2024-10-17T05:10:06"},
    {"start_date": "yesterday"}, {"location_code": "LHR"}, {"page": "0"}, {"size": "-1"},
])
def test_bad_parameters_are_400(base, params):
    response = orders(base, access(base), **params)
    assert response.status_code == 400
    assert response.json()["message"]


def test_generation_is_deterministic_per_seed(base):
    first = stored(base)
    reset(base)
    assert stored(base) == first
    requests.post(f"{base}/_sandbox/reset", json={"seed": 6, "xstak": {"now": NOW, "orders": 60}}, timeout=5)
    assert stored(base) != first


def test_reset_rejects_unknown_or_bad_settings(base):
    for body in ({"colour": 1}, {"orders": -1}, {"token_ttl": 0}, {"client_id": ""}, {"now": "soon"}):
        response = requests.post(f"{base}/_sandbox/reset", json={"xstak": body}, timeout=5)
        assert response.status_code == 400, body


def test_injected_orders_are_served(base):
    reset(base, orders=0)
    order = {"id": 42, "order_number": "XS-42", "created_at": "2024-10-18T09:00:00+05:00", "order_status": "pending",
             "location_id": "101", "location_code": 101, "line_items": []}
    response = requests.post(f"{base}/_sandbox/xstak/orders", json=[order], timeout=5)
    assert response.status_code == 200 and response.json() == {"added": 1}
    assert orders(base, access(base)).json()["orders"] == [order]
    bad = requests.post(f"{base}/_sandbox/xstak/orders", json=[{"id": 1}], timeout=5)
    assert bad.status_code == 400
