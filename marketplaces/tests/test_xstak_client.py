"""XStak client and mapping, without Odoo: HTTP is mocked with ``responses``."""

import copy
import json
import pathlib
from datetime import datetime, timedelta, timezone

import pytest
import requests
import responses
from responses import matchers

from marketplaces.base import AuthenticationError, PayloadError, TransientError
from marketplaces.xstak import MemoryTokenStore, XstakClient, XstakQuery, const, mapping

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
TOKEN_ANSWER = json.loads((FIXTURES / "xstak_token.json").read_text())
PAGE = json.loads((FIXTURES / "xstak_orders_page.json").read_text())
ORDER = PAGE["orders"][0]
TOKEN_URL = "https://api-copilot-stage-local.xstak.com/v1/admin/service-account/token"
ORDERS_URL = "https://oe-unc-stage-local.xstak.com/oe/v2/orders/sales_orders"
PKT = timezone(timedelta(hours=5))
QUERY = XstakQuery(order_status="pending", location_id="101", location_code=101,
                   start_date=datetime(2024, 10, 17, 5, 10, 6, tzinfo=PKT))
SECRET = "s3cr3t-value"


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
    with XstakClient("client-1", SECRET, "ACME", timeout=5) as xstak:
        xstak.clock = clock
        yield xstak


def token_answer(token, expires_in=300):
    return dict(TOKEN_ANSWER, access_token=token, expires_in=expires_in)


def add_tokens(*tokens, expires_in=300):
    """Token endpoint answering each token in turn (the last one repeats)."""
    return [responses.post(TOKEN_URL, json=token_answer(token, expires_in)) for token in tokens]


def calls_to(url):
    return [call for call in responses.calls if call.request.url.split("?")[0] == url]


# -- token ------------------------------------------------------------------------------------


@responses.activate
def test_token_request_sends_both_grant_keys(client):
    responses.post(TOKEN_URL, match=[matchers.json_params_matcher({
        "clientId": "client-1", "clientSecret": SECRET, "grant type": "client_credentials",
        "grantType": "client_credentials", "companyCode": "ACME"})], json=TOKEN_ANSWER)
    assert client.get_token() == TOKEN_ANSWER["access_token"]
    assert client.token_store.load() == (TOKEN_ANSWER["access_token"], client.clock() + 300)


@responses.activate
def test_token_is_cached_across_page_calls(client):
    add_tokens("tok-A")
    responses.get(ORDERS_URL, match=[matchers.header_matcher({"token": "tok-A"})], json=PAGE)
    for _ in range(3):
        client.get_orders_page(QUERY)
    assert len(calls_to(TOKEN_URL)) == 1
    assert len(calls_to(ORDERS_URL)) == 3
    assert "token" not in {name.lower() for name in calls_to(TOKEN_URL)[0].request.headers}


@responses.activate
def test_token_is_renewed_before_it_expires(client, clock):
    add_tokens("tok-A")
    add_tokens("tok-B")
    assert client.get_token() == "tok-A"
    clock.now += 300 - const.EXPIRY_MARGIN - 1
    assert client.get_token() == "tok-A"
    clock.now += 2  # now within the margin
    assert client.get_token() == "tok-B"
    assert len(calls_to(TOKEN_URL)) == 2


@responses.activate
def test_token_store_is_used_and_filled(clock):
    store = MemoryTokenStore("stored-token", clock() + 120)
    client = XstakClient("client-1", SECRET, "ACME", token_store=store)
    client.clock = clock
    responses.get(ORDERS_URL, match=[matchers.header_matcher({"token": "stored-token"})], json=PAGE)
    client.get_orders_page(QUERY)
    assert not calls_to(TOKEN_URL)
    store.save("old", clock() + 10)  # about to expire: replaced
    add_tokens("fresh")
    assert client.get_token() == "fresh"
    assert store.load() == ("fresh", clock() + 300)


@responses.activate
def test_401_renews_the_token_once_and_retries(client):
    add_tokens("tok-A")
    add_tokens("tok-B")
    responses.get(ORDERS_URL, match=[matchers.header_matcher({"token": "tok-A"})], status=401,
                  json={"error": "invalid_token", "error_description": "Token is not active"})
    responses.get(ORDERS_URL, match=[matchers.header_matcher({"token": "tok-B"})], json=PAGE)
    page = client.get_orders_page(QUERY)
    assert [raw.ref for raw in page.orders] == ["5000001", "5000002"]
    assert len(calls_to(TOKEN_URL)) == 2
    assert len(calls_to(ORDERS_URL)) == 2
    assert client.token_store.load()[0] == "tok-B"


