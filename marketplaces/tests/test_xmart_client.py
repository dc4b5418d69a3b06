"""X-Mart client, without Odoo: HTTP is mocked with ``responses``; requests are checked against
the paths and bodies of ``marketplaces/xmart/const.py``."""

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
from marketplaces.xmart import (
    CatalogList,
    Channel,
    ChannelSchedule,
    ListProduct,
    ListRef,
    MemoryTokenStore,
    Schedule,
    Store,
    XmartClient,
    const,
    mapping,
)
from marketplaces.xstak import MemoryTokenStore as XstakMemoryTokenStore

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
ORDER = json.loads((FIXTURES / "xmart_order_delivery.json").read_text())
STORE = json.loads((FIXTURES / "xmart_store.json").read_text())
API = "https://api.brand.test/xm"
TOKEN_URL = API + "/api/transactional/token"
SECRET = "xm-s3cr3t-value"


class Clock:
    def __init__(self, now=1_700_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def client(clock):
    with XmartClient("client-7", SECRET, api_url=API + "/", country="ec", timeout=5) as xmart:
        xmart.clock = clock
        yield xmart


def add_tokens(*tokens, expires_in=3600):
    for token in tokens:
        responses.post(TOKEN_URL, json={"access_token": token, "token_type": "Bearer", "expires_in": expires_in})


def bearer(token):
    return matchers.header_matcher({"Authorization": f"Bearer {token}"})


def calls_to(url):
    return [call for call in responses.calls if call.request.url.split("?")[0] == url]


def body_of(call):
    return json.loads(call.request.body)


def a_store(**values):
    store = Store(store_id="ST-001", vendor_id="BR-7", code="UIO-NORTE", name="Quito Norte", services=["DELIVERY"],
                  schedules=[ChannelSchedule("CH-APP", [Schedule("MONDAY", "08:00", "21:00")])],
                  channel_ids=["CH-APP"], latitude=-0.1807, longitude=-78.4846)
    for key, value in values.items():
        setattr(store, key, value)
    return store


def a_channel(**values):
    channel = Channel(channel_id="CH-APP", name="App", vendor_id="BR-7", reference_name="app",
                      lists=[ListRef("L-1", "Menu")])
    for key, value in values.items():
        setattr(channel, key, value)
    return channel


def a_list(**values):
    catalog = CatalogList(name="Menu", vendor_id="BR-7", channel_id="CH-APP", store_id="ST-001",
                          products=[ListProduct("FRIES-L", "Large fries", 3.75, "USD", category_id="C-2"),
                                    ListProduct("BURGER-CLASSIC", "Classic burger", 8.5, "USD", category_id="C-1",
                                                tax_rate=15, stock=20, images=["https://img/b1.jpg",
                                                                                "https://img/b2.jpg"])],
                          categories=[("C-2", "Sides"), ("C-1", "Burgers")])
    for key, value in values.items():
        setattr(catalog, key, value)
    return catalog


def test_factory_knows_xmart():
    assert get_client_class("xmart") is XmartClient


def test_token_store_classes_are_xstaks():
    assert MemoryTokenStore is XstakMemoryTokenStore


def test_country_must_be_iso2():
    assert XmartClient("c", "s", country=" ec ").country == "EC"
    with pytest.raises(ValueError, match="alpha-2"):
        XmartClient("c", "s", country="ECU")


# -- token ------------------------------------------------------------------------------------


@responses.activate
def test_token_request_body_and_cache_expiry(client, clock):
    responses.post(TOKEN_URL, match=[matchers.json_params_matcher({
        "grant_type": "client_credentials", "client_id": "client-7", "client_secret": SECRET})],
        json={"access_token": "tok-A", "token_type": "Bearer", "expires_in": 600})
    assert client.get_token() == "tok-A"
    assert client.token_store.load() == ("tok-A", clock() + 600)
    assert "Authorization" not in calls_to(TOKEN_URL)[0].request.headers


@responses.activate
def test_token_is_cached_across_calls(client):
    add_tokens("tok-A")
    responses.get(API + "/api/v3/stores/ST-001", match=[bearer("tok-A")], json=STORE)
    for _ in range(3):
        client.get_store("ST-001")
    assert len(calls_to(TOKEN_URL)) == 1
    assert len(calls_to(API + "/api/v3/stores/ST-001")) == 3


@responses.activate
def test_token_is_renewed_within_the_margin(client, clock):
    add_tokens("tok-A")
    assert client.get_token() == "tok-A"
    responses.replace(responses.POST, TOKEN_URL, json={"access_token": "tok-B", "expires_in": 3600})
    clock.now += 3600 - const.EXPIRY_MARGIN - 1
    assert client.get_token() == "tok-A"
    clock.now += 2
    assert client.get_token() == "tok-B"
    assert len(calls_to(TOKEN_URL)) == 2


@responses.activate
def test_stored_token_is_used_and_replaced(clock):
    store = MemoryTokenStore("stored", clock() + 300)
    xmart = XmartClient("client-7", SECRET, token_store=store, api_url=API)
    xmart.clock = clock
    responses.get(API + "/api/v3/stores/ST-001", match=[bearer("stored")], json=STORE)
    xmart.get_store("ST-001")
    assert not calls_to(TOKEN_URL)
    store.save("old", clock() + const.EXPIRY_MARGIN)  # inside the margin: replaced
    add_tokens("fresh")
    assert xmart.get_token() == "fresh"
    assert store.load() == ("fresh", clock() + 3600)


@pytest.mark.parametrize("expires_in", [None, "soon", -5, 0])
@responses.activate
def test_missing_or_unreadable_lifetime_gives_the_default(client, clock, expires_in):
    answer = {"access_token": "tok-A"} if expires_in is None else {"access_token": "tok-A", "expires_in": expires_in}
    responses.post(TOKEN_URL, json=answer)
    client.get_token()
    assert client.token_store.load() == ("tok-A", clock() + const.DEFAULT_TOKEN_TTL)


@responses.activate
def test_401_gets_one_new_token_and_one_resend(client):
    add_tokens("tok-A")
    url = API + "/api/order/status"
    responses.post(url, match=[bearer("tok-A")], status=401, json={"message": "token expired"})
    responses.post(url, match=[bearer("tok-B")], json={"status": "success"})
    responses.replace(responses.POST, TOKEN_URL, json={"access_token": "tok-A", "expires_in": 3600})
    client.get_token()
    responses.replace(responses.POST, TOKEN_URL, json={"access_token": "tok-B", "expires_in": 3600})
    client.set_order_status("ORD-1", "Accepted")
    assert len(calls_to(TOKEN_URL)) == 2
    sent = calls_to(url)
    assert len(sent) == 2 and body_of(sent[0]) == body_of(sent[1]) == {"order_id": "ORD-1", "status": "Accepted"}
    assert client.token_store.load()[0] == "tok-B"


@responses.activate
def test_second_401_is_an_authentication_error(client):
    add_tokens("tok-A")
    client.get_token()
    responses.replace(responses.POST, TOKEN_URL, json={"access_token": "tok-B", "expires_in": 3600})
    responses.get(API + "/api/v3/orders/ORD-1", status=401, json={"message": "tok-B is not valid"})
    with pytest.raises(AuthenticationError) as caught:
        client.get_order("ORD-1")
    assert len(calls_to(TOKEN_URL)) == 2 and len(calls_to(API + "/api/v3/orders/ORD-1")) == 2
    assert caught.value.status == 401 and not caught.value.retryable
    assert "tok-B" not in str(caught.value) and "*** is not valid" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403])
