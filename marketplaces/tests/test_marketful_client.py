"""Marketful client, without Odoo: HTTP is mocked with ``responses``."""

import json
import pathlib
import threading

import pytest
import requests
import responses
from responses import matchers

from marketplaces import get_client_class
from marketplaces.base import AuthenticationError, PayloadError, RateLimitError, RequestError, TransientError
from marketplaces.marketful import MarketfulClient, const, mapping
from marketplaces.marketful.records import (
    EntryOrderResult,
    FulfillmentOrder,
    Item,
    ItemResult,
    OrderLine,
    ShipmentEvent,
    Stock,
    Webhook,
)

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
SEED = json.loads((FIXTURES / "marketful_seed_examples.json").read_text())
MSG = SEED["messages"]
ANSWERS = json.loads((FIXTURES / "marketful_answers.json").read_text())
ORDER_BODY = json.loads((FIXTURES / "marketful_fulfillment_order.json").read_text())
ORDER_BODY.pop("_source")
HOST = "https://fulfillment.marketful.mx"
SANDBOX = "http://127.0.0.1:8070/marketful"
TOKEN, USER = "mf-secret-tok", "771"


def url(path):
    return HOST + path


@pytest.fixture
def client():
    with MarketfulClient(TOKEN, USER, timeout=5) as marketful:
        yield marketful


def order(**changes):
    values = dict(num_orden="#1203", orden_id="SHOP-1203", customer="María Fernanda López", carrier="Estafeta",
                  phone="5512345678", street="Avenida Insurgentes Sur", exterior_number="1602", interior_number="4B",
                  colonia="Crédito Constructor", city="Ciudad de México", state="MX - CMX", postal_code="03940",
                  canal="Shopify", tipo_envio="economico", insured=True,
                  items=[OrderLine("PRO20PRO", 2), OrderLine("PRO10PRO", 1)])
    values.update(changes)
    return FulfillmentOrder(**values)


def sent_body(index=-1):
    return json.loads(responses.calls[index].request.body)


def test_factory_knows_marketful():
    assert get_client_class("marketful") is MarketfulClient


# -- headers and connection ----------------------------------------------------------------


@responses.activate
def test_headers_are_the_raw_token_and_the_user(client):
    responses.get(url("/webhooks/consultar"), json=ANSWERS["webhooks_200"],
                  match=[matchers.header_matcher({"Authorization": TOKEN, "User": USER})])
    assert client.test_connection() is True


def test_missing_credentials_fail_before_any_call():
    with pytest.raises(AuthenticationError, match="user id") as caught:
        MarketfulClient(TOKEN, "").list_webhooks()
    assert caught.value.code == "auth_missing"
    with pytest.raises(AuthenticationError):
        MarketfulClient("", USER).get_stock("X")


@responses.activate
def test_api_url_replaces_the_host():
    responses.get(SANDBOX + "/items/get_stock", json=ANSWERS["get_stock_200"])
    assert MarketfulClient(TOKEN, USER, api_url=SANDBOX + "/").get_stock("Bottle234543").available_quantity == 17


# -- items ---------------------------------------------------------------------------------


ITEMS = [Item(sku="ABCD12", title="Pluma Roja", list_price=355, height=12, width=12, length=12, weight=12),
         Item(sku="EFGH34", title="Pluma Azul", list_price=355, ean="07852236842")]
ITEMS_BODY = {"items": [
    {"title": "Pluma Roja", "list_price": 355, "sku": "ABCD12", "height": 12, "width": 12, "length": 12, "weigth": 12},
    {"title": "Pluma Azul", "list_price": 355, "sku": "EFGH34", "ean": "07852236842"}]}


@responses.activate
def test_create_items_all_saved(client):
    responses.post(url("/items/create_item"), json=ANSWERS["create_items_200"],
                   match=[matchers.json_params_matcher(ITEMS_BODY)])
    assert client.create_items(ITEMS) == [ItemResult("ABCD12", True, "1234"), ItemResult("EFGH34", True, "1235")]


@responses.activate
def test_create_items_201_is_a_partial_success(client):
    responses.post(url("/items/create_item"), status=201, json=ANSWERS["create_items_201"])
    assert client.create_items(ITEMS) == [ItemResult("ABCD12", True, "1234"),
                                          ItemResult("EFGH34", False, reason="sku ya registrado")]


@responses.activate
def test_create_items_401_incomplete_refuses_every_item(client):
    responses.post(url("/items/create_item"), status=401, json=ANSWERS["create_items_401"])
    assert client.create_items(ITEMS[:1]) == [
        ItemResult("ABCD12", False, reason="list_price can't be blank; title can't be blank")]


@pytest.mark.parametrize("status, message, error", [
    (402, "items_missing", RequestError), (403, "user_not_found", AuthenticationError),
    (404, "invalid_authorization", AuthenticationError),
])
@responses.activate
def test_create_items_errors(client, status, message, error):
    responses.post(url("/items/create_item"), status=status, json={"message": MSG[message]})
    with pytest.raises(error, match=MSG[message]) as caught:
        client.create_items(ITEMS)
    assert caught.value.status == status and type(caught.value) is error


