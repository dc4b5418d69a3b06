"""Éxito catalog, offers, labels, tracking, invoices and settlements, without Odoo.

Request bodies are compared with the seed's examples (fixtures copied verbatim from
``shared/seeds/exito_seller_center_api.txt``); the seed's response examples are parsed into
records.
"""

import base64
import copy
import json
import pathlib
from datetime import date, datetime, timezone

import pytest
import requests
import responses
from responses import matchers

from marketplaces.base import PayloadError, RequestError, TransientError
from marketplaces.exito import ExitoClient, const, mapping
from marketplaces.records import (
    ComboComponent,
    Dimensions,
    Offer,
    ProductListing,
    Shipment,
)

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def seed(name):
    return json.loads((FIXTURES / f"exito_{name}.json").read_text())


PRODUCTS = "https://n8pu9xx2ba.execute-api.us-east-1.amazonaws.com/products-massive/"
STATUS = "https://n8pu9xx2ba.execute-api.us-east-1.amazonaws.com/products-massive/status"
SPECS = "https://v4lygeaus7.execute-api.us-east-1.amazonaws.com/specs-external/getbycategoryid/28086"
OFFERS = "https://1izv6nqmub.execute-api.us-east-1.amazonaws.com/OfferExternal"
ORDERS = "https://frgj254c3l.execute-api.us-east-1.amazonaws.com/dev/api/orders"
BILLING = "https://iqur5b3ua3.execute-api.us-east-1.amazonaws.com/billing/api/"
LABEL = "https://s3.amazonaws.com/seller-center-exito-staging/sticker-dev/Label_1077223218333_100004.pdf"
CULTURE = matchers.query_param_matcher({"culture": "es-CO"})


@pytest.fixture
def client():
    with ExitoClient("tok-123", culture="es-CO", timeout=5) as exito:
        yield exito


def sent_body(index=0):
    return json.loads(responses.calls[index].request.body)


# -- records that give the seed's request bodies ------------------------------------------------


def technology_listing(**changes):
    values = dict(
        ean="9205147694107", seller_sku="1992", name="Camara deportiva", category="27193", brand="ADIDAS",
        description="<p>La mejor camara del mundo</p>", keywords="camara,deportes,adidas,tecnologia",
        product_type="Technology", package=Dimensions(height=11, length=21, width=34, weight=1),
        product=Dimensions(1, 1, 1, 1),
        images=["https://i.postimg.cc/Y962X3D5/71-SBv-Gp-COML-AC-SL1420-1.jpg",
                "http://glshub.omni.pro/imagenes/N742517-451-M_2.jpg"],
        features=[("Tipo de cámara", "Deportiva")],
    )
    values.update(changes)
    return ProductListing(**values)


def clothing_listings():
    common = dict(
        name="Blusa Polo Deportiva", category="50031", brand="POLO", description="Lo mejor para ejercitarse",
        keywords="blusa,deporte,fit,polo", product_type="Clothing", package=Dimensions(1, 1, 1, 1),
        product=Dimensions(1, 1, 1, 1), parent_reference="BlusaPolo", size="S",
    )
    return [
        ProductListing(ean="9205147694107", seller_sku="1993", son_reference="9205147694107", color="Rojo",
                       hex_colour_name="Rojo_Oscuro", images=[
                           "https://vicsaconectados.vteximg.com.br/arquivos/ids/159410-1000-1000/"
                           "COOLDRY-MUJER-MANGA-CORTA-ROJO-FRENTE-1000X1000.jpg"], **common),
        ProductListing(ean="", seller_sku="1994", color="Azul", images=[
            "https://vicsa.vteximg.com.br/arquivos/ids/168378-1000-1000/"
            "COOLDRY-MUJER-MANGA-CORTA-AZUL-FRENTE-1000X1000.jpg"], **common),
        ProductListing(ean="", seller_sku="1995", color="Blanco", hex_colour_name="Blanco", images=[
            "https://vicsaconectados.vteximg.com.br/arquivos/ids/159408-1000-1000/"
            "COOLDRY-MUJER-MANGA-CORTA-BLANCO-FRENTE-1000X1000.jpg"], **common),
    ]