@responses.activate
def test_refused_client_says_what_to_check_without_the_secret(client, status):
    responses.post(TOKEN_URL, status=status, json={"message": "invalid_client", "errors": [f"bad secret {SECRET}"]})
    with pytest.raises(AuthenticationError) as caught:
        client.get_stores("BR-7")
    text = str(caught.value)
    assert "client id (client-7)" in text and "client secret" in text
    assert SECRET not in text and "bad secret ***" in text
    assert caught.value.status == status and caught.value.code == "auth"
    assert len(responses.calls) == 1


@responses.activate
def test_token_endpoint_down_is_transient_and_redacted(client):
    responses.post(TOKEN_URL, status=503, json={"message": f"down while checking {SECRET}"})
    with pytest.raises(TransientError) as caught:
        client.test_connection()
    assert caught.value.retryable and SECRET not in str(caught.value)


@responses.activate
def test_wrong_api_url_is_named_at_the_token_call(client):
    responses.post(TOKEN_URL, status=404, json={"message": "no route"})
    with pytest.raises(RequestError) as caught:
        client.test_connection()
    assert caught.value.code == "not_found" and "check the API URL" in str(caught.value)


def test_missing_credentials_fail_before_any_call():
    with pytest.raises(AuthenticationError, match="client id, client secret"):
        XmartClient(" ", "", api_url=API).get_token()


