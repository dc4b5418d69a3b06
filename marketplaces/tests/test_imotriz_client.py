"""iMotriz client and mapping, without Odoo: HTTP is mocked with ``responses``."""

import copy
import json
import pathlib
from datetime import datetime, timezone

import pytest
import requests
import responses
from responses import matchers

from marketplaces import get_client_class
from marketplaces.base import AuthenticationError, PayloadError, RateLimitError, RequestError, TransientError
from marketplaces.imotriz import ImotrizClient, mapping
from marketplaces.records import NewOrdersPage

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
PAGE = json.loads((FIXTURES / "imotriz_new_orders.json").read_text())
RECORD = PAGE["data"][0]
CO = "https://www.imotriz.com"
NEW = CO + "/api/cart/transaction/newOrders"
IDS = CO + "/api/cart/transaction/lastOrdersIds"
ORDER = CO + "/api/cart/transaction/order/{}"
SANDBOX = "http://127.0.0.1:8070/imotriz"


@pytest.fixture
def client():
    with ImotrizClient("imz-tok-9", timeout=5) as imotriz:
        yield imotriz


def test_factory_knows_imotriz():
    assert get_client_class("imotriz") is ImotrizClient


def test_unknown_country_is_refused():
    with pytest.raises(ValueError, match="CO, MX, EC, CR"):
        ImotrizClient("t", country="PE")


# -- new orders ----------------------------------------------------------------------------


@responses.activate
def test_new_orders_page_sends_the_raw_token_and_keeps_records_untouched(client):
    responses.get(NEW, match=[matchers.header_matcher({"Authorization": "imz-tok-9",
                                                       "Content-Type": "application/json"})], json=PAGE)
    page = client.get_new_orders()
    assert isinstance(page, NewOrdersPage)
    assert [(raw.ref, raw.number) for raw in page.orders] == [("104512", "IMT-104512"), ("104519", "IMT-104519")]
    assert page.orders[0].payload == RECORD
    assert (page.total, page.returned, page.pending) == (2, 2, 0)


@responses.activate
def test_new_orders_paging_metadata(client):
    body = {"data": [copy.deepcopy(RECORD) for _ in range(30)],
            "metadata": {"total_transactions_found": 35, "returned_transactions": 30, "pending_transactions": 5}}
    responses.get(NEW, json=body)
    page = client.get_new_orders()
    assert (len(page.orders), page.total, page.returned, page.pending) == (30, 35, 30, 5)


@responses.activate
def test_new_orders_without_metadata_is_a_payload_error(client):
    responses.get(NEW, json={"data": []})
    with pytest.raises(PayloadError, match="metadata"):
        client.get_new_orders()


@responses.activate
def test_record_without_id_is_kept_under_a_digest(client):
    broken = copy.deepcopy(RECORD)
    del broken["order"]["id"]
    responses.get(NEW, json={"data": [broken], "metadata": {"total_transactions_found": 1,
                                                            "returned_transactions": 1, "pending_transactions": 0}})
    raw = client.get_new_orders().orders[0]
    assert raw.ref.startswith("no-id-") and raw.payload == broken
    with pytest.raises(PayloadError, match="order.id"):
        client.parse_order(raw.payload)


# -- ids and one order ---------------------------------------------------------------------


@responses.activate
def test_recent_order_ids_are_strings(client):
    responses.get(IDS, json={"data": [104512, "104519"]})
    assert client.get_recent_order_ids() == ["104512", "104519"]


@responses.activate
def test_get_order(client):
    responses.get(ORDER.format(104519), json={"data": PAGE["data"][1]})
    raw = client.get_order(104519)
    assert (raw.ref, raw.number, raw.payload) == ("104519", "IMT-104519", PAGE["data"][1])