def combo_listing():
    return technology_listing(ean="9205147694108", seller_sku="1996", name="Computador Gamer y Mouse Gamer",
                              description="<p>El mejor combo del mundo</p>",
                              combo_eans=["9205147694105", "9205147694104"])


def full_offer(**changes):
    values = dict(ean="7701410118349", stock=3, price=16000, discount_price=20000, freight_cost=25000,
                  promise_delivery="1 a 10", warranty=50, seller_sku="1992")
    values.update(changes)
    return Offer(**values)


def combo_offer():
    return Offer(
        ean="2365477746910", stock=1, price=2100000, discount_price=2000000, freight_cost=2000,
        promise_delivery="1 a 2", warranty=3, seller_sku="1992",
        combo=[ComboComponent("0321321321321", 500000), ComboComponent("ABC7573747057914", 1000000, 1),
               ComboComponent("0334589034881", 500000)],
    )


# -- products --------------------------------------------------------------------------------------


@responses.activate
def test_technology_product_body_is_the_seed_example(client):
    responses.post(PRODUCTS, match=[CULTURE, matchers.header_matcher({"Authorization": "tok-123"})],
                   json=seed("product_create_response"))
    result = client.create_products([technology_listing()])
    assert sent_body() == seed("product_technology")
    # the seed's create response
    assert (result.total, result.errors, result.successful) == (1, 1, 0)
    [issue] = result.issues
    assert (issue.ean, issue.message) == ("981567483264154", "'Nombre del producto' no es válido.")


@responses.activate
def test_clothing_variants_body_is_the_seed_example(client):
    responses.post(PRODUCTS, match=[CULTURE], json=seed("product_create_response"))
    client.create_products(clothing_listings())
    assert sent_body() == seed("product_clothing")


def test_combo_product_payload_is_the_seed_example():
    assert [mapping.listing_payload(combo_listing())] == seed("product_combo")


def test_technology_payload_has_no_clothing_keys_and_decimal_comma_dimensions():
    payload = mapping.listing_payload(technology_listing(package=Dimensions(1.5, 2.25, 10.0, 0.333)))
    assert not {"ParentReference", "SonReference", "Size", "Color", "HexColourName"} & set(payload)
    assert (payload["PackageHeight"], payload["PackageLength"], payload["PackageWidth"],
            payload["PackageWeight"]) == ("1,5", "2,25", "10", "0,33")
    assert payload["IsLogisticsExito"] == "0"
    assert mapping.listing_payload(technology_listing(logistics_exito=True))["IsLogisticsExito"] == "1"


def test_seed_listings_are_valid():
    for listing in [technology_listing(), combo_listing(), *clothing_listings()]:
        assert mapping.validate_listing(listing) == []


def test_bad_listing_lists_every_broken_rule():
    listing = technology_listing(
        ean="abc", seller_sku="", name="Cámara_deportiva<>", keywords="x" * 501,
        description="<script>alert(1)</script>", shipping_size="7", package=Dimensions(0, 1, 1, 12345678.5),
        images=["https://x.test/a.png"] * 6, measurement_unit="Kilo", product_type="Food",
        combo_eans=["bad ean"], features=[("", "x")],
    )
    problems = mapping.validate_listing(listing)
    text = "\n".join(problems)
    for expected in ("EAN abc", "seller SKU is missing", "Name ", "Keywords: at most 500",
                     "<script> is not allowed", "Shipping size '7'", "Package height 0",
                     "Package weight 1.23457e+07", "At most 5 images", "Image https://x.test/a.png",
                     "Measurement unit 'Kilo'", "Product type 'Food'", "Combo EAN bad ean", "Feature ''"):
        assert expected in text, expected
    assert len(problems) == 14  # one line per broken rule: the six identical images give one line


def test_clothing_needs_parent_size_and_known_color():
    listing = clothing_listings()[0]
    listing.parent_reference, listing.size, listing.color = "", "XL LARGO", "Fucsia"
    problems = mapping.validate_listing(listing)
    assert any("parent reference" in problem for problem in problems)
    assert any("Size 'XL LARGO'" in problem for problem in problems)
    assert any("Color 'Fucsia'" in problem for problem in problems)
    listing.size = ""
    assert any("needs a size" in problem for problem in mapping.validate_listing(listing))