@pytest.mark.parametrize("call", [
    lambda xmart: xmart.test_connection(),
    lambda xmart: xmart.get_stores("BR-7"),
    lambda xmart: xmart.get_order("ORD-1"),
    lambda xmart: xmart.set_order_status("ORD-1", "Ready"),
    lambda xmart: xmart.put_list(a_list()),
])
@responses.activate
def test_no_api_url_is_refused_before_any_call(call):
    xmart = XmartClient("client-7", SECRET)
    with pytest.raises(RequestError) as caught:
        call(xmart)
    assert caught.value.code == "no_api_url" and "API URL" in str(caught.value)
    assert not responses.calls


@responses.activate
def test_test_connection_forces_a_new_token(client):
    add_tokens("tok-N")
    client.token_store.save("cached", client.clock() + 10_000)
    assert client.test_connection() is True
    assert client.token_store.load()[0] == "tok-N"


# -- stores and channels --------------------------------------------------------------------------


@responses.activate
def test_get_stores_by_brand(client):
    add_tokens("tok-A")
    other = dict(STORE, storeId="ST-002", storeCode="UIO-SUR", status="INACTIVE")
    responses.get(API + "/api/v3/stores", match=[bearer("tok-A"), matchers.query_param_matcher({"vendorId": "BR-7"})],
                  json={"stores": [STORE, other]})
    stores = client.get_stores("BR-7")
    assert [(store.store_id, store.code, store.status, store.active) for store in stores] == [
        ("ST-001", "UIO-NORTE", "ACTIVE", True), ("ST-002", "UIO-SUR", "INACTIVE", False)]


@responses.activate
def test_get_stores_of_an_unknown_brand_is_empty(client):
    add_tokens("tok-A")
    responses.get(API + "/api/v3/stores", json={"stores": []})
    assert client.get_stores("nobody") == []
    with pytest.raises(ValueError):
        client.get_stores(" ")


@responses.activate
def test_get_store_maps_every_field(client):
    add_tokens("tok-A")
    responses.get(API + "/api/v3/stores/ST-001", json=STORE)
    store = client.get_store("ST-001")
    assert (store.store_id, store.vendor_id, store.code, store.name, store.status) == \
        ("ST-001", "BR-7", "UIO-NORTE", "Quito Norte", "ACTIVE")
    assert store.services == ["DELIVERY", "PICKUP"]
    assert store.schedules == [ChannelSchedule("CH-APP", [Schedule("MONDAY", "08:00", "21:00"),
                                                          Schedule("SATURDAY", "10:00", "23:00")])]
    assert (store.tax_rate, store.tax_included, store.phone, store.email, store.contact_name) == \
        (15, True, "+59322501234", "norte@brand.example", "Ana Torres")
    assert (store.zone_ids, store.delivery_fee, store.minimum_order) == (["ZN-1", "ZN-2"], 2.5, 8)
    assert (store.city_id, store.city_name, store.sector_id, store.address, store.latitude, store.longitude) == \
        ("UIO", "Quito", "SEC-12", "Av. Amazonas N34-120", -0.1807, -78.4846)
    assert store.channel_ids == ["CH-APP"] and store.payload == STORE
    assert mapping.store_payload(store) == STORE  # what X-Mart sent, sent back unchanged


@responses.activate
def test_store_ids_are_quoted_in_paths(client):
    add_tokens("tok-A")
    responses.get(API + "/api/v3/stores/ST%2F1%20b", json=dict(STORE, storeId="ST/1 b"))
    assert client.get_store("ST/1 b").store_id == "ST/1 b"


@pytest.mark.parametrize("active, status", [(True, "ACTIVE"), (False, "INACTIVE")])
@responses.activate
def test_set_store_status(client, active, status):
    add_tokens("tok-A")
    responses.put(API + "/api/v3/stores/ST-001/status", match=[bearer("tok-A"),
                                                              matchers.json_params_matcher({"status": status})],
                  json=dict(STORE, status=status))
    assert client.set_store_status("ST-001", active).status == status


