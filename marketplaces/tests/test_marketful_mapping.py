"""Marketful mapping, without Odoo: state codes, street parts and the checks of a multichannel order."""

import ast
import pathlib

import pytest

from marketplaces.marketful import mapping
from marketplaces.marketful.mapping import Problem, StreetParts, fulfillment_problems, mx_state, split_street
from marketplaces.marketful.records import FulfillmentOrder, OrderLine

# Odoo's base data code -> the 2-letter code of Wikipedia's "Template:Mexico State-Abbreviation Codes"
ODOO_TO_SEED = {
    "AGU": "AG", "BCN": "BC", "BCS": "BS", "CAM": "CM", "CHP": "CS", "CHH": "CH", "COA": "CO", "COL": "CL",
    "CMX": "DF", "DIF": "DF", "DUR": "DG", "GUA": "GT", "GRO": "GR", "HID": "HG", "JAL": "JA", "MEX": "ME",
    "MIC": "MI", "MOR": "MO", "NAY": "NA", "NLE": "NL", "OAX": "OA", "PUE": "PB", "QUE": "QT", "ROO": "QR",
    "SLP": "SL", "SIN": "SI", "SON": "SO", "TAB": "TB", "TAM": "TM", "TLA": "TL", "VER": "VE", "YUC": "YU",
    "ZAC": "ZA",
}


# -- states ------------------------------------------------------------------------------------


@pytest.mark.parametrize("odoo, seed", sorted(ODOO_TO_SEED.items()))
def test_every_odoo_state_has_the_seed_code(odoo, seed):
    assert mx_state(odoo) == f"MX-{seed}"
    assert mx_state(f"MX-{odoo}") == f"MX-{seed}"  # the ISO 3166-2 form
    assert mx_state(seed) == mx_state(f"MX - {seed}") == f"MX-{seed}"  # already the seed's code


def test_all_32_states_are_distinct():
    assert len({mx_state(code) for code in ODOO_TO_SEED}) == 32


@pytest.mark.parametrize("code, expected", [
    ("MX-AG", "MX-AG"), ("MX - AG", "MX-AG"), (" mx-ag ", "MX-AG"), ("jal", "MX-JA"), ("mx - cmx", "MX-DF"),
    ("", ""), (None, ""), ("XX", ""), ("MX-XX", ""), ("MX", ""), ("Jalisco", ""), ("ANT", ""), ("MX-ABCD", ""),
])
def test_state_codes_are_normalised_or_empty(code, expected):
    assert mx_state(code) == expected


# -- street ------------------------------------------------------------------------------------


@pytest.mark.parametrize("street, parts", [
    ("Av. Reforma 222", ("Av. Reforma", "222", "")),
    ("Calle 5 de Mayo 123 Int. 4", ("Calle 5 de Mayo", "123", "4")),
    ("Insurgentes Sur 1602 Piso 4", ("Insurgentes Sur", "1602", "Piso 4")),
    ("Camino Real S/N", ("Camino Real", "S/N", "")),
    ("Camino Real s/n", ("Camino Real", "S/N", "")),
    ("Av. Juárez #45-B", ("Av. Juárez", "45-B", "")),
    ("Av. Juárez # 45", ("Av. Juárez", "45", "")),
    ("Calle 10 No. 25 Depto 3", ("Calle 10", "25", "Depto 3")),
    ("Calle Hidalgo Núm. 7 Interior 2B", ("Calle Hidalgo", "7", "2B")),
    ("Calle Hidalgo Número 7", ("Calle Hidalgo", "7", "")),
    ("Av. Reforma 222, int 4", ("Av. Reforma", "222", "4")),
    ("Calle 16 de Septiembre 45 Local 3", ("Calle 16 de Septiembre", "45", "Local 3")),
    ("Av. Universidad 1000 Oficina 301", ("Av. Universidad", "1000", "Oficina 301")),
    ("Av. Universidad 1000 Of. 301", ("Av. Universidad", "1000", "Of. 301")),
    ("Av. Universidad 1000 Dpto 5", ("Av. Universidad", "1000", "Dpto 5")),
    ("Av. Universidad 1000 Apt 5", ("Av. Universidad", "1000", "Apt 5")),
    ("Av. Universidad 1000 Departamento 5", ("Av. Universidad", "1000", "Departamento 5")),
    ("Morelos 12A", ("Morelos", "12A", "")),
    # conservative: what is not clearly a number stays in the street
    ("Calle Sin Numero", ("Calle Sin Numero", "", "")),
    ("Calle 10", ("Calle 10", "", "")),
    ("Av. 20", ("Av. 20", "", "")),
    ("Blvd. Kukulcán Km 12.5", ("Blvd. Kukulcán Km 12.5", "", "")),
    ("Av. Reforma Depto 3", ("Av. Reforma Depto 3", "", "")),
    ("Plaza Local", ("Plaza Local", "", "")),
    ("  Av.   Reforma   222  ", ("Av. Reforma", "222", "")),
    ("No. 25", ("", "25", "")),
    ("Calle 5 de Mayo 123 Int.", ("Calle 5 de Mayo 123 Int.", "", "")),
    ("", ("", "", "")),
    (None, ("", "", "")),
])
def test_split_street(street, parts):
    assert split_street(street) == StreetParts(*parts)