@responses.activate
def test_update_item_sends_the_seed_example(client):
    body = SEED["update_item_body"]
    responses.post(url("/items/update_item"), json=ANSWERS["update_item_200"],
                   match=[matchers.json_params_matcher(body, strict_match=True)])
    item = Item(item_id=1234, title="Pluma Roja", height=12, width=12, length=12, weight=12, list_price=355,
                sku="ABCD12")
    assert client.update_item(item) == ItemResult("ABCD12", True, "1234")


def test_update_item_without_id_fails_before_any_call(client):
    with pytest.raises(RequestError, match="ABCD12") as caught:
        client.update_item(Item(sku="ABCD12"))
    assert caught.value.code == "missing_item_id"


@pytest.mark.parametrize("status, message, error, code", [
    (405, "item_not_updated", RequestError, "bad_request"), (400, "item_not_found", RequestError, "not_found"),
    (402, "item_id_missing", RequestError, "bad_request"), (403, "user_not_found", AuthenticationError, "auth"),
    (404, "invalid_authorization", AuthenticationError, "auth"),
])
@responses.activate
def test_update_item_errors(client, status, message, error, code):
    responses.post(url("/items/update_item"), status=status, json={"message": MSG[message]})
    with pytest.raises(error) as caught:
        client.update_item(Item(item_id=1, sku="A"))
    assert (type(caught.value), caught.value.code, caught.value.status) == (error, code, status)


@responses.activate
def test_delete_item(client):
    responses.post(url("/items/delete_item"), json=ANSWERS["delete_item_200"],
                   match=[matchers.json_params_matcher({"item_id": 1234})])
    assert client.delete_item(1234) is True


@pytest.mark.parametrize("status, message, error, code", [
    (401, "item_not_found", RequestError, "not_found"), (402, "item_id_missing", RequestError, "bad_request"),
    (403, "user_not_found", AuthenticationError, "auth"), (404, "invalid_authorization", AuthenticationError, "auth"),
])
@responses.activate
def test_delete_item_errors(client, status, message, error, code):
    responses.post(url("/items/delete_item"), status=status, json={"message": MSG[message]})
    with pytest.raises(error) as caught:
        client.delete_item(1234)
    assert (type(caught.value), caught.value.code) == (error, code)


# -- stock ---------------------------------------------------------------------------------


@responses.activate
def test_get_stock_reads_the_seed_spelling(client):
    responses.get(url("/items/get_stock"), json=ANSWERS["get_stock_200"],
                  match=[matchers.query_param_matcher({"sku": SEED["get_stock_sku"]})])
    assert client.get_stock(SEED["get_stock_sku"]) == Stock("Bottle234543", 17.0)


@responses.activate
def test_get_stock_ean(client):
    responses.get(url("/items/get_stock_ean"), json=ANSWERS["get_stock_ean_200"],
                  match=[matchers.query_param_matcher({"ean": SEED["get_stock_ean"]})])
    assert client.get_stock_ean(SEED["get_stock_ean"]) == Stock("", 8.0, ean="07852236842", item_id="991")


@pytest.mark.parametrize("path, status, message, error, code", [
    ("/items/get_stock", 402, "stock_item_not_found", RequestError, "not_found"),
    ("/items/get_stock", 403, "sku_missing", RequestError, "bad_request"),
    ("/items/get_stock", 403, "user_not_found", AuthenticationError, "auth"),
    ("/items/get_stock", 404, "invalid_authorization", AuthenticationError, "auth"),
    ("/items/get_stock_ean", 401, "ean_not_found", RequestError, "not_found"),
    ("/items/get_stock_ean", 402, "ean_missing", RequestError, "bad_request"),
    ("/items/get_stock_ean", 403, "user_not_found", AuthenticationError, "auth"),
    ("/items/get_stock_ean", 404, "invalid_authorization", AuthenticationError, "auth"),
])
@responses.activate
def test_stock_errors(client, path, status, message, error, code):
    responses.get(url(path), status=status, json={"message": MSG[message]})
    call = client.get_stock if path.endswith("get_stock") else client.get_stock_ean
    with pytest.raises(error) as caught:
        call("Bottle234543")
    assert (type(caught.value), caught.value.code, caught.value.status) == (error, code, status)
    assert MSG[message] in str(caught.value)


@responses.activate
def test_stock_without_quantity_is_a_payload_error(client):
    responses.get(url("/items/get_stock"), json={"message": "Success", "sku": "A"})
    with pytest.raises(PayloadError, match="available quantity"):
        client.get_stock("A")


# -- multichannel orders -------------------------------------------------------------------


@responses.activate
def test_create_fulfillment_order_body(client):
    # order() holds Odoo's code of Ciudad de México (CMX); the seed wants Wikipedia's 2-letter one, MX-DF
    responses.post(url("/shopi_orders/multicanal_api"), json=ANSWERS["fulfillment_order_200"],
                   match=[matchers.json_params_matcher(ORDER_BODY, strict_match=True)])
    result = client.create_fulfillment_order(order())
    assert (result.order_id, result.message) == ("5021", "Success")