@responses.activate
def test_save_channels_stores_sends_the_whole_configuration(client):
    add_tokens("tok-A")
    new_store = a_store(store_id="", code="GYE-01", name="Guayaquil 1", services=["PICKUP"], schedules=[],
                        latitude=None, longitude=None)
    responses.post(API + "/api/v3/channels-stores", match=[bearer("tok-A")],
                   json={"status": "success", "stores": 2, "channels": 1, "storeIds": {"GYE-01": "ST-900"}})
    result = client.save_channels_stores([a_store(), new_store], [a_channel()])
    assert (result.stores, result.channels, result.store_ids) == (2, 1, {"UIO-NORTE": "ST-001", "GYE-01": "ST-900"})
    body = body_of(calls_to(API + "/api/v3/channels-stores")[0])
    assert body["channels"] == [{"channelId": "CH-APP", "channel": "App", "vendorId": "BR-7",
                                 "channelReferenceName": "app",
                                 "additionalInfo": {"relatedLists": [{"listId": "L-1", "listName": "Menu"}]}}]
    assert body["stores"][0] == {
        "storeId": "ST-001", "vendorId": "BR-7", "storeCode": "UIO-NORTE", "storeName": "Quito Norte",
        "status": "ACTIVE", "services": ["DELIVERY"],
        "schedulesByChannel": [{"channelId": "CH-APP", "schedules": [{"day": "MONDAY", "from": "08:00",
                                                                      "to": "21:00"}]}],
        "taxesInfo": {"taxRate": 0, "taxIncluded": True},
        "contactInfo": {"phone": "", "email": "", "contactName": ""},
        "deliveryInfo": {"zoneIds": [], "deliveryFee": 0, "minimumOrder": 0},
        "locationInfo": {"cityId": "", "cityName": "", "sectorId": "", "address": "", "latitude": -0.1807,
                         "longitude": -78.4846},
        "storeChannels": ["CH-APP"]}
    assert body["stores"][1]["storeId"] == "" and body["stores"][1]["locationInfo"]["latitude"] is None


@responses.activate
def test_bad_or_empty_configuration_is_never_sent(client):
    with pytest.raises(RequestError) as caught:
        client.save_channels_stores([a_store(status="OPEN", channel_ids=["CH-GONE"])], [a_channel()])
    assert caught.value.code == "invalid_configuration"
    assert "status 'OPEN'" in str(caught.value) and "CH-GONE" in str(caught.value)
    with pytest.raises(RequestError) as caught:
        client.save_channels_stores([], [])
    assert caught.value.code == "empty_configuration"
    assert not responses.calls


def test_configuration_problems():
    problems = mapping.configuration_problems(
        [a_store(), a_store(store_id="ST-002", name="", services=["DELIVERY", "DRONE"],
                            schedules=[ChannelSchedule("CH-APP", [Schedule("FUNDAY", "22:00", "02:00")])],
                            latitude=91, tax_rate=150)],
        [a_channel(), a_channel(vendor_id="")])
    text = " | ".join(problems)
    for expected in ("Store code UIO-NORTE is used by two stores", "has no name", "DRONE is not a service",
                     "'FUNDAY' is not a day", "slot 22:00-02:00", "latitude 91", "tax rate 150",
                     "Channel CH-APP is there twice", "Channel CH-APP has no brand"):
        assert expected in text, expected
    assert problems[0].template.startswith("Channel %(channel)s")  # translatable templates kept
    assert mapping.configuration_problems([a_store()], [a_channel()]) == []


def test_channel_round_trip_and_bad_payloads():
    payload = mapping.channel_payload(a_channel())
    assert mapping.channel_from_payload(payload) == a_channel()
    with pytest.raises(PayloadError, match="channelId"):
        mapping.channel_from_payload({"channel": "App"})
    with pytest.raises(PayloadError, match="storeId"):
        mapping.store_from_payload(dict(STORE, storeId=None))
    with pytest.raises(PayloadError, match="not a JSON object"):
        mapping.store_from_payload(["ST-001"])


# -- lists ----------------------------------------------------------------------------------------


