"""Éxito client and mapping, without Odoo: HTTP is mocked with ``responses``."""

import copy
import json
import pathlib
from datetime import date, datetime, timezone

import pytest
import requests
import responses
from responses import matchers

from marketplaces import get_client_class
from marketplaces.base import (
    AuthenticationError,
    PayloadError,
    RateLimitError,
    RequestError,
    TransientError,
    parse_retry_after,
)
from marketplaces.exito import ExitoClient, mapping
from marketplaces.records import OrderQuery

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
SEED_PAGE = json.loads((FIXTURES / "exito_orders_seed.json").read_text())
SEED_ORDER = SEED_PAGE["viewModel"][0]
PROD_ORDERS = "https://frgj254c3l.execute-api.us-east-1.amazonaws.com/dev/api/orders"
SANDBOX_ORDERS = "http://sandbox.test:8070/exito/dev/api/orders"


@pytest.fixture
def client():
    with ExitoClient("tok-123", culture="es-CO", timeout=5) as exito:
        yield exito


def test_factory_knows_exito():
    assert get_client_class("exito") is ExitoClient
    with pytest.raises(KeyError):
        get_client_class("nope")


@responses.activate
def test_first_page_sends_the_seed_parameters_and_raw_token(client):
    responses.get(
        PROD_ORDERS,
        match=[
            matchers.query_param_matcher({
                "culture": "es-CO", "limit": "100", "paginationToken": "{}",
                "idStatusOrder": "35", "dateOrderInitial": "2026/11/01",
            }),
            matchers.header_matcher({"Authorization": "tok-123"}),
        ],
        json=SEED_PAGE,
    )
    page = client.get_orders_page(OrderQuery(date_from=date(2026, 11, 1), status="35"))
    assert [raw.ref for raw in page.orders] == ["636979560820957673"]
    assert page.orders[0].number == "678930321"
    assert page.orders[0].payload == SEED_ORDER
    # The seed's token is not '{}': there is a next page, read with that token verbatim.
    assert page.next_cursor == SEED_PAGE["paginationToken"]
    assert page.remaining == 103


@responses.activate
def test_next_page_sends_the_token_back_and_last_page_ends():
    responses.get(
        SANDBOX_ORDERS,
        match=[matchers.query_param_matcher(
            {"culture": "en-US", "limit": "100", "paginationToken": '{"Id":{"N":"5"},"IdSeller":{"N":"1"}}'})],
        json={"viewModel": [], "count": 0, "paginationToken": "{}", "paginationTokens": []},
    )
    exito = ExitoClient("t", culture="en-US", api_url="http://sandbox.test:8070/exito/")
    page = exito.get_orders_page(OrderQuery(), cursor='{"Id":{"N":"5"},"IdSeller":{"N":"1"}}')
    assert page.orders == []
    assert page.next_cursor is None


def test_api_url_replaces_scheme_and_host_and_keeps_paths():
    exito = ExitoClient("t", api_url="http://localhost:8070/exito")
    assert exito._url("https://n8pu9xx2ba.execute-api.us-east-1.amazonaws.com/products-massive", "/status") == \
        "http://localhost:8070/exito/products-massive/status"
    assert exito._url("https://frgj254c3l.execute-api.us-east-1.amazonaws.com", "/dev/api/orders") == \
        "http://localhost:8070/exito/dev/api/orders"
    production = ExitoClient("t")
    assert production._url("https://frgj254c3l.execute-api.us-east-1.amazonaws.com", "/dev/api/orders") == PROD_ORDERS


def test_unknown_culture_is_refused():
    with pytest.raises(ValueError):
        ExitoClient("t", culture="fr-FR")


@responses.activate
def test_repeated_token_stops_instead_of_looping(client):
    token = SEED_PAGE["paginationToken"]
    responses.get(PROD_ORDERS, json=dict(SEED_PAGE, paginationToken=token))
    with pytest.raises(PayloadError, match="same pagination token"):
        client.get_orders_page(OrderQuery(), cursor=token)


@responses.activate
def test_401_is_an_authentication_error_without_the_token(client):
    responses.get(PROD_ORDERS, status=401, json={"message": "Unauthorized tok-123"})
    with pytest.raises(AuthenticationError) as caught:
        client.get_orders_page(OrderQuery())
    assert "tok-123" not in str(caught.value)
    assert "401" in str(caught.value)
    assert not caught.value.retryable


def test_missing_token_fails_before_any_call():
    with pytest.raises(AuthenticationError, match="token"):
        ExitoClient("").get_orders_page(OrderQuery())


@responses.activate
def test_server_errors_are_transient_with_the_seed_message(client):
    responses.get(PROD_ORDERS, status=500, json={
        "errors": [{"code": "500", "message": "La orden no tiene Centro de Acopio asignado"}],
        "data": None, "message": "Ooops, ocurrió un error.", "pendingResponse": False})
    with pytest.raises(TransientError) as caught:
        client.get_orders_page(OrderQuery())
    assert caught.value.retryable and caught.value.status == 500
    assert "La orden no tiene Centro de Acopio asignado" in str(caught.value)


@responses.activate
def test_400_is_a_request_error(client):
    responses.get(PROD_ORDERS, status=400, json={"errors": [{"code": "400", "message": "limit is required"}]})
    with pytest.raises(RequestError, match="limit is required") as caught:
        client.get_orders_page(OrderQuery())
    assert not caught.value.retryable