@pytest.mark.parametrize("state, sent", [("JAL", "MX-JA"), ("MX - AG", "MX-AG"), ("dif", "MX-DF"),
                                         ("MX-CMX", "MX-DF"), ("MEX", "MX-ME")])
def test_fulfillment_order_body_sends_the_seed_state_code(client, state, sent):
    assert client.fulfillment_order_body(order(state=state))["order"]["contact_info"]["estado"] == sent


def test_fulfillment_order_body_spells_the_carrier_as_the_seed(client):
    assert client.fulfillment_order_body(order(carrier="will_call"))["order"]["contact_info"]["carrier_name"] \
        == "Will_Call"


def test_fulfillment_order_body_defaults(client):
    body = client.fulfillment_order_body(order(interior_number="", insured=False, tipo_envio="dia_siguiente"))
    info = body["order"]["contact_info"]
    assert (info["no_interior"], info["asegurado"], info["tipo_envio"], info["estado"]) == (
        "", False, "dia_siguiente", "MX-DF")


def test_validate_names_each_missing_field(client):
    problems = client.validate_fulfillment_order(order(customer="", colonia=" ", postal_code="", items=[]))
    assert problems == [
        "Order #1203: the recipient's name (customer) is missing.",
        "Order #1203: the neighbourhood of the delivery address (colonia) is missing.",
        "Order #1203: the postal code of the delivery address (codigo_postal) is missing.",
        "Order #1203 has no items.",
    ]
    # what Odoo translates: the template and its parameters
    assert problems[0].template == "Order %(order)s: the recipient's name (%(field)s) is missing."
    assert problems[0].params == {"order": "#1203", "field": "customer"}
    assert client.validate_fulfillment_order(order()) == []


def test_validate_checks_carrier_state_shipping_and_lines(client):
    problems = client.validate_fulfillment_order(order(
        carrier="Correos", state="Jalisco", tipo_envio="express", items=[OrderLine("", 0)]))
    assert len(problems) == 5
    assert "Correos" in problems[0] and "Will_Call" in problems[0]
    assert "MX-XX" in problems[1] and "económico / dia_siguiente" in problems[2]
    assert "SKU" in problems[3] and "quantity" in problems[4]


def test_invalid_order_is_refused_before_any_call(client):
    with responses.RequestsMock() as mock:
        with pytest.raises(RequestError, match="telefono") as caught:
            client.create_fulfillment_order(order(phone=""))
        assert caught.value.code == "invalid_order" and not mock.calls
        assert [problem.params["field"] for problem in caught.value.problems] == ["telefono"]


@pytest.mark.parametrize("status, message, error", [
    (400, "seller_not_found", AuthenticationError), (404, "invalid_token", AuthenticationError),
    (422, "orders_params_missing", RequestError),
])
@responses.activate
def test_create_fulfillment_order_errors(client, status, message, error):
    responses.post(url("/shopi_orders/multicanal_api"), status=status, json={"message": MSG[message]})
    with pytest.raises(error):
        client.create_fulfillment_order(order())


@responses.activate
def test_get_orders_finds_an_order(client):
    responses.get(url("/shopi_orders/get_orders"), json=ANSWERS["get_orders_200"],
                  match=[matchers.query_param_matcher(SEED["get_orders_params"])])
    found = client.get_orders("Shopify", "#1203")
    assert (found.order_id, found.num_orden, found.canal, found.carrier, found.tracking_number,
            found.fulfillment_status) == ("5021", "#1203", "Shopify", "Estafeta", "7012345678", "pausado")
    assert found.label_url.endswith("/5021.pdf")
    assert "orden=%231203" in responses.calls[0].request.url


@pytest.mark.parametrize("status", [200, 404])
@responses.activate
def test_get_orders_not_found_is_none(client, status):
    responses.get(url("/shopi_orders/get_orders"), status=status, json={"message": MSG["order_not_found"]})
    assert client.get_orders("Shopify", "#9999") is None


@pytest.mark.parametrize("message, error", [
    ("seller_not_found", AuthenticationError), ("invalid_token", AuthenticationError),
    ("orders_params_missing", RequestError),
])
@responses.activate
def test_get_orders_errors(client, message, error):
    responses.get(url("/shopi_orders/get_orders"), status=404, json={"message": MSG[message]})
    with pytest.raises(error, match=MSG[message]):
        client.get_orders("Shopify", "")


# -- entry orders --------------------------------------------------------------------------


@responses.activate
def test_create_entry_order(client):
    example = SEED["entry_order_body"]
    expected = {"entry_order": {sku: int(qty) for sku, qty in example["entry_order"].items()}}
    responses.post(url("/entradas/nueva_entrada_api"), json=ANSWERS["entry_order_200"],
                   match=[matchers.json_params_matcher(expected, strict_match=True)])
    result = client.create_entry_order(example["entry_order"])
    assert result == EntryOrderResult(order_token="ENT-7f3a9c", message="Success") and result.created