@responses.activate
def test_put_list_sends_the_list(client):
    add_tokens("tok-A")
    responses.put(API + "/api/v3/products", match=[bearer("tok-A")],
                  json={"listId": "L-77", "name": "Menu", "active": True, "syncId": "SY-1"})
    result = client.put_list(a_list())
    assert (result.list_id, result.name, result.active, result.sync_id) == ("L-77", "Menu", True, "SY-1")
    sent = body_of(calls_to(API + "/api/v3/products")[0])
    assert sent == {"list": {
        "listName": "Menu", "vendorId": "BR-7", "ecommerceChannelId": "CH-APP", "storeId": "ST-001",
        "categories": [{"categoryId": "C-1", "name": "Burgers"}, {"categoryId": "C-2", "name": "Sides"}],
        "modifierGroups": [],
        "products": [
            {"productId": "BURGER-CLASSIC", "name": "Classic burger", "description": "", "categoryId": "C-1",
             "ean": "", "priceInfo": {"price": 8.5, "currency": "USD"}, "taxesInfo": {"taxRate": 15},
             "stock": 20, "available": True, "schedules": [],
             "images": [{"url": "https://img/b1.jpg", "position": 1}, {"url": "https://img/b2.jpg", "position": 2}]},
            {"productId": "FRIES-L", "name": "Large fries", "description": "", "categoryId": "C-2", "ean": "",
             "priceInfo": {"price": 3.75, "currency": "USD"}, "taxesInfo": {"taxRate": 0}, "stock": 0,
             "available": True, "schedules": [], "images": []}]}}


@responses.activate
def test_put_list_with_an_id_replaces_it(client):
    add_tokens("tok-A")
    responses.put(API + "/api/v3/products", json={"listId": "L-77", "active": False})
    result = client.put_list(a_list(list_id="L-77"))
    assert body_of(calls_to(API + "/api/v3/products")[0])["list"]["listId"] == "L-77"
    assert (result.name, result.active, result.sync_id) == ("Menu", False, "")


@responses.activate
def test_bad_list_is_never_sent(client):
    bad = a_list(products=[ListProduct("A", "", -1, ""), ListProduct("A", "Again", 2, "USD", category_id="C-9")])
    with pytest.raises(RequestError) as caught:
        client.put_list(bad)
    text = str(caught.value)
    assert caught.value.code == "invalid_list"
    for expected in ("product A has no name", "price -1", "no currency", "SKU A is there twice", "category C-9"):
        assert expected in text, expected
    assert not responses.calls


@responses.activate
def test_sync_report(client):
    add_tokens("tok-A")
    responses.get(API + "/api/v3/lists/L-77/sync-report", match=[bearer("tok-A")], json={
        "listId": "L-77", "syncId": "SY-1", "status": "FINISHED", "processedAt": "2024-11-05T12:00:00-05:00",
        "total": 2, "errors": [{"productId": "FRIES-L", "message": "image unreachable"}]})
    report = client.get_sync_report("L-77")
    assert (report.list_id, report.sync_id, report.status, report.total, report.processing) == \
        ("L-77", "SY-1", "FINISHED", 2, False)
    assert report.processed_at == datetime(2024, 11, 5, 17, tzinfo=timezone.utc)
    assert report.processed_at.tzinfo is timezone.utc
    assert [(error.product_id, error.message) for error in report.errors] == [("FRIES-L", "image unreachable")]


@responses.activate
def test_sync_report_processing_and_unknown_status(client):
    add_tokens("tok-A")
    url = API + "/api/v3/lists/L-77/sync-report"
    responses.get(url, json={"listId": "L-77", "syncId": "SY-2", "status": "PROCESSING", "processedAt": None,
                             "total": 0, "errors": []})
    report = client.get_sync_report("L-77")
    assert report.processing and report.processed_at is None
    responses.replace(responses.GET, url, json={"status": "DONE"})
    with pytest.raises(PayloadError, match="status"):
        client.get_sync_report("L-77")


# -- orders ---------------------------------------------------------------------------------------


@responses.activate
def test_get_order_keeps_the_payload(client):
    add_tokens("tok-A")
    responses.get(API + "/api/v3/orders/ORD-88001", match=[bearer("tok-A")], json=ORDER)
    raw = client.get_order("ORD-88001")
    assert (raw.ref, raw.number, raw.payload) == ("ORD-88001", "XM-100245", ORDER)
    order = client.parse_order(raw.payload)
    assert order.buyer.address.country_code == "EC" and order.grand_total == pytest.approx(28.05)