def test_more_than_400_products_are_refused_before_any_call(client):
    with pytest.raises(ValueError, match="400"):
        client.create_products([technology_listing()] * 401)


@responses.activate
def test_create_answer_with_errors_only_is_a_request_error(client):
    responses.post(PRODUCTS, json={"Errors": [{"message": "Hay un cargue en proceso"}], "Data": [], "Message": ""})
    with pytest.raises(RequestError, match="Hay un cargue en proceso"):
        client.create_products([technology_listing()])


@responses.activate
def test_bulk_status_decodes_the_response_string(client):
    responses.get(STATUS, match=[CULTURE], json=seed("product_status_response"))
    status = client.get_bulk_status()
    assert (status.status, status.total, status.errors, status.successful, status.checked) == (3, 0, 14, 0, False)
    assert status.finished and not status.active
    [issue] = status.issues
    assert (issue.ean, issue.message, issue.product_name) == (
        "FI1RM0037406412", "La marca no existe en la base de datos.", "Tenis Fila 1RM00374064 Hombre-Multicolor")


@responses.activate
@pytest.mark.parametrize("detail", [None, "", "null"])
def test_bulk_status_without_detail(client, detail):
    body = seed("product_status_response")
    body["data"].update(status=4, response=detail, checked="true")
    responses.get(STATUS, json=body)
    status = client.get_bulk_status()
    assert status.active and not status.finished and status.checked
    assert status.issues == [] and status.errors == 0


@responses.activate
def test_bulk_status_with_broken_detail_is_a_payload_error(client):
    body = seed("product_status_response")
    body["data"]["response"] = "{not json"
    responses.get(STATUS, json=body)
    with pytest.raises(PayloadError, match="not JSON"):
        client.get_bulk_status()


@responses.activate
def test_category_specs_are_flattened(client):
    responses.get(SPECS, match=[CULTURE], json=seed("specs_response"))
    specs = client.get_category_specs(28086)
    assert [(spec.group, spec.name, spec.label, spec.required, spec.values) for spec in specs] == [
        ("Shoes", "Type of Cane", "Tipo de Caña", False, ["Media", "High", "Low"]),
        ("Shoes", "Material Principal", "Material Principal", False, []),
    ]


@responses.activate
def test_specs_with_a_wrong_shape_is_a_payload_error(client):
    responses.get(SPECS, json={"data": [{"specs": "nope"}]})
    with pytest.raises(PayloadError, match="cannot read"):
        client.get_category_specs("28086")


def test_moderation_callbacks():
    rejected = mapping.moderation_results(seed("notifyproduct_rejected"))
    assert [(r.ean, r.seller_sku, r.approved, r.comment, r.reason, r.is_updating) for r in rejected] == [
        ("IZ20000062863", "1994", False, "Nombre no válido", "Nombre no válido", False),
        ("IZ20000062862", "1992", False, "Nombre no válido", "Nombre no válido", False),
    ]
    approved = mapping.moderation_results(seed("notifyproduct_approved"))
    assert [(r.ean, r.approved, r.comment) for r in approved] == [("IZ20000062863", True, ""),
                                                                ("IZ20000062862", True, "")]


@pytest.mark.parametrize("body, message", [
    ({"Ean": "1"}, "a JSON list is expected"),
    (["x"], "entry 0 is not a JSON object"),
    ([{"SellerSku": "1", "Response": "Aprobado"}], "Ean: Field required"),
    ([{"Ean": "1", "Response": "Pendiente"}], "neither Aprobado nor Rechazado"),
])
def test_bad_moderation_callbacks_are_payload_errors(body, message):
    with pytest.raises(PayloadError, match=message):
        mapping.moderation_results(body)


# -- offers ----------------------------------------------------------------------------------------


@responses.activate
def test_individual_offers_body_is_the_seed_example(client):
    responses.patch(OFFERS, match=[CULTURE], json=seed("offer_response"))
    client.push_offers([full_offer(), full_offer(ean="7701410118035", price=20000, discount_price=11000,
                                                 freight_cost=50000, seller_sku="1993")])
    assert sent_body() == seed("offer_individual")