@responses.activate
def test_entry_order_401_returns_the_rejected_items(client):
    responses.post(url("/entradas/nueva_entrada_api"), status=401, json=ANSWERS["entry_order_401"])
    result = client.create_entry_order({"PRO20PRO": 5, "PRO10PRO": 50})
    assert result.rejected == ["PRO10PRO"] and not result.created


def test_entry_order_quantities_are_checked_first(client):
    with pytest.raises(RequestError, match="PRO20PRO") as caught:
        client.create_entry_order({"PRO20PRO": 0})
    assert caught.value.code == "invalid_quantity"
    with pytest.raises(RequestError, match="nothing to send"):
        client.create_entry_order({})


@pytest.mark.parametrize("status, message, error", [
    (402, "entry_order_null", RequestError), (403, "entry_order_missing", RequestError),
    (400, "user_not_found", AuthenticationError), (404, "invalid_authorization", AuthenticationError),
])
@responses.activate
def test_entry_order_errors(client, status, message, error):
    responses.post(url("/entradas/nueva_entrada_api"), status=status, json={"message": MSG[message]})
    with pytest.raises(error) as caught:
        client.create_entry_order({"A": 1})
    assert type(caught.value) is error and caught.value.status == status


@responses.activate
def test_entry_order_without_token_is_a_payload_error(client):
    responses.post(url("/entradas/nueva_entrada_api"), json={"message": "Success"})
    with pytest.raises(PayloadError, match="order token"):
        client.create_entry_order({"A": 1})


# -- shipment events -----------------------------------------------------------------------


@responses.activate
def test_get_shipment_events(client):
    params = SEED["shipment_events_params"]
    responses.get(url("/shipment_events/get_events"), json=ANSWERS["shipment_events_200"],
                  match=[matchers.query_param_matcher({"order_id": str(params["order_id"])})])
    events = client.get_shipment_events(params["order_id"])
    assert events == [
        ShipmentEvent("en_transito", "Paquete recolectado", "2026-03-02T10:00:00-06:00", "7012345678", "1",
                      "Estafeta"),
        ShipmentEvent("entregado", "Entregado al cliente", "2026-03-04T12:30:00-06:00", "7012345678", "2",
                      "Estafeta"),
    ]


@pytest.mark.parametrize("message, error, code", [
    ("events_order_not_found", RequestError, "not_found"), ("order_id_missing", RequestError, "bad_request"),
    ("seller_not_found", AuthenticationError, "auth"), ("user_not_found", AuthenticationError, "auth"),
    ("invalid_authorization", AuthenticationError, "auth"),
])
@responses.activate
def test_shipment_events_errors(client, message, error, code):
    responses.get(url("/shipment_events/get_events"), status=404, json={"message": MSG[message]})
    with pytest.raises(error) as caught:
        client.get_shipment_events(5021)
    assert (type(caught.value), caught.value.code) == (error, code)


# -- webhooks ------------------------------------------------------------------------------


@responses.activate
def test_list_webhooks(client):
    responses.get(url("/webhooks/consultar"), json=ANSWERS["webhooks_200"])
    assert client.list_webhooks() == [Webhook("3", "order/created", "www.example.com/notificaciones"),
                                      Webhook("4", "shipment_event/created", "www.example.com/eventos")]


@pytest.mark.parametrize("message", ["user_not_found", "invalid_authorization"])
@responses.activate
def test_list_webhooks_auth_errors(client, message):
    responses.get(url("/webhooks/consultar"), status=404, json={"message": MSG[message]})
    with pytest.raises(AuthenticationError):
        client.list_webhooks()


@responses.activate
def test_create_webhook_sends_the_seed_example(client):
    body = SEED["webhook_create_body"]
    responses.post(url("/webhooks/crear"), json=ANSWERS["webhook_create_200"],
                   match=[matchers.json_params_matcher(body, strict_match=True)])
    registration = client.create_webhook(body["tipo"], body["url"])
    assert registration.created and not registration.conflict
    assert registration.webhook == Webhook("3", "order/created", "www.example.com/notificaciones")


@responses.activate
def test_create_webhook_existing_with_another_url_is_a_conflict(client):
    responses.post(url("/webhooks/crear"), status=404, json={"message": MSG["webhook_exists"]})
    registration = client.create_webhook("order/created", "https://odoo.example.com/hook")
    assert registration.conflict and not registration.created and registration.webhook is None
    assert registration.message == MSG["webhook_exists"]


@pytest.mark.parametrize("body, error, text", [
    ({"message": "Error al crear Webhook", "error": "url inválida"}, RequestError, "url inválida"),
    ({"message": MSG["webhook_unknown"]}, RequestError, "desconocido"),
    ({"message": MSG["webhook_params"]}, RequestError, "Parametros incompletos"),
    ({"message": MSG["user_not_found"]}, AuthenticationError, "user id"),
    ({"message": MSG["invalid_authorization"]}, AuthenticationError, "access token"),
])
@responses.activate
def test_create_webhook_errors(client, body, error, text):
    responses.post(url("/webhooks/crear"), status=404, json=body)
    with pytest.raises(error, match=text):
        client.create_webhook("order/updated", "https://odoo.example.com/hook")


