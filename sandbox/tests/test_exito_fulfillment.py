"""Éxito sticker, tracking, invoice upload, billing and order control, over HTTP against a running sandbox."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest
import requests

PDF = base64.b64encode(b"%PDF-1.4\n% factura\n%%EOF\n").decode()


def zip_file() -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("factura.xml", "<Invoice/>")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture(autouse=True)
def fresh(exito):
    exito.reset(orders=6)


def envelope(response, status=400, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["data"] is None and body["pendingResponse"] is False and body["message"] == "Ooops, ocurrió un error."
    assert body["errors"][0]["code"] == (code or str(status))
    return body["errors"][0]["message"]


def listed(exito, order_id):
    """The order as the orders API serves it."""
    body = exito.call("GET", "/dev/api/orders", limit=100).json()
    return next(order for order in body["viewModel"] if order["id"] == order_id)


# -- sticker -----------------------------------------------------------------------------------------------

def test_sticker_and_label_file(exito):
    order = exito.orders()[0]
    number = order["orderNumber"]
    response = exito.call("GET", f"/dev/api/orders/{number}/sticker")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == list(exito.seed["sticker_response"])
    assert body["data"] == f"{exito.url}/exito/files/Label_{number}_11618.pdf"
    assert (body["errors"], body["message"], body["pendingResponse"]) == ([], "Operación realizada con éxito", False)
    label = requests.get(body["data"], timeout=5)  # no token: it plays an S3 URL
    assert label.status_code == 200 and label.headers["Content-Type"] == "application/pdf"
    assert label.content.startswith(b"%PDF-") and label.content.rstrip().endswith(b"%%EOF")
    assert requests.get(f"{exito.url}/exito/files/Label_1_11618.pdf", timeout=5).status_code == 404
    assert "no existe" in envelope(exito.call("GET", "/dev/api/orders/123/sticker"), 404)
    assert exito.call("GET", f"/dev/api/orders/{number}/sticker", headers={}).status_code == 401
    assert "culture" in envelope(exito.call("GET", f"/dev/api/orders/{number}/sticker", culture=None))


def test_sticker_without_collection_center(exito):
    number = exito.orders()[1]["orderNumber"]
    marked = exito.control("POST", f"/exito/orders/{number}/no-collection-center", {})
    assert marked.status_code == 200
    response = exito.call("GET", f"/dev/api/orders/{number}/sticker")
    assert response.status_code == 400 and response.json() == exito.seed["sticker_400"]
    exito.control("POST", f"/exito/orders/{number}/no-collection-center", {"enabled": False})
    assert exito.call("GET", f"/dev/api/orders/{number}/sticker").status_code == 200
    assert exito.control("POST", "/exito/orders/1/no-collection-center", {}).status_code == 404


# -- tracking ----------------------------------------------------------------------------------------------

def test_tracking(exito):
    exito.reset(orders=3, lines_per_order=2)
    order = exito.orders()[0]
    first, second = (line["id"] for line in order["products"])
    request = dict(exito.seed["tracking_request"], products=[first])
    response = exito.call("PATCH", f"/dev/api/orders/{order['id']}/tracking", request)
    assert response.status_code == 200, response.text
    body = response.json()
    seed = exito.seed["tracking_response"]
    assert list(body) == list(seed) and list(body["products"][0]) == list(seed["products"][0])
    assert body == {"status": "Created", "products": [
        {"idOrder": int(order["id"]), "idProduct": int(first), "status": "Updated",
         "message": f"The product {first} was updated.", "code": 201}], "errors": 0, "updates": 1, "total": 1}
    served = listed(exito, order["id"])
    lines = {line["id"]: line for line in served["products"]}
    assert (lines[first]["idStatusProduct"], lines[first]["statusProduct"]) == (170, "EnProcesoDeEnvio")
    assert (lines[first]["tracking"], lines[first]["carrier"]) == ("787878", "INTERNATIONAL SHIPPING")
    assert lines[second]["idStatusProduct"] == 35 and served["idStatusOrder"] == 35

    again = exito.call("PATCH", f"/dev/api/orders/{order['id']}/tracking",
                       dict(request, products=[first, second, "999"])).json()
    assert (again["errors"], again["updates"], again["total"]) == (2, 1, 3)
    assert [(item["status"], item["code"]) for item in again["products"]] == [("Error", 400), ("Updated", 201),
                                                                                ("Error", 400)]
    assert "status 35" in again["products"][0]["message"] and "does not belong" in again["products"][2]["message"]
    served = listed(exito, order["id"])
    assert (served["idStatusOrder"], served["statusOrder"]) == (170, "EnProcesoDeEnvio")
    assert [o["id"] for o in exito.call("GET", "/dev/api/orders", limit=10, idStatusOrder=170).json()["viewModel"]] \
        == [order["id"]]
    details = exito.control("GET", f"/exito/orders/{order['id']}").json()
    assert [entry["updates"] for entry in details["sandbox"]["tracking"]] == [1, 1]
    assert exito.control("GET", f"/exito/orders/{order['orderNumber']}").json()["id"] == order["id"]
    only_errors = exito.call("PATCH", f"/dev/api/orders/{order['id']}/tracking", request).json()
    assert only_errors["status"] == "Error" and only_errors["updates"] == 0


@pytest.mark.parametrize(("body", "text"), [
    ({"carrier": "TCC", "products": ["1"]}, "'tracking'"), ({"tracking": "1", "products": ["1"]}, "'carrier'"),
    ({"tracking": "1", "carrier": "TCC"}, "'products'"), ({"tracking": "1", "carrier": "TCC", "products": []},
                                                          "'products'"),
    ({"tracking": 1, "carrier": "TCC", "products": ["1"]}, "'tracking' must be a string"),
    ({"tracking": "1", "carrier": "TCC", "products": [1]}, "'products' must hold strings"),
    (b"{nope", "not valid JSON"), ([], "JSON object"),
])
def test_tracking_bad_bodies(exito, body, text):
    order_id = exito.orders()[0]["id"]
    assert text in envelope(exito.call("PATCH", f"/dev/api/orders/{order_id}/tracking", body))


def test_tracking_unknown_order(exito):
    assert "no existe" in envelope(exito.call("PATCH", "/dev/api/orders/1/tracking", exito.seed["tracking_request"]),
                                   404)


# -- bill --------------------------------------------------------------------------------------------------

def test_bill_upload_once(exito):
    order_id = exito.orders()[2]["id"]
    body = dict(exito.seed["bill_pdf"], IdOrder=order_id, Base64File=PDF)
    response = exito.call("PATCH", "/dev/api/orders/bill", body)
    assert response.status_code == 200 and response.json() == exito.seed["bill_response"]
    twice = exito.call("PATCH", "/dev/api/orders/bill", dict(exito.seed["bill_zip"], IdOrder=order_id,
                                                              Base64File=zip_file()))
    assert twice.status_code == 400 and twice.json() == exito.seed["bill_400"]
    details = exito.control("GET", f"/exito/orders/{order_id}").json()
    assert [(bill["file_type"], bill["accepted"]) for bill in details["sandbox"]["bills"]] == [(1, True), (2, False)]
    assert details["sandbox"]["bills"][0]["size"] == len(base64.b64decode(PDF))
    served = listed(exito, order_id)
    assert served["billUrl"].endswith(f"/exito/files/Bill_{order_id}.pdf") and served["billAttachedDate"]
    assert requests.get(served["billUrl"], timeout=5).content == base64.b64decode(PDF)
    other = exito.orders()[3]["id"]
    zipped = exito.call("PATCH", "/dev/api/orders/bill", dict(exito.seed["bill_zip"], IdOrder=other,
                                                               Base64File=zip_file()))
    assert zipped.status_code == 200


@pytest.mark.parametrize(("changes", "text"), [
    ({"Base64File": "FileInBase64"}, "not a PDF"), ({"Base64File": "%%%"}, "not valid base64"),
    ({"FileType": 2}, "not a ZIP"), ({"FileType": 3}, "'FileType'"), ({"FileType": "1"}, "'FileType'"),
    ({"IdOrder": None}, "'IdOrder' is required"), ({"IdOrder": 5}, "'IdOrder' must be a string"),
    ({"Base64File": ""}, "'Base64File'"),
])
def test_bill_bad_bodies(exito, changes, text):
    body = {**exito.seed["bill_pdf"], "IdOrder": exito.orders()[0]["id"], "Base64File": PDF, **changes}
    assert text in envelope(exito.call("PATCH", "/dev/api/orders/bill", body))


def test_bill_route_is_not_an_order_id(exito):
    assert "no existe" in envelope(exito.call("PATCH", "/dev/api/orders/bill", dict(
        exito.seed["bill_pdf"], IdOrder="1", Base64File=PDF)), 404)
    assert exito.call("GET", "/dev/api/orders/bill").status_code == 405
    slash = exito.call("PATCH", "/dev/api/orders/bill/", dict(exito.seed["bill_pdf"], IdOrder="1", Base64File=PDF))
    assert "La orden 1 no existe." == envelope(slash, 404)  # still the bill route, not tracking/sticker of "bill"
    assert "no existe" in envelope(exito.call("PATCH", "/dev/api/orders/bill/tracking", exito.seed["tracking_request"]),
                                   404)


# -- billing -----------------------------------------------------------------------------------------------

def billing(exito, **params):
    params = {"idSeller": 11618, "limit": 100, "paginationToken": "{}", **params}
    return exito.call("GET", "/billing/api/", **params)


def test_billing_documents_and_paging(exito):
    exito.reset(orders=11, status=60)
    orders = exito.orders()
    seen, token, counts = [], "{}", []
    while True:
        body = billing(exito, limit=4, paginationToken=token).json()
        assert list(body) == list(exito.seed["billing_response"]) and body["paginationTokens"] == []
        counts.append(body["count"])
        seen += body["viewModel"]
        token = body["paginationToken"]
        if token == "{}":
            break
        assert json.loads(token) == {"Id": {"N": str(body["viewModel"][-1]["id"])}, "IdSeller": {"N": "11618"}}
    assert counts == [11, 7, 3] and len({doc["id"] for doc in seen}) == 11
    seed_doc = exito.seed["billing_response"]["viewModel"][0]
    by_number = {order["orderNumber"]: order for order in orders}
    for doc in seen:
        assert list(doc) == list(seed_doc) and list(doc["detail"][0]) == list(seed_doc["detail"][0])
        order = by_number[doc["orderNumber"]]
        assert doc["paginationToken"] == f"{doc['id']}|11618" and doc["idSeller"] == 11618
        assert doc["concept"] == "Venta Marketplace" and doc["fulfillmentDetail"] is None
        lines = order["products"]
        assert doc["commission"] == sum(line["commission"] for line in lines)
        assert doc["billingTotal"] == sum(line["costProduct"] * line["quantity"] + line["costShippingProduct"]
                                          for line in lines) - doc["commission"]
        assert doc["iva"] == -round(doc["commission"] * 0.19, 2)
        assert [detail["ean"] for detail in doc["detail"]] == [line["ean"] for line in lines]
        assert all(detail["shippingCost"] is None and detail["enviosExito"] is None for detail in doc["detail"])
    assert isinstance(seen[0]["id"], int) and len(seen[0]["billingNumber"]) == 10
    one = billing(exito, orderNumber=orders[3]["orderNumber"]).json()["viewModel"]
    assert [doc["orderNumber"] for doc in one] == [orders[3]["orderNumber"]]
    assert billing(exito, billingNumber=one[0]["billingNumber"]).json()["viewModel"] == one
    day = one[0]["paymentDate"][:10].replace("-", "/")
    dated = billing(exito, paymentDateInitial=day, paymentDateFinal=day).json()["viewModel"]
    assert one[0] in dated and all(doc["paymentDate"][:10].replace("-", "/") == day for doc in dated)


def test_billing_follows_shipping_and_generate(exito):
    assert billing(exito).json() == {"viewModel": [], "count": 0, "paginationToken": "{}", "paginationTokens": []}
    order = exito.orders()[0]
    exito.call("PATCH", f"/dev/api/orders/{order['id']}/tracking",
               dict(exito.seed["tracking_request"], products=[line["id"] for line in order["products"]]))
    assert [doc["orderNumber"] for doc in billing(exito).json()["viewModel"]] == [order["orderNumber"]]
    generated = exito.control("POST", "/exito/billing/generate", {"order_numbers": [exito.orders()[1]["orderNumber"]]})
    assert generated.json() == {"generated": 1, "documents": 2}
    assert exito.control("POST", "/exito/billing/generate", {}).json() == {"generated": 4, "documents": 6}
    assert exito.control("POST", "/exito/billing/generate", {"order_numbers": ["1"]}).status_code == 400
    assert len(exito.control("GET", "/exito/billing").json()) == 6


@pytest.mark.parametrize("params", [
    {"idSeller": None}, {"idSeller": 11226}, {"limit": None}, {"limit": 0}, {"paginationToken": None},
    {"paginationToken": "nope"}, {"paymentDateInitial": "2024-01-01"}, {"orderNumber": "x"}, {"culture": None},
])
def test_billing_bad_parameters(exito, params):
    culture = params.pop("culture", "es-CO")
    params = {key: value for key, value in {"idSeller": 11618, "limit": 10, "paginationToken": "{}", **params}.items()
              if value is not None}
    assert envelope(exito.call("GET", "/billing/api/", culture=culture, **params))


# -- order status control, request log, reset -------------------------------------------------------------

def test_order_status_control(exito):
    order = exito.orders()[0]
    response = exito.control("POST", f"/exito/orders/{order['id']}/status", {"idStatusOrder": 80})
    assert response.status_code == 200 and response.json()["statusOrder"] == "Cancelado"
    served = listed(exito, order["id"])
    assert (served["idStatusOrder"], served["statusOrder"]) == (80, "Cancelado")
    assert all(line["idStatusProduct"] == 80 for line in served["products"])
    tracking = exito.call("PATCH", f"/dev/api/orders/{order['id']}/tracking",
                          dict(exito.seed["tracking_request"], products=[order["products"][0]["id"]])).json()
    assert tracking["errors"] == 1
    only_order = exito.control("POST", f"/exito/orders/{order['id']}/status", {"idStatusOrder": 60, "products": False})
    assert only_order.json()["products"][0]["idStatusProduct"] == 80
    assert exito.control("POST", f"/exito/orders/{order['id']}/status", {"idStatusOrder": 99}).status_code == 400
    assert exito.control("POST", "/exito/orders/1/status", {"idStatusOrder": 80}).status_code == 404
    assert exito.control("GET", "/exito/orders/1").status_code == 404


def test_request_log_keeps_bodies_and_reset_clears_everything(exito):
    exito.control("DELETE", "/requests")
    order = exito.orders()[0]
    exito.create_products([exito.product()])
    exito.call("PATCH", "/dev/api/orders/bill", dict(exito.seed["bill_pdf"], IdOrder=order["id"], Base64File=PDF))
    exito.call("PATCH", f"/dev/api/orders/{order['id']}/tracking", b"not json")
    log = exito.control("GET", "/requests").json()
    assert [(entry["method"], entry["path"], entry["status"]) for entry in log] == [
        ("POST", "/exito/products-massive/", 200), ("PATCH", "/exito/dev/api/orders/bill", 200),
        ("PATCH", f"/exito/dev/api/orders/{order['id']}/tracking", 400)]
    assert log[0]["body"] == [exito.product()] and log[1]["body"]["Base64File"] == PDF and log[2]["body"] == "not json"
    assert exito.seed["bill_pdf"]["FileType"] == log[1]["body"]["FileType"]
    exito.control("POST", f"/exito/orders/{order['orderNumber']}/no-collection-center", {})
    exito.control("POST", "/exito/billing/generate", {})
    exito.reset(orders=6)
    assert exito.control("GET", "/requests").json() == []
    assert exito.control("GET", "/exito/products").json() == [] and exito.control("GET", "/exito/offers").json() == []
    assert exito.control("GET", "/exito/billing").json() == []
    assert exito.status()["data"]["status"] == 2
    details = exito.control("GET", f"/exito/orders/{order['id']}").json()
    assert details["sandbox"] == {"tracking": [], "bills": [], "no_collection_center": False}
    assert details["billUrl"] is None
    assert exito.call("GET", f"/dev/api/orders/{order['orderNumber']}/sticker").status_code == 200