@responses.activate
def test_second_401_is_an_authentication_error_without_a_storm(client):
    add_tokens("tok-A")
    add_tokens("tok-B")
    responses.get(ORDERS_URL, status=401, json={"error": "invalid_token", "error_description": "tok-B is bad"})
    with pytest.raises(AuthenticationError) as caught:
        client.get_orders_page(QUERY)
    assert len(calls_to(TOKEN_URL)) == 2
    assert len(calls_to(ORDERS_URL)) == 2
    assert caught.value.status == 401 and not caught.value.retryable
    assert "tok-B" not in str(caught.value) and "***" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403])
@responses.activate
def test_refused_credentials_name_what_to_check_without_the_secret(client, status):
    responses.post(TOKEN_URL, status=status, json={
        "error": "invalid_client", "error_description": f"Invalid client secret {SECRET}"})
    with pytest.raises(AuthenticationError) as caught:
        client.get_orders_page(QUERY)
    text = str(caught.value)
    assert "client id" in text and "client secret" in text and "company code" in text and "ACME" in text
    assert SECRET not in text and "Invalid client secret ***" in text
    assert caught.value.status == status and not caught.value.retryable
    assert len(responses.calls) == 1  # never retried, no orders call


@responses.activate
def test_token_endpoint_failure_is_transient_and_redacted(client):
    responses.post(TOKEN_URL, status=503, json={"message": f"down while checking {SECRET}"})
    with pytest.raises(TransientError) as caught:
        client.get_token()
    assert caught.value.retryable and SECRET not in str(caught.value)


@responses.activate
def test_token_answer_without_access_token_is_a_payload_error(client):
    responses.post(TOKEN_URL, json={"expires_in": 300})
    with pytest.raises(PayloadError, match="access_token"):
        client.get_token()


@responses.activate
def test_token_without_expires_in_lives_the_default(client):
    answer = dict(TOKEN_ANSWER)
    del answer["expires_in"]
    responses.post(TOKEN_URL, json=answer)
    client.get_token()
    assert client.token_store.load()[1] == client.clock() + const.DEFAULT_TOKEN_TTL


def test_missing_credentials_fail_before_any_call():
    with pytest.raises(AuthenticationError, match="client secret, company code"):
        XstakClient("client-1", "", " ").get_token()


@responses.activate
def test_test_connection_forces_a_new_token(client):
    add_tokens("tok-A")
    client.token_store.save("cached", client.clock() + 1000)
    assert client.test_connection() is True
    assert client.token_store.load()[0] == "tok-A"


# -- orders -----------------------------------------------------------------------------------


@responses.activate
def test_query_parameters_keep_the_start_date_offset(client):
    add_tokens("tok-A")
    responses.get(ORDERS_URL, match=[matchers.query_param_matcher({
        "order_status": "pending", "locationId": "101", "location_code": "101",
        "start_date": "2024-10-17T05:10:06+05:00", "page": "1", "size": "50"})], json=PAGE)
    client.get_orders_page(QUERY)
    assert "start_date=2024-10-17T05%3A10%3A06%2B05%3A00" in calls_to(ORDERS_URL)[0].request.url


@responses.activate
def test_location_code_is_optional(client):
    add_tokens("tok-A")
    responses.get(ORDERS_URL, match=[matchers.query_param_matcher({
        "order_status": "completed", "locationId": "102", "start_date": "2024-10-17T00:10:06+00:00",
        "page": "2", "size": "10"})], json=dict(PAGE, page={"number": 2, "size": 10, "totalPages": 2,
                                                             "totalElements": 12}))
    query = XstakQuery(order_status="completed", location_id="102",
                       start_date=datetime(2024, 10, 17, 0, 10, 6, 123, tzinfo=timezone.utc))
    page = client.get_orders_page(query, page="2", size=10)
    assert page.next_cursor is None and page.remaining == 0