def test_create_webhook_unknown_topic_fails_before_any_call(client):
    with pytest.raises(RequestError, match="shipment_event/created") as caught:
        client.create_webhook("orders/CRATED", "x")
    assert caught.value.code == "invalid_topic"


@responses.activate
def test_delete_webhook_sends_the_seed_example(client):
    responses.post(url("/webhooks/eliminar"), json={"message": "Success"},
                   match=[matchers.json_params_matcher(SEED["webhook_delete_body"], strict_match=True)])
    assert client.delete_webhook(3) is True


@responses.activate
def test_delete_unknown_webhook_is_false(client):
    responses.post(url("/webhooks/eliminar"), status=404, json={"message": MSG["webhook_not_found"]})
    assert client.delete_webhook(4) is False


@pytest.mark.parametrize("message, error", [
    ("webhook_id_missing", RequestError), ("user_not_found", AuthenticationError),
    ("invalid_authorization", AuthenticationError),
])
@responses.activate
def test_delete_webhook_errors(client, message, error):
    responses.post(url("/webhooks/eliminar"), status=404, json={"message": MSG[message]})
    with pytest.raises(error):
        client.delete_webhook("x")


# -- webhook payloads ----------------------------------------------------------------------


def test_parse_order_webhook(client):
    event = client.parse_webhook("order/updated", json.dumps(ANSWERS["webhook_order_updated"]).encode())
    assert (event.topic, event.order_ref, event.channel, event.tracking_number, event.carrier, event.status,
            event.delivered) == ("order/updated", "5021", "Shopify", "7012345678", "Estafeta", "enviado", False)


def test_parse_shipment_event_webhook_delivered(client):
    event = client.parse_webhook("shipment_event/created", ANSWERS["webhook_shipment_event"])
    assert (event.order_ref, event.status, event.delivered, event.carrier) == ("5021", "entregado", True, "Estafeta")


@pytest.mark.parametrize("body, text", [
    (b"<html>", "not JSON"), ("[1, 2]", "not a JSON object"), ({"canal": "Shopify"}, "names no order"),
])
def test_bad_webhook_body_is_a_payload_error(client, body, text):
    with pytest.raises(PayloadError, match=text):
        client.parse_webhook("order/created", body)


# -- transport errors ----------------------------------------------------------------------


@responses.activate
def test_credential_errors_say_what_to_check_and_hide_the_token(client):
    responses.get(url("/items/get_stock"), status=403, json={"message": MSG["user_not_found"]})
    with pytest.raises(AuthenticationError) as caught:
        client.get_stock("A")
    text = str(caught.value)
    assert "access token and the user id" in text and TOKEN not in text and not caught.value.retryable


@responses.activate
def test_secret_in_a_refusal_is_redacted(client):
    responses.post(url("/items/delete_item"), status=402, json={"message": f"bad token {TOKEN}"})
    with pytest.raises(RequestError) as caught:
        client.delete_item(1)
    assert TOKEN not in str(caught.value) and "***" in str(caught.value)


@responses.activate
def test_5xx_429_and_timeouts_are_transient(client):
    responses.get(url("/webhooks/consultar"), status=502, json={"message": "Bad gateway"})
    with pytest.raises(TransientError, match="Bad gateway") as caught:
        client.list_webhooks()
    assert caught.value.retryable
    responses.replace(responses.GET, url("/webhooks/consultar"), status=429, headers={"Retry-After": "4"})
    with pytest.raises(RateLimitError) as caught:
        client.list_webhooks()
    assert caught.value.retry_after == 4
    responses.replace(responses.GET, url("/webhooks/consultar"), body=requests.Timeout("slow"))
    with pytest.raises(TransientError) as caught:
        client.test_connection()
    assert caught.value.code == "timeout"


@responses.activate
def test_5xx_on_an_accepted_status_path_is_transient(client):
    responses.post(url("/webhooks/crear"), status=503, body="down")
    with pytest.raises(TransientError):
        client.create_webhook("order/created", "x")


@responses.activate
def test_not_json_is_a_payload_error(client):
    responses.get(url("/webhooks/consultar"), body="<html>mantenimiento</html>")
    with pytest.raises(PayloadError, match="not JSON"):
        client.list_webhooks()


@responses.activate
def test_401_without_message_is_an_authentication_error(client):
    responses.get(url("/items/get_stock"), status=401, body="")
    with pytest.raises(AuthenticationError):
        client.get_stock("A")



# -- the shapes the sandbox serves (const.py "chosen") --------------------------------------