def test_custom_city_and_update_offers_are_the_seed_examples():
    city = full_offer(city_code="18001000", address="Calle Oscura")
    assert mapping.offers_body([city]) == seed("offer_custom_city")
    update = full_offer(seller_sku="1993", update_only=True)
    assert mapping.offers_body([update, full_offer()]) == seed("offer_update")


def test_combo_offer_is_the_seed_example_with_one_type_per_field():
    expected = seed("offer_combo")
    body = mapping.offers_body([combo_offer()])
    main, *components = body["ListOffers"]
    seed_main, *seed_components = expected["ListOffers"]
    # The seed disagrees with itself on three fields of the main row (see const.py): Stock 1 vs
    # "3", DiscountPrice "2000000" vs "20000.00", IsLogisticsExito "0" vs 0. Those are compared
    # normalized; every other field and the component rows exactly.
    normalized = {"Stock": str, "DiscountPrice": lambda value: f"{float(value):.2f}", "IsLogisticsExito": int}
    assert set(main) == set(seed_main)
    for key, value in seed_main.items():
        if key in normalized:
            assert main[key] == normalized[key](value), key
        else:
            assert main[key] == value, key
    assert (main["Stock"], main["DiscountPrice"], main["IsLogisticsExito"]) == ("1", "2000000.00", 0)
    assert components == seed_components
    assert body["PriceApproval"] == expected["PriceApproval"] == 0
    assert mapping.validate_offer(combo_offer()) == []


@responses.activate
def test_offer_answer_flags_price_approval(client):
    responses.patch(OFFERS, json=seed("offer_response"))
    result = client.push_offers([full_offer()], price_approval=True)
    assert sent_body()["PriceApproval"] == 1
    assert (result.total, result.errors, result.successful) == (1, 1, 0)
    pex, other = result.issues
    assert (pex.ean, pex.code, pex.needs_price_approval) == ("7701410118349", "PEX", True)
    assert "extreme change in prices" in pex.message
    assert (other.ean, other.code, other.needs_price_approval) == ("8018417233654", "", False)
    assert other.message == "'Indicador  Envios  Exito' debe ser 1 o 0"


def test_offer_rows_are_counted_with_combo_components(client):
    offers = [combo_offer()] * 101  # 404 rows
    with pytest.raises(ValueError, match="400"):
        client.push_offers(offers)


def test_seed_offers_are_valid():
    assert mapping.validate_offer(full_offer()) == []
    assert mapping.validate_offer(full_offer(update_only=True)) == []


def test_bad_offer_lists_every_broken_rule():
    offer = Offer(ean="", price=16000.5, stock=None, discount_price=0, freight_cost=-1, warranty=0,
                  promise_delivery="10 dias", periodicity=3, currency="USD", city_code="Bogota")
    text = "\n".join(mapping.validate_offer(offer))
    for expected in ("no EAN", "Price 16000.5", "stock is missing", "Discount price 0", "freight cost -1",
                     "Warranty 0", "Delivery promise '10 dias'", "Periodicity 3", "Currency USD",
                     "City code Bogota"):
        assert expected in text, expected
    assert "Stock -2" in "\n".join(mapping.validate_offer(full_offer(stock=-2)))


def test_combo_price_must_match_its_components():
    offer = combo_offer()
    offer.price, offer.discount_price = 2100000, None
    assert any("sum of its components" in problem and "2000000.00" in problem
               for problem in mapping.validate_offer(offer))
    offer.price = 2000000
    assert mapping.validate_offer(offer) == []
    offer.combo[0].quantity = 0
    assert any("quantity 0" in problem for problem in mapping.validate_offer(offer))


def test_offer_notifications():
    [ok] = mapping.offer_notifications(seed("notifyoffer_ok"))
    assert (ok.ean, ok.ok, ok.message) == ("7701410118349", True, "OK")
    ko = mapping.offer_notifications(seed("notifyoffer_ko"))
    assert [(n.ean, n.ok, n.message) for n in ko] == [
        ("7701410118035", False, "DiscountPrice is lower than Price."),
        ("7701410118035", False, "PromiseDelivery is not correct."),
    ]
    with pytest.raises(PayloadError, match="a JSON list"):
        mapping.offer_notifications({"EAN": "1", "Message": "OK"})
    with pytest.raises(PayloadError, match="EAN"):
        mapping.offer_notifications([{"Message": "OK"}])