def test_bad_queries_fail_before_any_call(client):
    naive = XstakQuery(order_status="pending", location_id="101", start_date=datetime(2024, 10, 17))
    with pytest.raises(ValueError, match="timezone-aware"):
        client.get_orders_page(naive)
    with pytest.raises(ValueError, match="size"):
        client.get_orders_page(QUERY, size=101)
    with pytest.raises(ValueError, match="page"):
        client.get_orders_page(QUERY, page=0)
    with pytest.raises(ValueError, match="required"):
        client.get_orders_page(XstakQuery(order_status="", location_id="101", start_date=QUERY.start_date))


@responses.activate
def test_paging_across_three_pages(client):
    add_tokens("tok-A")
    orders = []
    for number in range(1, 6):
        order = copy.deepcopy(ORDER)
        order["id"], order["order_number"] = 5000000 + number, f"XS-10000{number}"
        orders.append(order)
    for page_number in (1, 2, 3):
        chunk = orders[(page_number - 1) * 2:page_number * 2]
        responses.get(ORDERS_URL, match=[matchers.query_param_matcher(
            {"page": str(page_number), "size": "2"}, strict_match=False)],
            json={"orders": chunk, "page": {"number": page_number, "size": 2, "totalPages": 3, "totalElements": 5}})
    seen, remaining, cursor = [], [], "1"
    while cursor:
        page = client.get_orders_page(QUERY, page=cursor, size=2)
        seen += [raw.ref for raw in page.orders]
        remaining.append(page.remaining)
        cursor = page.next_cursor
    assert seen == [str(5000000 + number) for number in range(1, 6)]
    assert remaining == [3, 1, 0]
    assert len(calls_to(TOKEN_URL)) == 1


@responses.activate
def test_empty_answer_of_the_seed_ends_paging(client):
    add_tokens("tok-A")
    responses.get(ORDERS_URL, json={"orders": [], "page": {"number": 1, "size": 10, "totalPages": 1,
                                                            "totalElements": 0}})
    page = client.get_orders_page(QUERY)
    assert (page.orders, page.next_cursor, page.remaining) == ([], None, 0)


@responses.activate
def test_wrong_envelope_is_a_payload_error(client):
    add_tokens("tok-A")
    responses.get(ORDERS_URL, json={"orders": "nope"})
    with pytest.raises(PayloadError, match="cannot read.*orders"):
        client.get_orders_page(QUERY)


@responses.activate
def test_orders_server_error_is_transient_and_redacted(client):
    add_tokens("tok-A")
    responses.get(ORDERS_URL, status=500, json={"message": "boom for tok-A"})
    with pytest.raises(TransientError) as caught:
        client.get_orders_page(QUERY)
    assert "tok-A" not in str(caught.value) and "boom for ***" in str(caught.value)


def test_api_url_replaces_both_hosts_and_keeps_paths():
    xstak = XstakClient("c", "s", "k", api_url="http://127.0.0.1:8070/xstak/")
    assert xstak._url(const.AUTH_BASE_URL, const.TOKEN_PATH) == \
        "http://127.0.0.1:8070/xstak/v1/admin/service-account/token"
    assert xstak._url(const.ORDERS_BASE_URL, const.ORDERS_PATH) == \
        "http://127.0.0.1:8070/xstak/oe/v2/orders/sales_orders"
    production = XstakClient("c", "s", "k")
    assert production._url(const.AUTH_BASE_URL, const.TOKEN_PATH) == TOKEN_URL
    assert production._url(const.ORDERS_BASE_URL, const.ORDERS_PATH) == ORDERS_URL


@responses.activate
def test_api_url_is_used_for_token_and_orders():
    responses.post("http://sandbox.test:8070/xstak/v1/admin/service-account/token", json=token_answer("t1"))
    responses.get("http://sandbox.test:8070/xstak/oe/v2/orders/sales_orders", json=PAGE)
    xstak = XstakClient("c", "s", "k", api_url="http://sandbox.test:8070/xstak")
    assert len(xstak.get_orders_page(QUERY).orders) == 2


# -- mapping ----------------------------------------------------------------------------------