SANDBOX_ORDER = {"order_id": 5022, "num_orden": "#1203", "orden_id": "SHOP-1203", "customer": "Ana López",
                 "carrier_name": "Fedex", "canal": "Shopify", "Estado": "MX-DF", "tipo_envio": "económico",
                 "asegurado": False, "items": [{"sku": "PRO20PRO", "cantidad": 2}], "fulfillment_status": "enviado",
                 "tracking_number": "MF5022123456", "url_guia_pdf": "https://fulfillment.marketful.mx/guias/MF5022.pdf",
                 "created_at": "2026-03-02T10:00:00-06:00", "updated_at": "2026-03-02T11:00:00-06:00"}
SANDBOX_EVENT = {"id": 90002, "order_id": 5022, "num_orden": "#1203", "canal": "Shopify", "status": "entregado",
                 "description": "Pedido entregado", "carrier_name": "Fedex", "tracking_number": "MF5022123456",
                 "created_at": "2026-03-04T12:30:00-06:00"}


def envelope(topic, data):
    return {"tipo": topic, "webhook_id": 2, "user": "sandbox-user", "data": data}


def test_parse_order_webhook_envelope(client):
    event = client.parse_webhook(None, json.dumps(envelope("order/updated", SANDBOX_ORDER)).encode())
    assert (event.topic, event.order_ref, event.number, event.order_id, event.channel, event.event_id,
            event.status, event.delivered, event.tracking_number, event.carrier, event.label_url) == (
        "order/updated", "5022", "#1203", "SHOP-1203", "Shopify", "", "enviado", False, "MF5022123456", "Fedex",
        "https://fulfillment.marketful.mx/guias/MF5022.pdf")
    assert event.payload["webhook_id"] == 2


def test_parse_shipment_event_webhook_envelope(client):
    event = client.parse_webhook("shipment_event/created", envelope("shipment_event/created", SANDBOX_EVENT))
    # the order is Marketful's order id, never the event's own id
    assert (event.order_ref, event.event_id, event.number, event.order_id, event.status, event.delivered,
            event.carrier, event.tracking_number) == (
        "5022", "90002", "#1203", "", "entregado", True, "Fedex", "MF5022123456")


def test_parse_webhook_type_comes_from_the_payload(client):
    event = client.parse_webhook("order/created", envelope("shipment_event/created", SANDBOX_EVENT))
    assert (event.topic, event.order_ref, event.event_id) == ("shipment_event/created", "5022", "90002")
    with pytest.raises(PayloadError, match="unknown type"):
        client.parse_webhook(None, SANDBOX_ORDER)  # a bare object needs the topic
    with pytest.raises(PayloadError, match="orders/CRATED"):
        client.parse_webhook(None, envelope("orders/CRATED", SANDBOX_ORDER))
    with pytest.raises(PayloadError, match="names no order"):
        client.parse_webhook(None, envelope("shipment_event/created", {"id": 9, "status": "enviado"}))


@pytest.mark.parametrize("topic, body", [
    ("order/updated", envelope("order/updated", SANDBOX_ORDER)),
    ("shipment_event/created", envelope("shipment_event/created", SANDBOX_EVENT)),
    ("order/created", envelope("order/created", {"id": 5023, "canal": "Odoo"})),
    ("order/updated", ANSWERS["webhook_order_updated"]),
    ("shipment_event/created", ANSWERS["webhook_shipment_event"]),
])
def test_webhook_essentials_read_again_give_the_same_event_without_the_rest(topic, body):
    event = MarketfulClient.parse_webhook(topic, body)
    kept = MarketfulClient.webhook_essentials(event)
    assert "user" not in kept and "webhook_id" not in kept and "sandbox-user" not in json.dumps(kept)
    again = MarketfulClient.parse_webhook(None, json.loads(json.dumps(kept)))
    assert (again.topic, again.order_ref, again.number, again.order_id, again.channel, again.event_id, again.status,
            again.delivered, again.tracking_number, again.carrier, again.label_url) == (
        event.topic, event.order_ref, event.number, event.order_id, event.channel, event.event_id, event.status,
        event.delivered, event.tracking_number, event.carrier, event.label_url)


@responses.activate
def test_create_items_reads_the_sandbox_errors(client):
    answer = {"message": "The following Items could not be saved",
              "items_saved": [{"item_id": 7006, "sku": "ABCD12", "title": "Pluma Roja", "list_price": 355.0,
                               "available_quantity": 0}],
              "items_errors": [{"index": 1, "sku": None, "errors": ["sku is required (string)"]}]}
    responses.post(url("/items/create_item"), status=201, json=answer)
    assert client.create_items([ITEMS[0], Item(sku="", title="Sin SKU", list_price=1)]) == [
        ItemResult("ABCD12", True, "7006"), ItemResult("", False, reason="sku is required (string)", index=1)]
    answer["items_errors"][0]["index"] = 0
    answer["items_errors"][0]["sku"] = None
    responses.replace(responses.POST, url("/items/create_item"), status=201, json=answer)
    assert client.create_items(ITEMS)[1] == ItemResult("ABCD12", False, reason="sku is required (string)", index=0)