@responses.activate
def test_get_order_refuses_another_order_and_keeps_a_bad_one(client):
    add_tokens("tok-A")
    responses.get(API + "/api/v3/orders/ORD-1", json=ORDER)
    with pytest.raises(PayloadError, match="ORD-88001 when asked for order ORD-1"):
        client.get_order("ORD-1")
    broken = {"orderNumber": "XM-9", "items": "?"}
    responses.replace(responses.GET, API + "/api/v3/orders/ORD-1", json=broken)
    raw = client.get_order("ORD-1")  # stored as it is; its import fails later with a message
    assert (raw.ref, raw.number, raw.payload) == ("ORD-1", "XM-9", broken)


@responses.activate
def test_set_order_status_sends_each_status(client):
    add_tokens("tok-A")
    responses.post(API + "/api/order/status", match=[bearer("tok-A")], json={"status": "success"})
    for status in const.ORDER_STATUSES:
        assert client.set_order_status("ORD-1", status) is None
    assert [body_of(call) for call in calls_to(API + "/api/order/status")] == \
        [{"order_id": "ORD-1", "status": status} for status in const.ORDER_STATUSES]


@pytest.mark.parametrize("status", ["canceled", "New", "Pedido Recibido", "", None])
@responses.activate
def test_unknown_status_is_refused_before_any_call(client, status):
    with pytest.raises(RequestError) as caught:
        client.set_order_status("ORD-1", status)
    assert caught.value.code == "invalid_status" and "Canceled" in str(caught.value)
    assert not responses.calls


@responses.activate
def test_answer_that_is_not_success_is_refused(client):
    add_tokens("tok-A")
    responses.post(API + "/api/order/status", json={"status": "error", "message": "order closed"})
    with pytest.raises(RequestError) as caught:
        client.set_order_status("ORD-1", "Ready")
    assert caught.value.code == "refused" and "order closed" in str(caught.value)


@responses.activate
def test_register_tracking(client):
    add_tokens("tok-A")
    responses.post(API + "/api/order/tracking", match=[bearer("tok-A"), matchers.json_params_matcher({
        "order_id": "ORD-1", "tracking_number": "TRK-55", "carrier": "Servientrega",
        "tracking_url": "https://track.example/TRK-55"})], json={"status": "success"})
    client.register_tracking("ORD-1", "TRK-55", "Servientrega", "https://track.example/TRK-55")
    responses.replace(responses.POST, API + "/api/order/tracking", match=[matchers.json_params_matcher({
        "order_id": "ORD-2", "tracking_number": "T2", "carrier": "", "tracking_url": ""})], json={"status": "success"})
    client.register_tracking("ORD-2", "T2", None)
    with pytest.raises(RequestError) as caught:
        client.register_tracking("ORD-3", " ", "Servientrega")
    assert caught.value.code == "missing_tracking"
    assert len(calls_to(API + "/api/order/tracking")) == 2


@responses.activate
def test_transfer_order(client):
    add_tokens("tok-A")
    moved = dict(ORDER, storeId="ST-002")
    address = ORDER["shippingAddress"]
    responses.put(API + "/api/order/transfer", match=[bearer("tok-A"), matchers.json_params_matcher({
        "order": "ORD-88001", "from_store": "ST-001", "to_store": "ST-002", "processed_by": "ana@brand.example",
        "transfer_reason": "out of stock", "shipping_address": address})], json={"status": "success", "order": moved})
    assert client.transfer_order("ORD-88001", "ST-001", "ST-002", "ana@brand.example", "out of stock",
                                  shipping_address=address) == moved


@responses.activate
def test_transfer_without_address_sends_null_and_conflict_is_named(client):
    add_tokens("tok-A")
    responses.put(API + "/api/order/transfer", status=409, json={"message": "order already dispatched"})
    with pytest.raises(RequestError) as caught:
        client.transfer_order("ORD-1", "ST-001", "ST-002", "ana", "closing early")
    assert caught.value.code == "conflict" and caught.value.status == 409
    assert "transfer of order ORD-1 to store ST-002" in str(caught.value)
    assert "order already dispatched" in str(caught.value)
    assert body_of(calls_to(API + "/api/order/transfer")[0])["shipping_address"] is None
    with pytest.raises(RequestError) as caught:
        client.transfer_order("ORD-1", "ST-001", "ST-001", "ana", "same")
    assert caught.value.code == "invalid_transfer"
    assert len(calls_to(API + "/api/order/transfer")) == 1