def test_order_maps_to_the_canonical_order():
    order = XstakClient("c", "s", "k").parse_order(ORDER)
    assert (order.ref, order.number, order.status, order.currency, order.channel) == \
        ("5000001", "XS-100001", "pending", "PKR", "101")
    assert order.date_order == datetime(2024, 10, 17, 5, 15, tzinfo=timezone.utc)
    assert (order.goods_total, order.shipping_amount, order.grand_total) == (11999, 250, 12249)
    buyer = order.buyer
    assert (buyer.name, buyer.identification, buyer.email, buyer.phone) == \
        ("Ayesha Khan", "35202-1234567-1", "ayesha.khan@example.pk", "03001234567")
    address = buyer.address
    assert (address.street, address.street2, address.city, address.state_name, address.zip,
            address.country_code) == ("House 12, Street 4, Block C", "Gulberg III", "Lahore", "Punjab",
                                      "54660", "PK")
    assert [(line.ref, line.seller_sku, line.quantity, line.unit_price) for line in order.lines] == \
        [("9000001", "LAWN-3PC-01", 2, 4500), ("9000002", "KURTA-M-02", 1, 2999)]


def test_raw_order_and_location():
    raw = mapping.raw_order(ORDER)
    assert (raw.ref, raw.number, raw.payload) == ("5000001", "XS-100001", ORDER)
    assert mapping.location_of(ORDER) == ("101", 101)
    assert mapping.location_of({"location_id": 102}) == ("102", None)
    no_id = mapping.raw_order({"order_number": "X"})
    assert no_id.ref.startswith("no-id-") and no_id.ref == mapping.raw_order({"order_number": "X"}).ref


def test_channel_falls_back_to_the_location_id():
    assert mapping.order_from_payload(dict(ORDER, location_code=None)).channel == "101"


def test_total_mismatch_is_refused():
    mapping.order_from_payload(dict(ORDER, total_amount=12249.9))  # within one rupee
    with pytest.raises(PayloadError, match=r"add up to 12249 but total_amount is 12500"):
        mapping.order_from_payload(dict(ORDER, total_amount=12500))


def test_bad_payload_gives_a_readable_message():
    payload = copy.deepcopy(ORDER)
    del payload["customer"]["name"]
    payload["line_items"][0]["quantity"] = "two"
    payload["created_at"] = "2024-10-17T10:15:00"
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(payload)
    text = str(caught.value)
    assert text.startswith("XStak order XS-100001:")
    assert "customer.name: Field required" in text
    assert "line_items.0.quantity" in text and "created_at" in text
    with pytest.raises(PayloadError, match="line_items"):
        mapping.order_from_payload(dict(ORDER, line_items=[]))
    with pytest.raises(PayloadError, match="not a JSON object"):
        mapping.order_from_payload(["nope"])


# -- against the sandbox (the other side of the wire, written from the seed) -------------------


@pytest.fixture(scope="module")
def sandbox_url():
    server_module = pytest.importorskip("sandbox.server")
    xstak_module = pytest.importorskip("sandbox.xstak")
    server, thread = server_module.start_in_thread(port=0, marketplaces=[xstak_module.XstakMarketplace()],
                                                   log_requests=False)
    answer = requests.post(f"{server.url}/_sandbox/reset",
                           json={"seed": 3, "xstak": {"orders": 80, "now": "2024-10-20T18:00:00+05:00"}}, timeout=5)
    assert answer.status_code == 200, answer.text
    yield server.url
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_client_reads_and_maps_every_sandbox_order(sandbox_url):
    xstak = XstakClient("sandbox-client", "sandbox-secret", "SANDBOX", api_url=f"{sandbox_url}/xstak")
    query = XstakQuery(order_status="pending", location_id="102", location_code=102,
                       start_date=datetime(2024, 10, 1, tzinfo=PKT))
    refs, cursor, pages = [], "1", 0
    while cursor:
        page = xstak.get_orders_page(query, page=cursor, size=4)
        pages += 1
        for raw in page.orders:
            order = xstak.parse_order(raw.payload)
            assert order.channel == "102" and order.currency == "PKR" and order.date_order.tzinfo is not None
            refs.append(raw.ref)
        if pages == 2:  # tokens expire in the middle: the client renews once and goes on
            requests.post(f"{sandbox_url}/_sandbox/xstak/expire-tokens", timeout=5)
        cursor = page.next_cursor
    expected = [str(order["id"]) for order in requests.get(f"{sandbox_url}/_sandbox/xstak/orders", timeout=5).json()
                if order["order_status"] == "pending" and order["location_id"] == "102"]
    assert refs == expected and pages > 2
    with pytest.raises(AuthenticationError, match="client secret"):
        XstakClient("sandbox-client", "wrong", "SANDBOX", api_url=f"{sandbox_url}/xstak").test_connection()