@responses.activate
def test_update_item_405_says_why(client):
    responses.post(url("/items/update_item"), status=405,
                   json={"message": "Item could not be updated", "errors": ["sku SKU1 already registered"]})
    with pytest.raises(RequestError) as caught:
        client.update_item(Item(item_id=7001, sku="SKU1"))
    assert str(caught.value) == ("Marketful refused the request (HTTP 405): Item could not be updated: "
                                 "sku SKU1 already registered")
    assert caught.value.code == "bad_request"


@responses.activate
def test_create_fulfillment_order_twice_is_already_exists(client):
    responses.post(url("/shopi_orders/multicanal_api"), status=409,
                   json={"message": "Orden ya existe", "order_id": 5021, "canal": "Shopify", "num_orden": "#1203"})
    with pytest.raises(RequestError) as caught:
        client.create_fulfillment_order(order())
    error = caught.value
    assert (error.code, error.status, error.params["order_ref"]) == ("already_exists", 409, "5021")
    assert "#1203" in str(error) and "Shopify" in str(error) and "5021" in str(error)


@responses.activate
def test_order_exists_message_at_another_status_is_already_exists(client):
    responses.post(url("/shopi_orders/multicanal_api"), status=400, json={"message": "Orden ya existe"})
    with pytest.raises(RequestError) as caught:
        client.create_fulfillment_order(order())
    assert caught.value.code == "already_exists"


@responses.activate
def test_invalid_order_answer_lists_the_reasons(client):
    responses.post(url("/shopi_orders/multicanal_api"), status=400, json={
        "message": "Invalid order", "errors": ["items[0]: Item NOPE not found", "Estado must be in format MX-XX"]})
    with pytest.raises(RequestError) as caught:
        client.create_fulfillment_order(order())
    assert caught.value.code == "bad_request"  # the order itself was found wrong, not "not found"
    assert "Invalid order: items[0]: Item NOPE not found; Estado must be in format MX-XX" in str(caught.value)


@responses.activate
def test_create_fulfillment_order_reads_the_sandbox_answer(client):
    responses.post(url("/shopi_orders/multicanal_api"),
                   json={"message": "Success", "description": "Order created successfully", "order": SANDBOX_ORDER})
    assert client.create_fulfillment_order(order()).order_id == "5022"


@responses.activate
def test_get_orders_reads_the_sandbox_order(client):
    responses.get(url("/shopi_orders/get_orders"), json={"message": "Success", "orden": SANDBOX_ORDER})
    found = client.get_orders("Shopify", "#1203")
    assert (found.order_id, found.num_orden, found.orden_id, found.carrier, found.fulfillment_status,
            found.label_url) == ("5022", "#1203", "SHOP-1203", "Fedex", "enviado", SANDBOX_ORDER["url_guia_pdf"])


@responses.activate
def test_get_shipment_events_reads_the_sandbox_events(client):
    shipped = dict(SANDBOX_EVENT, id=90001, status="enviado", description="Pedido enviado", carrier_name="DHL")
    responses.get(url("/shipment_events/get_events"), json={"message": "Success", "orden": {
        "order_id": 5022, "num_orden": "#1203", "canal": "Shopify", "fulfillment_status": "entregado",
        "tracking_number": "MF5022123456", "events": [shipped, SANDBOX_EVENT]}})
    assert client.get_shipment_events(5022) == [
        ShipmentEvent("enviado", "Pedido enviado", SANDBOX_EVENT["created_at"], "MF5022123456", "90001", "DHL",
                      "#1203", "Shopify"),
        ShipmentEvent("entregado", "Pedido entregado", SANDBOX_EVENT["created_at"], "MF5022123456", "90002", "Fedex",
                      "#1203", "Shopify"),
    ]


@responses.activate
def test_get_stock_prefers_available_quantity(client):
    responses.get(url("/items/get_stock"), json={"message": "Success", "sku": "SKU1", "item_id": 7001,
                                                 "available_quantity": 12, "avariable_quantity": 99})
    assert client.get_stock("SKU1") == Stock("SKU1", 12.0, item_id="7001")


# -- against the sandbox (the other side of the wire, written from the seed) -------------------