@responses.activate
def test_get_order_404_is_not_found(client):
    responses.get(ORDER.format("999"), status=404, json={"message": "Pedido no encontrado"})
    with pytest.raises(RequestError) as caught:
        client.get_order("999")
    assert caught.value.code == "not_found" and caught.value.status == 404
    assert "999" in str(caught.value)


@pytest.mark.parametrize("country, host", [
    ("CO", "https://www.imotriz.com"), ("MX", "https://www.imotriz.com.mx"),
    ("EC", "https://www.imotriz.com.ec"), ("CR", "https://www.imotriz.co.cr"),
])
@responses.activate
def test_hosts_per_country(country, host):
    responses.get(host + "/api/cart/transaction/newOrders", json=PAGE)
    responses.get(host + "/api/cart/transaction/lastOrdersIds", json={"data": []})
    responses.get(host + "/api/cart/transaction/order/7", json={"data": RECORD})
    imotriz = ImotrizClient("t", country=country)
    imotriz.get_new_orders()
    imotriz.get_recent_order_ids()
    imotriz.get_order("7")
    assert len(responses.calls) == 3


@responses.activate
def test_api_url_replaces_scheme_and_host():
    responses.get(SANDBOX + "/api/cart/transaction/newOrders", json=PAGE)
    responses.get(SANDBOX + "/api/cart/transaction/lastOrdersIds", json={"data": []})
    responses.get(SANDBOX + "/api/cart/transaction/order/104512", json={"data": RECORD})
    imotriz = ImotrizClient("t", country="MX", api_url=SANDBOX + "/")
    assert imotriz.get_new_orders().returned == 2
    assert imotriz.get_recent_order_ids() == []
    assert imotriz.get_order("104512").ref == "104512"


# -- errors --------------------------------------------------------------------------------


@responses.activate
def test_401_says_the_token_was_refused_or_replaced(client):
    responses.get(IDS, status=401, json={"message": "Token inválido imz-tok-9"})
    with pytest.raises(AuthenticationError) as caught:
        client.get_recent_order_ids()
    text = str(caught.value)
    assert "replaced by a newer one" in text
    assert "Administrar Tienda > Configuración > Integración API" in text
    assert "imz-tok-9" not in text
    assert caught.value.status == 401 and not caught.value.retryable


def test_missing_token_fails_before_any_call():
    with pytest.raises(AuthenticationError, match="token"):
        ImotrizClient("").get_new_orders()


@responses.activate
def test_403_says_what_to_configure(client):
    responses.get(NEW, status=403, json={"message": "La fecha de sincronización de pedidos no está configurada"})
    with pytest.raises(RequestError) as caught:
        client.get_new_orders()
    error = caught.value
    assert error.code == "sync_date_not_configured" and error.status == 403 and not error.retryable
    assert "Administrar Tienda > Configuración > Integración API" in str(error)
    assert "'Sincronizar pedidos desde:'" in str(error) and "30 days" in str(error)


@responses.activate
def test_500_is_transient_with_the_message(client):
    responses.get(NEW, status=500, json={"message": "Error interno"})
    with pytest.raises(TransientError, match="Error interno") as caught:
        client.get_new_orders()
    assert caught.value.retryable and caught.value.status == 500


@responses.activate
def test_429_and_timeouts_are_transient(client):
    responses.get(IDS, status=429, headers={"Retry-After": "3"})
    with pytest.raises(RateLimitError) as caught:
        client.get_recent_order_ids()
    assert caught.value.retry_after == 3
    responses.replace(responses.GET, IDS, body=requests.ConnectionError("reset"))
    with pytest.raises(TransientError) as caught:
        client.get_recent_order_ids()
    assert caught.value.code == "connection"


@responses.activate
def test_other_4xx_is_a_request_error(client):
    responses.get(NEW, status=400, json={"message": "Solicitud inválida"})
    with pytest.raises(RequestError, match="Solicitud inválida") as caught:
        client.get_new_orders()
    assert caught.value.code == "bad_request"


