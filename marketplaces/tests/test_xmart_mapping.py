"""X-Mart mapping, without Odoo and HTTP: orders to canonical records, the list payload and its hash."""

import copy
import json
import pathlib
from datetime import datetime, timezone

import pytest

from marketplaces.base import PayloadError
from marketplaces.records import Address, Buyer, MarketOrder
from marketplaces.xmart import CatalogList, ListProduct, Schedule, mapping

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
DELIVERY = json.loads((FIXTURES / "xmart_order_delivery.json").read_text())
PICKUP = json.loads((FIXTURES / "xmart_order_pickup.json").read_text())


def order(base=DELIVERY, **changes):
    payload = copy.deepcopy(base)
    payload.update(changes)
    return payload


# -- orders ---------------------------------------------------------------------------------------


def test_delivery_order_with_modifiers_and_discount_adds_up():
    market = mapping.order_from_payload(DELIVERY, country="ec")
    assert (market.ref, market.number, market.status, market.currency, market.channel, market.delivery_type,
            market.seller_id) == ("ORD-88001", "XM-100245", "New", "USD", "ST-001", "DELIVERY", "BR-7")
    assert market.date_order == datetime(2024, 11, 5, 17, 34, 56, tzinfo=timezone.utc)
    assert market.buyer == Buyer(
        name="María José Andrade", identification="1712345678", email="mj.andrade@example.ec",
        phone="+593991234567",
        address=Address(street="Av. Amazonas N34-120 y Av. República, Edificio Torre Azul, piso 3",
                        street2="La Carolina", city="Quito", country_code="EC"))
    assert [(line.ref, line.seller_sku, line.name, line.quantity, line.unit_price) for line in market.lines] == [
        ("IT-1", "BURGER-CLASSIC", "Classic burger", 2, 10.75),  # 8.50 + cheese 1.00 + bacon 1.25
        ("IT-2", "FRIES-L", "Large fries", 1, 3.75),
        ("IT-3", "SODA-500", "Soda 500 ml", 3, 1.1)]
    assert market.goods_total == pytest.approx(28.55)
    assert (market.shipping_amount, market.discount) == (2.5, 3.0)
    assert market.grand_total == pytest.approx(DELIVERY["total"])  # 28.55 + 2.50 - 3.00
    assert sum(line.quantity * line.unit_price for line in market.lines) == pytest.approx(market.goods_total)


def test_pickup_order_has_no_address():
    market = mapping.order_from_payload(PICKUP)
    assert (market.delivery_type, market.channel, market.shipping_amount, market.discount) == ("PICKUP", "ST-002", 0, 0)
    assert market.buyer.address == Address()
    assert (market.buyer.identification, market.buyer.phone, market.currency) == ("1709876543", "", "USD")
    assert market.lines[0].unit_price == 12.75 and market.grand_total == 12.75
    assert mapping.order_from_payload(PICKUP, "EC").buyer.address == Address(country_code="EC")
    with_address = order(PICKUP, shippingAddress=DELIVERY["shippingAddress"])
    assert mapping.order_from_payload(with_address).buyer.address == Address()


def test_grand_total_subtracts_the_discount():
    market = MarketOrder(ref="1", number="1", date_order=datetime.now(timezone.utc), status="", currency="USD",
                         buyer=Buyer(name="x"), lines=[], goods_total=100, shipping_amount=5, discount=12.5)
    assert market.grand_total == 92.5
    market.discount = 0.0
    assert market.grand_total == 105


def test_totals_within_a_cent_are_accepted():
    assert mapping.order_from_payload(order(total=28.06)).grand_total == pytest.approx(28.05)
    payload = order()
    payload["items"][2]["total"] = 3.31
    payload["total"] = 28.06
    mapping.order_from_payload(payload)


def test_an_item_total_that_does_not_add_up_is_refused():
    payload = order()
    payload["items"][0]["modifiers"] = []  # the burger's total still counts its modifiers
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(payload)
    assert str(caught.value) == ("X-Mart order XM-100245, item IT-1: its total is 21.50, but quantity × (unit price + "
                                 "modifiers) is 17.00.")
    assert caught.value.template.startswith("%(marketplace)s order %(number)s, item %(item)s")


@pytest.mark.parametrize("changes", [{"total": 31.05}, {"discount": 0}, {"deliveryFee": 0}, {"total": 28.03}])
def test_an_order_total_that_does_not_add_up_is_refused(changes):
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(order(**changes))
    text = str(caught.value)
    assert text.startswith("X-Mart order XM-100245: the items (28.55) plus delivery")
    assert "but the order total is" in text


def test_missing_or_wrong_fields_are_named():
    payload = order()
    del payload["customer"]["name"]
    payload["createdAt"] = "2024-11-05T12:34:56"
    payload["items"][1]["quantity"] = 0
    payload["orderType"] = "DRONE"
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(payload)
    text = str(caught.value)
    assert text.startswith("X-Mart order XM-100245:")
    for expected in ("customer.name: Field required", "createdAt", "items.1.quantity", "orderType"):
        assert expected in text, expected