# -- multichannel order checks ------------------------------------------------------------------


def order(**changes):
    values = dict(num_orden="#1203", orden_id="SHOP-1203", customer="Ana López", carrier="Fedex",
                  phone="5512345678", street="Av. Reforma", exterior_number="222", colonia="Juárez",
                  city="Ciudad de México", state="CMX", postal_code="06600", canal="Shopify",
                  tipo_envio="económico", items=[OrderLine("PRO20PRO", 2)])
    values.update(changes)
    return FulfillmentOrder(**values)


def test_a_complete_order_has_no_problem():
    assert fulfillment_problems(order()) == []
    assert fulfillment_problems(order(carrier="will_call", state="MX - JA", tipo_envio="economico")) == []


def test_each_missing_field_is_named_in_words_and_as_the_seed_spells_it():
    blank = {name: "" for name in ("num_orden", "orden_id", "customer", "carrier", "phone", "street",
                                   "exterior_number", "colonia", "city", "state", "postal_code", "canal",
                                   "tipo_envio")}
    problems = fulfillment_problems(order(**blank, items=[]))
    assert all(isinstance(problem, Problem) for problem in problems)
    assert [problem.params.get("field") for problem in problems] == [
        "num_orden", "orden_id", "customer", "carrier_name", "telefono", "calle", "no_exterior", "colonia",
        "ciudad", "estado", "codigo_postal", "canal", "tipo_envio", None]
    assert problems[6] == ("Order ?: the exterior number of the delivery address (no_exterior) is missing: "
                           "write it after the street, or S/N when the building has none.")
    assert problems[-1] == "Order ? has no items."


def test_wrong_values_are_explained():
    problems = fulfillment_problems(order(carrier="Correos", state="Jalisco", tipo_envio="express",
                                          items=[OrderLine("", 1), OrderLine("A", 0), OrderLine("B", 1.5)]))
    assert problems == [
        "Order #1203: carrier Correos is not one Marketful accepts (Marketful, Fedex, DHL, UPS, Estafeta, Will_Call).",
        "Order #1203: the state Jalisco is not a Mexican state code: use the state of Odoo's address (such as JAL) "
        "or Marketful's MX-XX (such as MX-JA).",
        "Order #1203: the shipping type express must be económico / dia_siguiente.",
        "Order #1203, line 1: the SKU is missing.",
        "Order #1203, line 2: the quantity must be a whole number above zero.",
        "Order #1203, line 3: the quantity must be a whole number above zero.",
    ]
    assert problems[0].params == {"order": "#1203", "carrier": "Correos",
                                  "carriers": "Marketful, Fedex, DHL, UPS, Estafeta, Will_Call"}


def _marked_literals():
    """The strings of mapping.py wrapped in ``_()``: what Odoo's translation export collects."""
    tree = ast.parse(pathlib.Path(mapping.__file__).read_text(encoding="utf-8"))
    literals = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            assert len(node.args) == 1 and isinstance(node.args[0], ast.Constant), ast.dump(node)
            literals.add(node.args[0].value)
    return literals


def test_every_problem_template_is_a_literal_marked_for_translation():
    blank = order(num_orden="", orden_id="", customer="", carrier="", phone="", street="", exterior_number="",
                  colonia="", city="", state="", postal_code="", canal="", tipo_envio="", items=[])
    wrong = order(carrier="Correos", state="XX", tipo_envio="x", items=[OrderLine("", 0)])
    templates = {problem.template for problem in fulfillment_problems(blank) + fulfillment_problems(wrong)}
    assert len(templates) == 19
    assert templates == _marked_literals()


def test_problem_reads_as_its_sentence_and_keeps_template_and_params():
    problem = Problem("Order %(order)s has no items.", {"order": "#7"})
    assert problem == "Order #7 has no items." and problem.template == "Order %(order)s has no items."
    assert problem.params == {"order": "#7"}
    assert Problem("No params.") == "No params." and Problem("No params.").params == {}