class Receiver:
    """A tiny HTTP server playing the module's webhook endpoint: keeps each raw body it receives."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.bodies = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/marketful/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def sandbox_url():
    server_module = pytest.importorskip("sandbox.server")
    marketful_module = pytest.importorskip("sandbox.marketful")
    server, thread = server_module.start_in_thread(port=0, marketplaces=[marketful_module.MarketfulMarketplace()],
                                                   log_requests=False)
    yield server.url
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def sandbox(sandbox_url):
    items = [{"sku": "PRO20PRO", "title": "Proteína 2 kg", "list_price": 899, "ean": "7501234500011",
              "available_quantity": 10}]
    answer = requests.post(f"{sandbox_url}/_sandbox/reset", json={"seed": 2, "marketful": {"items": items}}, timeout=5)
    assert answer.status_code == 200, answer.text
    receiver = Receiver()
    with MarketfulClient("sandbox-marketful-token", "sandbox-user", api_url=f"{sandbox_url}/marketful",
                         timeout=10) as marketful:
        yield marketful, sandbox_url, receiver
    receiver.close()


def test_client_against_the_sandbox(sandbox):
    marketful, base, receiver = sandbox
    for topic in const.WEBHOOK_TOPICS:
        assert marketful.create_webhook(topic, receiver.url).created
    assert {hook.topic for hook in marketful.list_webhooks()} == set(const.WEBHOOK_TOPICS)

    # items: one saved, one refused (no price), one refused (SKU taken): results, not an error
    results = marketful.create_items([Item(sku="TERMO750", title="Termo 750 ml", list_price=289.5, weight=0.4),
                                      Item(sku="SINPRECIO", title="Sin precio"),
                                      Item(sku="PRO20PRO", title="Otra vez", list_price=1)])
    saved = results[0]
    assert saved.saved and saved.sku == "TERMO750" and saved.item_id
    assert [(result.sku, result.saved, result.index) for result in results[1:]] == [
        ("SINPRECIO", False, 1), ("PRO20PRO", False, 2)]
    assert "list_price" in results[1].reason and "already registered" in results[2].reason
    assert marketful.get_stock("TERMO750").available_quantity == 0
    with pytest.raises(RequestError, match="already registered"):
        marketful.update_item(Item(item_id=saved.item_id, sku="PRO20PRO"))

    # a multichannel order from Odoo's values: state code CMX, street in one line
    parts = mapping.split_street("Av. Reforma 222 Int. 4")
    sent = order(num_orden="#5001", orden_id="S00042", state="CMX", street=parts.street,
                 exterior_number=parts.exterior, interior_number=parts.interior, carrier="fedex",
                 items=[OrderLine("PRO20PRO", 2)])
    created = marketful.create_fulfillment_order(sent)
    found = marketful.get_orders("Shopify", "#5001")
    assert (found.order_id, found.orden_id, found.carrier, found.fulfillment_status) == (
        created.order_id, "S00042", "Fedex", "pendiente")
    assert (found.payload["Estado"], found.payload["calle"], found.payload["no_exterior"],
            found.payload["no_interior"]) == ("MX-DF", "Av. Reforma", "222", "4")
    assert marketful.get_orders("Shopify", "#404") is None
    with pytest.raises(RequestError) as caught:
        marketful.create_fulfillment_order(sent)
    assert (caught.value.code, caught.value.params["order_ref"]) == ("already_exists", created.order_id)

    # the warehouse ships and delivers it (sandbox control API)
    shipped = requests.post(f"{base}/_sandbox/marketful/orders/{created.order_id}/ship", json={"tracking": "T1"},
                            timeout=10)
    assert shipped.status_code == 200, shipped.text
    assert requests.post(f"{base}/_sandbox/marketful/orders/{created.order_id}/deliver", timeout=10).status_code == 200
    assert marketful.get_stock("PRO20PRO").available_quantity == 8
    events = marketful.get_shipment_events(created.order_id)
    assert [(event.status, event.tracking_number, event.carrier, event.number, event.channel)
            for event in events] == [("enviado", "T1", "Fedex", "#5001", "Shopify"),
                                     ("entregado", "T1", "Fedex", "#5001", "Shopify")]

    # what the sandbox actually POSTed to the webhook URL
    parsed = [marketful.parse_webhook(None, body) for body in receiver.bodies]
    assert [(event.topic, event.status, event.delivered) for event in parsed] == [
        ("order/created", "pendiente", False),
        ("order/updated", "enviado", False), ("shipment_event/created", "enviado", False),
        ("order/updated", "entregado", True), ("shipment_event/created", "entregado", True)]
    assert {(event.order_ref, event.number, event.channel) for event in parsed} == {
        (created.order_id, "#5001", "Shopify")}
    assert [event.order_id for event in parsed if event.topic.startswith("order/")] == ["S00042"] * 3
    assert [event.event_id for event in parsed if event.topic.startswith("shipment")] == [
        event.event_id for event in events]
    assert parsed[1].label_url and parsed[1].tracking_number == "T1"

    # stock reconciliation: the warehouse counts again
    answer = requests.post(f"{base}/_sandbox/marketful/items/PRO20PRO/stock", json={"available_quantity": 3},
                           timeout=10)
    assert answer.status_code == 200, answer.text
    assert marketful.get_stock("PRO20PRO").available_quantity == 3
    assert marketful.get_stock_ean("7501234500011").available_quantity == 3

    # entry orders, and the credentials being checked
    assert marketful.create_entry_order({"PRO20PRO": 5}).created
    assert marketful.create_entry_order({"PRO20PRO": 5, "NOPE": 1}).rejected == ["NOPE"]
    with pytest.raises(AuthenticationError):
        MarketfulClient("wrong", "sandbox-user", api_url=f"{base}/marketful").get_stock("PRO20PRO")