@pytest.mark.parametrize("changes, expected", [
    ({"items": []}, "items"),
    ({"orderId": None}, "orderId"),
    ({"storeId": ""}, "storeId"),
    ({"currency": None}, "currency"),
    ({"total": None}, "total"),
    ({"shippingAddress": None}, "a DELIVERY order needs a shipping address"),
    ({"discount": -1}, "discount"),
])
def test_required_fields(changes, expected):
    with pytest.raises(PayloadError, match=expected):
        mapping.order_from_payload(order(**changes))


def test_not_an_object_and_no_number():
    with pytest.raises(PayloadError, match="not a JSON object"):
        mapping.order_from_payload(["ORD-1"])
    with pytest.raises(PayloadError, match=r"X-Mart order \?:"):
        mapping.order_from_payload({"items": []})


def test_raw_order():
    raw = mapping.raw_order(DELIVERY)
    assert (raw.ref, raw.number, raw.payload) == ("ORD-88001", "XM-100245", DELIVERY)
    assert mapping.raw_order({"orderId": 88001.0, "orderNumber": 5}).ref == "88001"
    assert mapping.raw_order({"orderNumber": "XM-1"}, order_id="ORD-1").ref == "ORD-1"
    no_id = mapping.raw_order({"orderNumber": "XM-1"})
    assert no_id.ref.startswith("no-id-") and no_id.ref == mapping.raw_order({"orderNumber": "XM-1"}).ref
    assert mapping.raw_order("junk").ref.startswith("no-id-")


# -- lists ----------------------------------------------------------------------------------------


def catalog(**changes):
    values = dict(
        name="Menu", vendor_id="BR-7", channel_id="CH-APP", store_id="ST-001",
        products=[ListProduct("BURGER-CLASSIC", "Classic burger", 8.5, "usd", category_id="C-1", tax_rate=15,
                              stock=20, schedules=[Schedule("friday", "18:00", "23:00"),
                                                   Schedule("MONDAY", "11:00", "15:00")]),
                  ListProduct("FRIES-L", "Large fries", 3.75, "USD", category_id="C-2", ean="7861234500011")],
        categories=[("C-1", "Burgers"), ("C-2", "Sides")])
    values.update(changes)
    return CatalogList(**values)


def test_list_payload_is_stable():
    payload = mapping.list_payload(catalog())
    assert "listId" not in payload
    burger = payload["products"][0]
    assert burger["priceInfo"] == {"price": 8.5, "currency": "USD"}
    assert burger["schedules"] == [{"day": "MONDAY", "from": "11:00", "to": "15:00"},
                                   {"day": "FRIDAY", "from": "18:00", "to": "23:00"}]
    assert payload["products"][1]["ean"] == "7861234500011"
    reordered = catalog(products=list(reversed(catalog().products)), categories=[("C-2", "Sides"), ("C-1", "Burgers")])
    assert mapping.list_payload(reordered) == payload


def test_list_hash_ignores_key_and_product_order():
    payload = mapping.list_payload(catalog())
    reversed_keys = json.loads(json.dumps(dict(reversed(list(payload.items())))))
    for product in reversed_keys["products"]:
        product["priceInfo"] = dict(reversed(list(product["priceInfo"].items())))
    assert list(reversed_keys) != list(payload)
    assert mapping.payload_hash(reversed_keys) == mapping.payload_hash(payload)
    digest = mapping.list_hash(catalog())
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert mapping.list_hash(catalog(products=list(reversed(catalog().products)))) == digest
    integral = catalog()
    integral.products[0].price, integral.products[0].stock = 8.50, 20.0
    assert mapping.list_hash(integral) == digest  # 20 and 20.0 are one value
    assert mapping.list_hash(catalog(list_id="L-77")) == digest  # the id X-Mart gives is not content


@pytest.mark.parametrize("change", [
    lambda c: setattr(c.products[0], "price", 8.75),
    lambda c: setattr(c.products[1], "stock", 1),
    lambda c: setattr(c.products[1], "available", False),
    lambda c: c.products[0].images.append("https://img/b1.jpg"),
    lambda c: setattr(c, "name", "Menu 2"),
    lambda c: c.products.pop(),
])
def test_list_hash_changes_with_the_content(change):
    changed = catalog()
    change(changed)
    assert mapping.list_hash(changed) != mapping.list_hash(catalog())


def test_list_hash_refuses_values_json_cannot_carry():
    with pytest.raises(ValueError):
        mapping.list_hash(catalog(products=[ListProduct("A", "A", float("nan"), "USD")]))


def test_list_problems():
    assert mapping.list_problems(catalog()) == []
    problems = mapping.list_problems(catalog(store_id="", products=[
        ListProduct("", "No sku", 1, "USD"), ListProduct("X", "X", 1, "USD", stock=-2, tax_rate=101,
                                                         schedules=[Schedule("MONDAY", "9:00", "10:00")])]))
    text = " | ".join(problems)
    for expected in ("List Menu has no store", "product 'No sku' has no SKU", "stock -2", "tax rate 101",
                     "slot 9:00-10:00"):
        assert expected in text, expected