@responses.activate
def test_mark_pickup_dispatched(client):
    add_tokens("tok-A")
    url = API + "/api/order/pickup/dispatched"
    responses.post(url, match=[bearer("tok-A"), matchers.json_params_matcher({"order_id": "ORD-88002"})],
                   json={"status": "success"})
    client.mark_pickup_dispatched("ORD-88002")
    responses.replace(responses.POST, url, status=409, json={"message": "not a PICKUP order"})
    with pytest.raises(RequestError) as caught:
        client.mark_pickup_dispatched("ORD-88001")
    assert caught.value.code == "conflict" and "not a PICKUP order" in str(caught.value)


@responses.activate
def test_redeem_coupon(client):
    add_tokens("tok-A")
    url = API + "/api/coupons/redeem"
    responses.post(url, match=[bearer("tok-A"), matchers.json_params_matcher({
        "uid": "U-42", "promotion_code": "WELCOME3", "order_id": "ORD-88001"})],
        json={"status": "success", "couponId": "CP-9", "discount": 3, "redeemedAt": "2024-11-05T12:40:00-05:00"})
    coupon = client.redeem_coupon("U-42", "WELCOME3", "ORD-88001")
    assert (coupon.coupon_id, coupon.discount) == ("CP-9", 3)
    assert coupon.redeemed_at == datetime(2024, 11, 5, 17, 40, tzinfo=timezone.utc)
    responses.replace(responses.POST, url, status=409, json={"message": "coupon already redeemed"})
    with pytest.raises(RequestError) as caught:
        client.redeem_coupon("U-42", "WELCOME3", "ORD-88001")
    assert caught.value.code == "conflict"
    responses.replace(responses.POST, url, status=404, json={"message": "unknown code"})
    with pytest.raises(RequestError) as caught:
        client.redeem_coupon("U-42", "NOPE", "ORD-88001")
    assert caught.value.code == "not_found" and "coupon NOPE for order ORD-88001" in str(caught.value)


@responses.activate
def test_get_payment(client):
    add_tokens("tok-A")
    responses.get(API + "/api/order/ORD-88001/payment", match=[bearer("tok-A")], json={
        "order_id": "ORD-88001", "method": "CARD", "status": "PAID", "amount": 28.05, "currency": "USD",
        "paidAt": "2024-11-05T17:35:10Z",
        "transactions": [{"id": "TX-1", "type": "CAPTURE", "amount": 28.05, "status": "APPROVED"}]})
    payment = client.get_payment("ORD-88001")
    assert (payment.order_id, payment.method, payment.status, payment.amount, payment.currency) == \
        ("ORD-88001", "CARD", "PAID", 28.05, "USD")
    assert payment.paid_at == datetime(2024, 11, 5, 17, 35, 10, tzinfo=timezone.utc)
    assert payment.transactions == [{"id": "TX-1", "type": "CAPTURE", "amount": 28.05, "status": "APPROVED"}]


@responses.activate
def test_unpaid_payment_has_no_date(client):
    add_tokens("tok-A")
    responses.get(API + "/api/order/ORD-88002/payment", json={"order_id": "ORD-88002", "method": "CASH",
                                                              "status": "PENDING", "amount": 12.75, "currency": "USD",
                                                              "paidAt": None, "transactions": []})
    payment = client.get_payment("ORD-88002")
    assert payment.paid_at is None and payment.transactions == []


# -- error mapping --------------------------------------------------------------------------------


@responses.activate
def test_404_is_not_found_and_names_the_order(client):
    add_tokens("tok-A")
    responses.get(API + "/api/v3/orders/ORD-404", status=404, json={"message": "Order not found"})
    with pytest.raises(RequestError) as caught:
        client.get_order("ORD-404")
    error = caught.value
    assert (error.code, error.status, error.retryable) == ("not_found", 404, False)
    assert str(error) == "X-Mart does not know order ORD-404 (HTTP 404): Order not found"


