"""Éxito products, status, moderation callbacks, specs and offers, over HTTP against a running sandbox."""

from __future__ import annotations

import base64
import copy
import json
import time

import pytest


@pytest.fixture(autouse=True)
def fresh(exito):
    exito.reset()


def envelope(response, status=400):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["data"] is None and body["pendingResponse"] is False and body["message"] == "Ooops, ocurrió un error."
    assert body["errors"][0]["code"] == str(status)
    return body["errors"][0]["message"]


def products(exito):
    return {item["Ean"]: item for item in exito.control("GET", "/exito/products").json()}


# -- products ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("example", ["products_technology", "products_clothing", "products_combo"])
def test_seed_product_examples_are_accepted(exito, example):
    body = exito.seed[example]
    response = exito.create_products(body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert list(answer) == list(exito.seed["products_response"])
    assert answer["Errors"] == [] and answer["Message"] == "Operación realizada éxitosamente."
    data = answer["Data"][0]
    assert list(data) == list(exito.seed["products_response"]["Data"][0])
    assert (data["totalProcess"], data["error"], data["successful"]) == (len(body), 0, len(body))
    assert data["productNotifyViewModel"] == [] and data["fileName"] == ""
    stored = products(exito)
    assert len(stored) == len(body) and all(item["moderation"] == "pending" for item in stored.values())
    assert sorted(item["SellerSku"] for item in stored.values()) == sorted(item["SellerSku"] for item in body)
    generated = [ean for ean, item in stored.items() if item["generated_ean"]]
    assert len(generated) == sum(item["Ean"] == "0" for item in body)
    assert all(ean.startswith("IZ2") and len(ean) == 13 for ean in generated)


def test_status_progression_and_busy_process(exito):
    first = exito.status()
    assert first["data"]["status"] == 2 and json.loads(first["data"]["response"])["Data"]["ProductNotify"] == []
    bad = exito.product("9205147694109", Name="Cámara <deportiva>")
    answer = exito.create_products([exito.product(), bad]).json()["Data"][0]
    assert (answer["totalProcess"], answer["error"], answer["successful"]) == (2, 1, 1)
    name_error = "'Nombre del producto' no es válido."
    assert answer["productNotifyViewModel"] == [{"Ean": "9205147694109", "Message": name_error}]
    busy = exito.create_products([exito.product("1234567")])
    assert envelope(busy) == "Existe un proceso de carga masiva en curso."
    statuses = []
    for _ in range(4):
        body = exito.status()
        assert list(body) == list(exito.seed["status_response"]) and list(body["data"]) == ["idSeller", "status",
                                                                                               "checked", "response"]
        assert body["data"]["idSeller"] == 11618 and body["data"]["checked"] == "false"
        statuses.append(body["data"]["status"])
    assert statuses == [4, 1, 3, 3]
    result = json.loads(body["data"]["response"])["Data"]
    assert result == {"TotalProcess": 2, "Error": 1, "Successful": 1, "ProductNotify": [
        {"Ean": "9205147694109", "Message": name_error, "ProductName": "Cámara <deportiva>"}]}
    assert exito.create_products([exito.product("1234567")]).status_code == 200  # the process is over
    assert exito.finish_process() == [4, 1, 2]


@pytest.mark.parametrize(("changes", "field"), [
    ({"Ean": "abc"}, "EAN"), ({"Name": "x" * 61}, "Nombre del producto"), ({"KeyWords": "k" * 501}, "Palabras clave"),
    ({"SkuShippingSize": "6"}, "Tamaño de envío"), ({"PackageHeight": "1.5"}, "Alto del empaque"),
    ({"ProductWeight": "12,345"}, "Peso del producto"), ({"ImageUrl1": "https://x.co/a.png"}, "Imagen 1"),
    ({"ImageUrl3": "https://x.co/a.gif"}, "Imagen 3"), ({"ProductType": "Food"}, "Tipo de producto"),
    ({"MeasurementUnit": "Litro"}, "Unidad de medida"), ({"Description": "<script>x</script>"}, "Descripción"),
    ({"Category": "abc"}, "Categoría"), ({"IsLogisticsExito": "2"}, "Logística Éxito"),
])
def test_product_rules_are_reported_per_entry(exito, changes, field):
    answer = exito.create_products([exito.product(**changes)]).json()["Data"][0]
    assert answer["error"] == 1 and answer["successful"] == 0
    assert answer["productNotifyViewModel"][0]["Message"] == f"'{field}' no es válido."
    assert products(exito) == {}


def test_clothing_rules(exito):
    good = exito.seed["products_clothing"][0]
    cases = [dict(good, Ean="1111111", Size="XL GRANDE"), dict(good, Ean="2222222", Color="Fucsia"),
             dict(good, Ean="3333333", Size="12345678901"), dict(good, Ean="4444444", ParentReference=" ")]
    answer = exito.create_products(cases).json()["Data"][0]
    assert answer["error"] == 4
    assert [item["Message"] for item in answer["productNotifyViewModel"]] == [
        "'Talla' no es válido.", "'Color' no es válido.", "'Talla' no es válido.", "'Referencia padre' no es válido."]
    missing = exito.create_products([{key: value for key, value in good.items() if key != "ParentReference"}])
    assert "'ParentReference'" in envelope(missing)
    technology = exito.seed["products_technology"][0]
    assert "ParentReference" not in technology  # not needed for Technology


@pytest.mark.parametrize(("body", "text"), [
    (b"[{", "not valid JSON"), ({"Ean": "1"}, "JSON list"), ([], "at least one"), ([1], "JSON object"),
    ([{"Name": "x"}], "'Category'"), (None, "JSON list"),
])
def test_malformed_product_requests(exito, body, text):
    response = exito.create_products(body if body is not None else b"")
    assert text in envelope(response)


def test_wrong_types_and_missing_fields_name_the_field(exito):
    assert "'PackageHeight' must be a string" in envelope(exito.create_products([exito.product(PackageHeight=11)]))
    no_image = exito.product()
    del no_image["ImageUrl1"]
    assert "'ImageUrl1' is required" in envelope(exito.create_products([no_image]))
    assert "'features'" in envelope(exito.create_products([exito.product(features=[{"key": 1}])]))
    assert "'SellerSku' must be a string or null" in envelope(exito.create_products([exito.product(SellerSku=7)]))


def test_more_than_400_products_refused(exito):
    response = exito.create_products([exito.product(f"77{index:011d}") for index in range(401)])
    assert "400" in envelope(response)
    assert exito.create_products([exito.product(f"77{index:011d}") for index in range(400)]).status_code == 200


def test_auth_and_culture(exito):
    assert exito.create_products([exito.product()], headers={}).status_code == 401
    assert "culture" in envelope(exito.create_products([exito.product()], culture=None))
    assert "culture" in envelope(exito.call("GET", "/products-massive/status", culture="fr-FR"))
    assert exito.call("GET", "/products-massive/").status_code == 405


# -- moderation callbacks ----------------------------------------------------------------------------------

def configure(exito, endpoint, **extra):
    settings = {"notifyproduct_url": f"{endpoint.url}/notifyproduct", "notifyoffer_url": f"{endpoint.url}/notifyoffer",
                "username": "odoo", "password": "s3cret", "auto": True, **extra}
    response = exito.control("POST", "/exito/callbacks", settings)
    assert response.status_code == 200, response.text
    assert response.json()["password"] == "***"
    return response.json()


def test_automatic_moderation_callback(exito, module_endpoint):
    configure(exito, module_endpoint)
    clothing = copy.deepcopy(exito.seed["products_clothing"])
    clothing[2]["Name"] = "Blusa RECHAZO Polo"
    no_sku = exito.product("7700000000001", SellerSku=None)
    exito.create_products(clothing + [no_sku])
    assert exito.finish_process() == [4, 1, 2]
    received = exito.wait_for(lambda: module_endpoint.received)
    call = received[0]
    assert call["method"] == "PATCH" and call["path"] == "/notifyproduct"
    assert call["headers"]["Authorization"] == "Basic " + base64.b64encode(b"odoo:s3cret").decode()
    stored = products(exito)
    by_sku = {item["SellerSku"]: ean for ean, item in stored.items()}
    assert call["body"] == [
        {"Ean": "9205147694107", "SellerSku": "1993", "Response": "Aprobado", "Comment": "", "Reason": "",
         "IsUpdating": False},
        {"Ean": by_sku["1994"], "SellerSku": "1994", "Response": "Aprobado", "Comment": "", "Reason": "",
         "IsUpdating": False},
        {"Ean": by_sku["1995"], "SellerSku": "1995", "Response": "Rechazado", "Comment": "Nombre no válido",
         "Reason": "Nombre no válido", "IsUpdating": False},
    ]
    assert [list(item) for item in call["body"]] == [list(exito.seed["notifyproduct_approved"][0])] * 3
    assert stored[by_sku["1995"]]["moderation"] == "rejected" and stored["7700000000001"]["moderation"] == "approved"
    log = exito.wait_for(lambda: exito.control("GET", "/exito/callbacks/log").json())
    assert log[0]["kind"] == "product" and log[0]["status"] == 200 and log[0]["error"] is None
    exito.status()
    assert len(module_endpoint.received) == 1  # moderation happens once per process


def test_manual_moderation(exito, module_endpoint):
    exito.create_products(exito.seed["products_technology"])
    configure(exito, module_endpoint, auto=False)
    exito.finish_process()
    assert products(exito)["9205147694107"]["moderation"] == "pending"  # auto off: nothing moderated
    answer = exito.control("POST", "/exito/moderate", {"items": [
        {"seller_sku": "1992", "response": "Rechazado", "comment": "Imagen borrosa", "reason": "Imagen"}]})
    assert answer.status_code == 200 and answer.json() == {"status": 200, "body": '{"ok": true}', "error": None}
    assert module_endpoint.received[0]["body"] == [{"Ean": "9205147694107", "SellerSku": "1992",
                                                    "Response": "Rechazado", "Comment": "Imagen borrosa",
                                                    "Reason": "Imagen", "IsUpdating": False}]
    assert products(exito)["9205147694107"]["moderation"] == "rejected"
    module_endpoint.status = 500
    failed = exito.control("POST", "/exito/moderate", {"items": [{"ean": "9205147694107"}]}).json()
    assert failed["status"] == 500 and failed["error"] == "HTTP 500"
    assert exito.control("POST", "/exito/moderate", {"items": [{"ean": "1", "response": "Quizás"}]}).status_code == 400
    assert exito.control("POST", "/exito/moderate", {"items": []}).status_code == 400


def test_callback_errors_are_logged(exito):
    exito.control("POST", "/exito/callbacks", {"notifyproduct_url": "http://127.0.0.1:9/notifyproduct"})
    exito.create_products([exito.product()])
    exito.finish_process()
    log = exito.wait_for(lambda: exito.control("GET", "/exito/callbacks/log").json())
    assert log[0]["status"] is None and log[0]["error"] and log[0]["payload"][0]["SellerSku"] == "1992"
    assert exito.control("POST", "/exito/callbacks", {"auto": "yes"}).status_code == 400
    assert exito.control("POST", "/exito/callbacks", {"notifyproduct_url": "ftp://x"}).status_code == 400
    assert exito.control("POST", "/exito/moderate", {"items": [{"ean": "1"}]}).status_code == 200  # still configured
    exito.reset()
    assert exito.control("GET", "/exito/callbacks").json()["notifyproduct_url"] is None
    assert exito.control("GET", "/exito/callbacks/log").json() == []
    assert exito.control("POST", "/exito/moderate", {"items": [{"ean": "1"}]}).status_code == 400


# -- specs -------------------------------------------------------------------------------------------------

def test_specs(exito):
    seed = exito.call("GET", "/specs-external/getbycategoryid/28086")
    assert seed.status_code == 200 and seed.json() == exito.seed["specs_28086"]
    technology = exito.call("GET", "/specs-external/getbycategoryid/27193").json()["data"][0]
    warranty = technology["specs"][0]
    assert (warranty["specName"], warranty["required"]) == ("Garantía", True)
    assert [value["displayName"] for value in warranty["values"]] == ["6 meses", "1 año"]
    clothing = exito.call("GET", "/specs-external/getbycategoryid/50031").json()["data"][0]["specs"]
    assert [(spec["specName"], spec["required"]) for spec in clothing] == [("Material", True), ("Tipo de manga", False)]
    assert exito.call("GET", "/specs-external/getbycategoryid/99999").json() == {
        "errors": [], "data": [], "message": "Operation successful"}
    assert "category" in envelope(exito.call("GET", "/specs-external/getbycategoryid/abc"))
    assert exito.call("GET", "//specs-external/getbycategoryid/28086").status_code == 200  # base path "/"
    assert exito.call("GET", "/specs-external/getbycategoryid/28086", headers={}).status_code == 401


# -- offers ------------------------------------------------------------------------------------------------

OFFER_EANS = ("7701410118349", "7701410118035", "2365477746910", "0321321321321", "ABC7573747057914", "0334589034881")


def current_offers(exito):
    return {offer["EAN"]: offer for offer in exito.control("GET", "/exito/offers").json()}


@pytest.mark.parametrize("example", ["offers_individual", "offers_combo", "offers_custom_city"])
def test_seed_offer_examples_are_accepted(exito, example):
    exito.publish(*OFFER_EANS)
    body = exito.seed[example]
    response = exito.offers(body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert list(answer) == list(exito.seed["offers_response"]) and list(answer["data"]) == list(
        exito.seed["offers_response"]["data"])
    rows = len(body["ListOffers"])
    assert answer["data"] == {"totalProcess": rows, "error": 0, "successful": rows, "offerNotifyViewModels": []}
    offers = current_offers(exito)
    first = body["ListOffers"][0]
    assert offers[first["EAN"]]["Price"] == int(float(first["Price"]))
    if example == "offers_combo":
        assert set(offers) == {"2365477746910"} and len(offers["2365477746910"]["components"]) == 3
    if example == "offers_custom_city":
        assert offers[first["EAN"]]["DaneCode"] == "18001000"


def test_seed_update_example(exito):
    exito.publish(*OFFER_EANS)
    first = exito.offers(exito.seed["offers_update"]).json()["data"]
    assert first["error"] == 1 and "obligatorio para crear" in first["offerNotifyViewModels"][0]["message"]
    answer = exito.offers(exito.seed["offers_update"]).json()["data"]  # the offer exists now: both rows apply
    assert (answer["error"], answer["successful"]) == (0, 2)
    update = {"PriceApproval": 0, "ListOffers": [{"EAN": "7701410118349", "Stock": 9, "Price": 17000}]}
    assert exito.offers(update).json()["data"]["error"] == 0
    offer = current_offers(exito)["7701410118349"]
    assert (offer["Stock"], offer["Price"], offer["SellerSku"]) == (9, 17000, "1992")


def test_pex_then_approval(exito):
    exito.publish(*OFFER_EANS)
    exito.offers(exito.seed["offers_individual"])
    jump = {"PriceApproval": 0, "ListOffers": [{"EAN": "7701410118349", "Stock": "3", "Price": "30000.00"}]}
    answer = exito.offers(jump).json()["data"]
    assert answer["offerNotifyViewModels"] == [exito.seed["offers_response"]["data"]["offerNotifyViewModels"][0]]
    assert current_offers(exito)["7701410118349"]["Price"] == 16000
    small = {"PriceApproval": 0, "ListOffers": [{"EAN": "7701410118349", "Stock": "3", "Price": "20800"}]}
    assert exito.offers(small).json()["data"]["error"] == 0  # exactly 30 %: no approval needed
    approved = dict(jump, PriceApproval=1, ListOffers=[dict(jump["ListOffers"][0], Price="90000")])
    assert exito.offers(approved).json()["data"]["error"] == 0
    assert current_offers(exito)["7701410118349"]["Price"] == 90000


@pytest.mark.parametrize(("changes", "message"), [
    ({"Price": "16000.50"}, "'Precio' debe ser un número entero mayor a 0."),
    ({"DiscountPrice": 0}, "'Precio con descuento' debe ser un número entero mayor a 0."),
    ({"Warranty": "-3"}, "'Garantía' debe ser un número entero mayor a 0."),
    ({"Stock": "3.5"}, "'Inventario' debe contener solo dígitos."),
    ({"AverageFreightCost": "abc"}, "'Costo promedio de flete' debe contener solo dígitos."),
    ({"PromiseDelivery": "1-10"}, "'Promesa de entrega' no es válida (ejemplo: 1 a 10)."),
    ({"PromiseDelivery": "0 a 10"}, "'Promesa de entrega' no es válida (ejemplo: 1 a 10)."),
    ({"IsEnviosExito": 2}, "'Indicador  Envios  Exito' debe ser 1 o 0"),
    ({"IsFreeShipping": "si"}, "'Indicador Envío Gratis' debe ser 1 o 0"),
    ({"Currency": "USD"}, "'Moneda' debe ser COP."),
    ({"Periodicity": 3}, "'Periodicidad' debe ser 1 o 2."),
    ({"EAN": "5555555555555"}, "El EAN '5555555555555' no existe."),
])
def test_offer_rules(exito, changes, message):
    exito.publish("7701410118349")
    row = dict(exito.seed["offers_individual"]["ListOffers"][0], **changes)
    answer = exito.offers({"PriceApproval": 0, "ListOffers": [row]}).json()["data"]
    assert answer["error"] == 1 and answer["successful"] == 0
    assert {"ean": row["EAN"], "message": message, "code": ""} in answer["offerNotifyViewModels"]
    assert current_offers(exito) == {}


def test_offer_values_accepted_as_numbers_or_strings(exito):
    exito.publish("7701410118349")
    row = dict(exito.seed["offers_individual"]["ListOffers"][0], Stock=3, Price=16000, DiscountPrice=20000.0,
               AverageFreightCost=25000, Warranty="50", IsFreeShipping="1", PromiseDelivery="01 a 05")
    assert exito.offers({"PriceApproval": "0", "ListOffers": [row]}).json()["data"]["error"] == 0


def test_combo_price_must_add_up(exito):
    exito.publish(*OFFER_EANS)
    combo = copy.deepcopy(exito.seed["offers_combo"])
    combo["ListOffers"][1]["Price"] = "400000"
    answer = exito.offers(combo).json()["data"]
    assert answer["error"] == 1 and "suma de sus componentes (1900000)" in answer["offerNotifyViewModels"][0]["message"]
    lonely = {"PriceApproval": 0, "ListOffers": combo["ListOffers"][1:2]}
    assert "no está en la solicitud" in exito.offers(lonely).json()["data"]["offerNotifyViewModels"][0]["message"]
    assert current_offers(exito) == {}


@pytest.mark.parametrize(("body", "text"), [
    (b"{", "not valid JSON"), ([], "JSON object"), ({"PriceApproval": 0}, "'ListOffers'"),
    ({"PriceApproval": 2, "ListOffers": []}, "'PriceApproval'"), ({"ListOffers": []}, "at least one"),
    ({"ListOffers": [{"EAN": "1", "Stock": 1}]}, "'Price' is required"),
    ({"ListOffers": [{"EAN": "1", "Price": 1}]}, "'Stock' is required"),
    ({"ListOffers": [{"EanCombo": "1", "EAN": "2", "Price": 1}]}, "'ComboQuantity' is required"),
    ({"ListOffers": [{"EAN": "1", "Price": [1], "Stock": 1}]}, "'Price' must be a number or a string"),
    ({"ListOffers": [{"EAN": 1, "Price": 1, "Stock": 1}]}, "'EAN' must be a string"),
    ({"ListOffers": ["x"]}, "JSON object"),
])
def test_malformed_offer_requests(exito, body, text):
    assert text in envelope(exito.offers(body))


def test_more_than_400_offers_refused(exito):
    row = {"EAN": "7701410118349", "Stock": "1", "Price": "1000"}
    assert "400" in envelope(exito.offers({"PriceApproval": 0, "ListOffers": [row] * 401}))
    assert exito.offers({"PriceApproval": 0, "ListOffers": [row] * 400}, headers={}).status_code == 401


def test_offer_callback(exito, module_endpoint):
    exito.publish(*OFFER_EANS)
    configure(exito, module_endpoint)
    module_endpoint.received.clear()
    individual = copy.deepcopy(exito.seed["offers_individual"])
    individual["ListOffers"][1]["Currency"] = "USD"
    exito.offers(individual)
    received = exito.wait_for(lambda: module_endpoint.received)
    assert received[0]["path"] == "/notifyoffer"
    assert received[0]["headers"]["Authorization"] == "Basic " + base64.b64encode(b"odoo:s3cret").decode()
    assert received[0]["body"] == exito.seed["notifyoffer_ok"]  # only the applied offer
    requests_log = exito.control("GET", "/requests").json()
    assert requests_log[-1]["body"] == individual and requests_log[-1]["method"] == "PATCH"



def test_held_callbacks_wait_for_a_flush(exito, module_endpoint):
    """With ``hold``, automatic callbacks are kept until the test flushes them."""
    exito.publish(*OFFER_EANS)
    configure(exito, module_endpoint)
    assert exito.control("POST", "/exito/callbacks", {"hold": True}).status_code == 200
    module_endpoint.received.clear()
    exito.offers(exito.seed["offers_individual"])
    time.sleep(0.2)
    assert module_endpoint.received == [], "held"
    results = exito.control("POST", "/exito/callbacks/flush", {}).json()
    assert [(result["kind"], result["status"]) for result in results] == [("offer", 200)]
    assert [call["body"] for call in module_endpoint.received] == [exito.seed["notifyoffer_ok"]
                                                                  + [{"EAN": "7701410118035", "Message": "OK"}]]
    assert exito.control("POST", "/exito/callbacks/flush", {}).json() == []
    exito.control("POST", "/exito/callbacks", {"hold": False})


def test_live_catalog_makes_the_order_catalog_offerable(exito):
    """With ``live_catalog`` the EANs the orders sell exist on Éxito, approved; offers for them apply."""
    exito.reset(orders=1, live_catalog=True)
    products = {product["Ean"]: product for product in exito.control("GET", "/exito/products").json()}
    assert products["7752285029933"]["moderation"] == "approved"
    answer = exito.offers({"PriceApproval": 0, "ListOffers": [dict(
        exito.seed["offers_individual"]["ListOffers"][0], EAN="7752285029933", SellerSku="smartwatch08")]}).json()
    assert answer["data"]["offerNotifyViewModels"] == []
    exito.reset(orders=1)
    assert exito.control("GET", "/exito/products").json() == []