@responses.activate
def test_429_carries_retry_after(client):
    responses.get(PROD_ORDERS, status=429, headers={"Retry-After": "7"}, json={"message": "Too Many Requests"})
    with pytest.raises(RateLimitError) as caught:
        client.get_orders_page(OrderQuery())
    assert caught.value.retry_after == 7
    assert caught.value.retryable


@responses.activate
def test_timeout_and_connection_errors_are_transient(client):
    responses.get(PROD_ORDERS, body=requests.Timeout("read timed out"))
    with pytest.raises(TransientError) as caught:
        client.get_orders_page(OrderQuery())
    assert caught.value.code == "timeout"
    responses.replace(responses.GET, PROD_ORDERS, body=requests.ConnectionError("refused"))
    with pytest.raises(TransientError) as caught:
        client.get_orders_page(OrderQuery())
    assert caught.value.code == "connection"


@responses.activate
def test_html_answer_is_a_payload_error(client):
    responses.get(PROD_ORDERS, body="<html>gateway</html>", content_type="text/html")
    with pytest.raises(PayloadError, match="not JSON"):
        client.get_orders_page(OrderQuery())


@responses.activate
def test_wrong_envelope_is_a_payload_error(client):
    responses.get(PROD_ORDERS, json={"viewModel": "nope"})
    with pytest.raises(PayloadError, match="cannot read"):
        client.get_orders_page(OrderQuery())


def test_parse_retry_after():
    assert parse_retry_after("12") == 12
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    moment = datetime(2026, 1, 1, 0, 0, 30, tzinfo=timezone.utc).timestamp()
    assert parse_retry_after("Thu, 01 Jan 2026 00:01:00 GMT", now=moment) == 30


# -- mapping ------------------------------------------------------------------------------


def test_seed_order_maps_to_the_canonical_order():
    order = ExitoClient("t").parse_order(SEED_ORDER)
    assert (order.ref, order.number, order.status, order.currency) == \
        ("636979560820957673", "678930321", "FacturadoEnviado", "COP")
    assert order.date_order == datetime(2019, 7, 5, 11, 18, 14, 387000, tzinfo=timezone.utc)
    assert order.max_delivery_date == datetime(2019, 7, 19, 0, 0, tzinfo=timezone.utc)
    assert (order.goods_total, order.shipping_amount, order.grand_total) == (9000, 20000, 29000)
    assert order.delivery_type == "Standar"
    assert order.channel == "Exito.com"
    assert order.label_url.endswith("Label_1077223218333_100004.pdf")
    buyer = order.buyer
    assert (buyer.name, buyer.identification, buyer.phone) == ("Leo", "1017142034", "2222222")
    # codeDane 18001000 is Florencia, Caquetá, whatever the address text says.
    address = buyer.address
    assert (address.street, address.city, address.state_code, address.country_code, address.city_code) == \
        ("cra 1 n 1-1", "Florencia", "CAQ", "CO", "18001000")
    [line] = order.lines
    assert (line.ref, line.ean, line.seller_sku, line.marketplace_sku, line.quantity, line.unit_price) == \
        ("636979560820957718", "7752285029933", "smartwatch08", "SKUMP01310000005", 1, 9000)


def test_unknown_dane_code_falls_back_to_the_address_text():
    payload = dict(SEED_ORDER, codeDane="00123000")
    address = mapping.order_from_payload(payload).buyer.address
    assert (address.city, address.state_code, address.state_name) == ("Medellin", "", "Antioquia")


def test_missing_fields_give_a_readable_message():
    payload = copy.deepcopy(SEED_ORDER)
    del payload["clientName"]
    payload["products"][0]["quantity"] = "two"
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(payload)
    message = str(caught.value)
    assert message.startswith("Éxito order 678930321:")
    assert "clientName: Field required" in message
    assert "products.0.quantity" in message


def test_order_without_products_or_dates_is_refused():
    with pytest.raises(PayloadError, match="products"):
        mapping.order_from_payload(dict(SEED_ORDER, products=[]))
    with pytest.raises(PayloadError, match="dateOrder"):
        mapping.order_from_payload(dict(SEED_ORDER, dateOrder="2019-07-05T06:18:14"))
    with pytest.raises(PayloadError, match="not a JSON object"):
        mapping.order_from_payload(["not", "an", "order"])


def test_lines_that_do_not_add_up_are_refused():
    with pytest.raises(PayloadError, match="add up to 9000 but costTotalOrder is 10000"):
        mapping.order_from_payload(dict(SEED_ORDER, costTotalOrder=10000))


def test_numeric_ids_become_strings():
    payload = copy.deepcopy(SEED_ORDER)
    payload["id"] = 636979560820957673
    payload["products"][0]["id"] = 636979560820957718
    order = mapping.order_from_payload(payload)
    assert order.ref == "636979560820957673"
    assert order.lines[0].ref == "636979560820957718"


def test_raw_order_without_id_is_kept_under_a_digest():
    raw = mapping.raw_order({"orderNumber": "1"})
    assert raw.ref.startswith("no-id-")
    assert raw.ref == mapping.raw_order({"orderNumber": "1"}).ref
    assert raw.payload == {"orderNumber": "1"}