# -- orders: label, tracking, invoice ------------------------------------------------------------


@responses.activate
def test_label_url_from_the_seed_answer(client):
    responses.get(f"{ORDERS}/1034810209969/sticker", match=[CULTURE], json=seed("sticker_200"))
    assert client.get_label_url("1034810209969") == LABEL


@responses.activate
def test_label_without_collection_center_is_a_coded_request_error(client):
    responses.get(f"{ORDERS}/1034810209969/sticker", status=400, json=seed("sticker_400"))
    with pytest.raises(RequestError) as caught:
        client.get_label_url("1034810209969")
    assert caught.value.code == "no_collection_center"
    assert "La orden no tiene Centro de Acopio asignado" in str(caught.value)
    assert not caught.value.retryable


@responses.activate
def test_other_label_refusal_and_pending_label(client):
    body = seed("sticker_400")
    body["errors"][0]["message"] = "Orden no existe"
    responses.get(f"{ORDERS}/1/sticker", status=400, json=body)
    with pytest.raises(RequestError, match="Orden no existe") as caught:
        client.get_label_url("1")
    assert caught.value.code == "bad_request"
    responses.get(f"{ORDERS}/2/sticker", json={"errors": [], "data": None, "message": "", "pendingResponse": True})
    with pytest.raises(TransientError) as caught:
        client.get_label_url("2")
    assert caught.value.code == "label_pending"


@responses.activate
def test_download_label_sends_no_token(client):
    pdf = b"%PDF-1.4\n" + b"x" * 200_000
    responses.get(LABEL, body=pdf, content_type="application/pdf")
    assert client.download_label(LABEL) == pdf
    assert "Authorization" not in responses.calls[0].request.headers


@responses.activate
def test_download_label_refuses_large_or_non_pdf_files(client, monkeypatch):
    responses.get(LABEL, body=b"<html>AccessDenied</html>")
    with pytest.raises(PayloadError, match="not a PDF"):
        client.download_label(LABEL)
    monkeypatch.setattr(const, "LABEL_MAX_BYTES", 100_000)
    responses.replace(responses.GET, LABEL, body=b"%PDF" + b"x" * 100_000)
    with pytest.raises(PayloadError, match="larger than") as caught:
        client.download_label(LABEL)
    assert caught.value.code == "too_large"


@responses.activate
def test_download_label_errors(client):
    responses.get(LABEL, status=503)
    with pytest.raises(TransientError):
        client.download_label(LABEL)
    responses.replace(responses.GET, LABEL, status=403, body="<Error>Expired</Error>")
    with pytest.raises(RequestError) as caught:
        client.download_label(LABEL)
    assert caught.value.code == "label_download" and caught.value.status == 403
    responses.replace(responses.GET, LABEL, body=requests.ConnectionError("reset"))
    with pytest.raises(TransientError, match="connection failed"):
        client.download_label(LABEL)
    with pytest.raises(PayloadError, match="not a web address"):
        client.download_label("file:///etc/passwd")


@responses.activate
def test_tracking_body_and_answer_are_the_seed_examples(client):
    responses.patch(f"{ORDERS}/637040012650663267/tracking", match=[CULTURE], json=seed("tracking_response"))
    result = client.push_tracking(Shipment(
        order_ref="637040012650663267", tracking="787878", carrier="INTERNATIONAL SHIPPING",
        line_refs=["6370700714712646841", "6370700714712646842"]))
    assert sent_body() == seed("tracking_body")
    # The seed's answer carries the id rounded to a double (6370700714712647000); the id sent
    # is recovered from the message.
    assert result.updated == ["6370700714712646841"]
    assert (result.errors, result.status) == ([], "Created")


@responses.activate
def test_tracking_refused_products_give_messages(client):
    answer = seed("tracking_response")
    answer["products"] = [
        {"idOrder": 1, "idProduct": 11, "status": "Updated", "message": "ok", "code": 201},
        {"idOrder": 1, "idProduct": 12, "status": "Error", "message": "The product 12 is not in status 35.",
         "code": 400},
    ]
    responses.patch(f"{ORDERS}/1/tracking", json=answer)
    result = client.push_tracking(Shipment("1", "T1", "Servientrega", ["11", "12"]))
    assert result.updated == ["11"]
    assert result.errors == ["The product 12 is not in status 35."]