@responses.activate
def test_not_json_is_a_payload_error(client):
    responses.get(IDS, body="<html>mantenimiento</html>")
    with pytest.raises(PayloadError, match="not JSON"):
        client.get_recent_order_ids()


# -- test_connection -----------------------------------------------------------------------


@responses.activate
def test_test_connection_never_calls_new_orders(client):
    new = responses.get(NEW, json=PAGE)
    ids = responses.get(IDS, json={"data": [1, 2]})
    assert client.test_connection() is True
    assert ids.call_count == 1 and new.call_count == 0


@responses.activate
def test_test_connection_reports_the_sync_date_problem(client):
    responses.get(IDS, status=403, json={"message": "no configurada"})
    with pytest.raises(RequestError) as caught:
        client.test_connection()
    assert caught.value.code == "sync_date_not_configured"


# -- mapping -------------------------------------------------------------------------------


def test_parse_order_maps_lines_buyer_and_totals(client):
    order = client.parse_order(RECORD)
    assert (order.ref, order.number, order.status, order.currency) == ("104512", "IMT-104512", "Pagado", "COP")
    assert order.date_order == datetime(2026, 3, 2, 14, 15, 42, tzinfo=timezone.utc)
    assert [(line.ref, line.seller_sku, line.name, line.quantity, line.unit_price) for line in order.lines] == [
        ("88231", "FIL-ACE-1234", "Filtro de aceite Toyota Hilux", 2, 38900),
        ("88232", "PAS-FRE-2210", "Pastillas de freno delanteras Chevrolet Spark", 1, 65000),
    ]
    assert (order.goods_total, order.shipping_amount, order.grand_total) == (142800, 12000, 154800)
    buyer = order.buyer
    assert (buyer.name, buyer.identification, buyer.email, buyer.phone) == (
        "Andrés Felipe Gómez Restrepo", "1036654321", "andres.gomez@example.com", "3104567890")
    assert (buyer.address.street, buyer.address.city, buyer.address.state_name, buyer.address.country_code) == (
        "Carrera 43A # 18 Sur-135", "Medellín", "Antioquia", "CO")


def test_numbers_become_text_and_currency_defaults_by_country():
    record = copy.deepcopy(PAGE["data"][1])
    del record["order"]["currency"]
    record["products"][0].pop("id")
    order = ImotrizClient("t", country="CR").parse_order(record)
    assert order.currency == "CRC" and order.buyer.address.country_code == "CR"
    assert order.buyer.identification == "52876543" and order.buyer.phone == "3157654321"
    assert order.lines[0].ref == "BAT-12V-4500"  # no product id: the code


def test_mismatched_total_names_the_order():
    record = copy.deepcopy(RECORD)
    record["order"]["total"] = 150000
    with pytest.raises(PayloadError, match="IMT-104512") as caught:
        mapping.order_from_payload(record)
    assert "IMT-104512" in str(caught.value) and "150000" in str(caught.value)


def test_total_within_one_unit_is_accepted():
    record = copy.deepcopy(RECORD)
    record["order"]["total"] = 154800.6
    assert mapping.order_from_payload(record).grand_total == 154800


@pytest.mark.parametrize("change, expected", [
    (lambda r: r["order"].update(created_at="2026-03-02T09:15:42"), "order.created_at"),
    (lambda r: r.update(products=[]), "products"),
    (lambda r: r["products"][0].update(quantity=0), "products.0.quantity"),
    (lambda r: r["buyer"].pop("name"), "buyer.name"),
    (lambda r: r.pop("order"), "order"),
])
def test_bad_payload_is_a_readable_payload_error(change, expected):
    record = copy.deepcopy(RECORD)
    change(record)
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(record)
    assert expected in str(caught.value) and "iMotriz order" in str(caught.value)


def test_not_an_object_is_a_payload_error():
    with pytest.raises(PayloadError, match="not a JSON object"):
        mapping.order_from_payload(["x"])