@pytest.mark.parametrize("status", [400, 422])
@responses.activate
def test_refused_body_lists_the_errors(client, status):
    add_tokens("tok-A")
    responses.put(API + "/api/v3/products", status=status, json={
        "message": "invalid list", "errors": ["products[0].priceInfo.price: required", "storeId: unknown"]})
    with pytest.raises(RequestError) as caught:
        client.put_list(a_list())
    error = caught.value
    assert (error.code, error.status) == ("bad_request", status)
    assert str(error) == (f"X-Mart refused list Menu (HTTP {status}): invalid list: "
                          "products[0].priceInfo.price: required; storeId: unknown")


@responses.activate
def test_429_5xx_and_timeouts_are_transient(client):
    add_tokens("tok-A")
    url = API + "/api/v3/stores/ST-001"
    responses.get(url, status=429, headers={"Retry-After": "7"}, json={"message": "slow down"})
    with pytest.raises(RateLimitError) as caught:
        client.get_store("ST-001")
    assert caught.value.retryable and caught.value.retry_after == 7
    responses.replace(responses.GET, url, status=502, json={"message": "bad gateway tok-A"})
    with pytest.raises(TransientError) as caught:
        client.get_store("ST-001")
    assert caught.value.code == "server_error" and "tok-A" not in str(caught.value)
    responses.replace(responses.GET, url, body=requests.Timeout())
    with pytest.raises(TransientError) as caught:
        client.get_store("ST-001")
    assert caught.value.code == "timeout"
    responses.replace(responses.GET, url, body=requests.ConnectionError())
    with pytest.raises(TransientError) as caught:
        client.get_store("ST-001")
    assert caught.value.code == "connection"


@responses.activate
def test_answers_that_cannot_be_read(client):
    add_tokens("tok-A")
    responses.get(API + "/api/v3/stores/ST-001", body="<html>maintenance</html>")
    with pytest.raises(PayloadError, match="not JSON"):
        client.get_store("ST-001")
    responses.put(API + "/api/v3/products", json={"name": "Menu"})
    with pytest.raises(PayloadError, match="listId"):
        client.put_list(a_list())
    responses.get(API + "/api/v3/stores", json={"stores": [{"storeCode": "X"}]})
    with pytest.raises(PayloadError, match="store X"):
        client.get_stores("BR-7")


# -- webhook --------------------------------------------------------------------------------------

WEBHOOK = {"event": "NEW_ORDER", "orderId": "ORD-88001", "storeId": "ST-001", "channelId": "CH-APP",
           "createdAt": "2024-11-05T12:34:56-05:00"}


@pytest.mark.parametrize("body", [json.dumps(WEBHOOK).encode(), json.dumps(WEBHOOK), WEBHOOK])
def test_webhook_is_read_from_bytes_text_or_dict(body):
    notice = XmartClient.parse_webhook(body)
    assert (notice.order_id, notice.store_id, notice.channel_id, notice.event) == \
        ("ORD-88001", "ST-001", "CH-APP", "NEW_ORDER")
    assert notice.created_at == datetime(2024, 11, 5, 17, 34, 56, tzinfo=timezone.utc)


def test_webhook_with_only_an_order_id():
    notice = XmartClient.parse_webhook({"event": "NEW_ORDER", "orderId": 88001, "createdAt": "yesterday"})
    assert (notice.order_id, notice.store_id, notice.channel_id, notice.created_at) == ("88001", "", "", None)


@pytest.mark.parametrize("body, message", [
    (b"not json", "not JSON"),
    (b"", "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (json.dumps(dict(WEBHOOK, event="ORDER_UPDATED")), "event 'ORDER_UPDATED' is not NEW_ORDER"),
    ({"orderId": "ORD-1"}, "event None"),
    (dict(WEBHOOK, orderId=""), "orderId"),
    ({"event": "NEW_ORDER"}, "orderId"),
    ("\xff", "not JSON"),
])
def test_bad_webhooks_are_payload_errors(body, message):
    with pytest.raises(PayloadError, match=message):
        XmartClient.parse_webhook(body)


def test_webhook_secret_comparison_fails_closed():
    assert XmartClient.webhook_secret_matches("abc", "abc")
    assert not XmartClient.webhook_secret_matches("abd", "abc")
    assert not XmartClient.webhook_secret_matches("", "")
    assert not XmartClient.webhook_secret_matches(None, "abc")
    assert not XmartClient.webhook_secret_matches("abc", "")


def test_order_payload_is_not_changed_by_parsing():
    payload = copy.deepcopy(ORDER)
    XmartClient("c", "s").parse_order(payload)
    assert payload == ORDER