@responses.activate
def test_invoice_body_is_the_seed_example(client):
    responses.patch(f"{ORDERS}/bill", match=[CULTURE], json=seed("bill_200"))
    assert client.upload_invoice("637040012650663267", base64.b64decode("FileInBase64")) is True
    assert sent_body() == seed("bill_body")


@responses.activate
def test_invoice_already_attached_is_not_an_error(client):
    responses.patch(f"{ORDERS}/bill", status=400, json=seed("bill_400"))
    assert client.upload_invoice(637040012650663267, b"%PDF-1.4", file_type=const.FILE_TYPE_ZIP) is False
    assert sent_body()["FileType"] == 2 and sent_body()["IdOrder"] == "637040012650663267"


@responses.activate
def test_other_invoice_refusals_raise(client):
    responses.patch(f"{ORDERS}/bill", status=400, json={"errors": [{"code": "400", "message": "Orden no existe"}],
                                                        "data": False, "message": "Orden no existe"})
    with pytest.raises(RequestError, match="Orden no existe"):
        client.upload_invoice("1", b"%PDF")
    responses.replace(responses.PATCH, f"{ORDERS}/bill", json={"errors": [], "data": False, "message": "No"})
    with pytest.raises(RequestError, match="No"):
        client.upload_invoice("1", b"%PDF")
    with pytest.raises(ValueError):
        client.upload_invoice("1", b"%PDF", file_type=3)


# -- settlements -----------------------------------------------------------------------------------


@responses.activate
def test_settlement_page_from_the_seed(client):
    responses.get(BILLING, match=[matchers.query_param_matcher({
        "culture": "es-CO", "idSeller": "11226", "limit": "100", "paginationToken": "{}",
        "paymentDateInitial": "2019/02/14", "paymentDateFinal": "2019/02/14", "orderNumber": "9202515"})],
        json=seed("billing_response"))
    page = client.get_settlements_page(11226, date_from=date(2019, 2, 14), date_to=date(2019, 2, 14),
                                       order_number="9202515")
    assert page.remaining == 257
    assert page.next_cursor == seed("billing_response")["paginationToken"]
    [settlement] = page.settlements
    assert (settlement.ref, settlement.billing_number, settlement.order_number, settlement.payment_order,
            settlement.concept) == ("636863783488493600", "9406165195", "704359035", "6200006051",
                                    "Venta Marketplace")
    assert settlement.payment_date == datetime(2019, 2, 8, 16, 44, 4, 677000, tzinfo=timezone.utc)
    assert (settlement.commission, settlement.iva, settlement.total) == (8975, -1705.25, 95925)
    [line] = settlement.lines
    assert (line.ref, line.name, line.ean, line.quantity, line.commission, line.price, line.shipping_cost,
            line.total_shipping_cost) == ("636863783488493700", "Videojuego Grand Theft Auto V PS4",
                                          "MP02080000000035", 1, 8975, 104900, 0, 0)


@responses.activate
def test_settlement_last_page_and_repeated_token(client):
    last = dict(seed("billing_response"), paginationToken="{}")
    responses.get(BILLING, json=last)
    assert client.get_settlements_page("1", cursor="abc").next_cursor is None
    token = seed("billing_response")["paginationToken"]
    responses.replace(responses.GET, BILLING, json=seed("billing_response"))
    with pytest.raises(PayloadError, match="same pagination token"):
        client.get_settlements_page("1", cursor=token)


def test_large_numeric_ids_keep_every_digit():
    entry = copy.deepcopy(seed("billing_response")["viewModel"][0])
    entry["id"] = 636863783488493673
    entry["detail"][0]["id"] = 6.368637834884937e17
    settlement = mapping.settlement_from_payload(entry)
    assert settlement.ref == "636863783488493673"
    assert settlement.lines[0].ref == "636863783488493696"
    with pytest.raises(PayloadError, match="settlement 9406165195"):
        mapping.settlement_from_payload(dict(entry, paymentDate="yesterday"))
