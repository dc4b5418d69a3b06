"""Éxito offers API (``PATCH /OfferExternal``): create and update offers, combos, the PEX price guard.

A structural problem (body not an object, ``ListOffers`` not a list, a row not an object, ``EAN``/``Price``
(and ``Stock`` outside combo components) missing, a value of the wrong JSON type) refuses the request with a
400. Rule violations are reported per row in ``offerNotifyViewModels`` and that row is not applied.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from .core import BadRequest, Request, Response, json_response
from .exito_callbacks import Callbacks
from .exito_catalog import Catalog
from .exito_common import MAX_ROWS, body_object, integer_value, json_type, scalar

PROMISE_RE = re.compile(r"^0*[1-9]\d?\s[a]\s0*[1-9]\d?$")
FLAGS = {"IsFreeShipping": "Indicador Envío Gratis", "IsEnviosExito": "Indicador  Envios  Exito",
         "IsFreightCalculator": "Indicador Calculadora de Flete", "IsLogisticsExito": "Indicador Logística Éxito",
         "IsUpdatedStock": "Indicador Actualizar Stock"}
POSITIVE = {"Price": "Precio", "DiscountPrice": "Precio con descuento", "Warranty": "Garantía"}
DIGITS = {"Stock": "Inventario", "AverageFreightCost": "Costo promedio de flete", "ComboQuantity": "Cantidad del combo"}
CREATION = ("Stock", "Price", "DiscountPrice", "AverageFreightCost", "PromiseDelivery", "Warranty", *FLAGS, "Currency")
NUMERIC = (*POSITIVE, *DIGITS, *FLAGS, "Periodicity")
TEXT = ("EAN", "EanCombo", "PromiseDelivery", "Currency", "SellerSku", "DaneCode", "Address")
PEX_LIMIT = 0.30
PEX_MESSAGE = "There are '{}' EAN that suffer an extreme change in prices. do you wish to continue?"


def _present(row: dict, name: str) -> bool:
    return row.get(name) is not None


def check_row(position: int, row: Any) -> dict:
    """Refuse (400) a row that is not an object, misses EAN/Price/Stock or has a field of the wrong JSON type."""
    where = f"ListOffers[{position}]: "
    if not isinstance(row, dict):
        raise BadRequest(f"{where}each offer must be a JSON object, got {json_type(row)}.")
    component = _present(row, "EanCombo")
    required = ("EAN", "Price", "ComboQuantity") if component else ("EAN", "Price", "Stock")
    for name in required:
        if not _present(row, name):
            raise BadRequest(f"{where}the field '{name}' is required.")
    for name in NUMERIC:
        if _present(row, name) and not scalar(row[name]):
            raise BadRequest(f"{where}the field '{name}' must be a number or a string, got {json_type(row[name])}.")
    for name in TEXT:
        if _present(row, name) and not isinstance(row[name], str):
            raise BadRequest(f"{where}the field '{name}' must be a string, got {json_type(row[name])}.")
    if not row["EAN"].strip():
        raise BadRequest(f"{where}the field 'EAN' must not be empty.")
    return row


def rule_errors(row: dict) -> tuple[list[str], dict]:
    """Messages of the value rules the row breaks, and its values normalised (integers)."""
    errors, values = [], {}
    for name, label in POSITIVE.items():
        if _present(row, name):
            number = integer_value(row[name])
            if number is None or number <= 0:
                errors.append(f"'{label}' debe ser un número entero mayor a 0.")
            values[name] = number
    for name, label in DIGITS.items():
        if _present(row, name):
            number = integer_value(row[name], allow_decimals=name == "AverageFreightCost")
            if number is None or number < 0 or (name == "ComboQuantity" and number == 0):
                errors.append(f"'{label}' debe contener solo dígitos.")
            values[name] = number
    for name, label in FLAGS.items():
        if _present(row, name):
            number = integer_value(row[name], allow_decimals=False)
            if number not in (0, 1):
                errors.append(f"'{label}' debe ser 1 o 0")
            values[name] = number
    if _present(row, "Periodicity"):
        values["Periodicity"] = integer_value(row["Periodicity"], allow_decimals=False)
        if values["Periodicity"] not in (1, 2):
            errors.append("'Periodicidad' debe ser 1 o 2.")
    if _present(row, "PromiseDelivery") and not PROMISE_RE.fullmatch(row["PromiseDelivery"]):
        errors.append("'Promesa de entrega' no es válida (ejemplo: 1 a 10).")
    if _present(row, "Currency") and row["Currency"] != "COP":
        errors.append("'Moneda' debe ser COP.")
    for name in ("EAN", "EanCombo", "SellerSku", "DaneCode", "Address", "PromiseDelivery", "Currency"):
        if _present(row, name):
            values[name] = row[name]
    return errors, values


class Offers:
    """The current offer per EAN."""

    def __init__(self, catalog: Catalog, callbacks: Callbacks) -> None:
        self.catalog = catalog
        self.callbacks = callbacks
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._offers: dict[str, dict] = {}

    def offers(self) -> list[dict]:
        with self._lock:
            return json.loads(json.dumps(list(self._offers.values())))

    def patch(self, request: Request) -> Response:
        body = body_object(request.json())
        approval = body.get("PriceApproval", 0)
        if approval is None:
            approval = 0
        if integer_value(approval, allow_decimals=False) not in (0, 1):
            raise BadRequest("The field 'PriceApproval' must be 0 or 1.")
        rows = body.get("ListOffers")
        if not isinstance(rows, list):
            raise BadRequest(f"The field 'ListOffers' must be a list of offers, got {json_type(rows)}.")
        if not rows:
            raise BadRequest("The field 'ListOffers' must contain at least one offer.")
        if len(rows) > MAX_ROWS:
            raise BadRequest(f"The request exceeds the limit of {MAX_ROWS} offers ({len(rows)} sent).")
        rows = [check_row(position, row) for position, row in enumerate(rows)]
        approved = integer_value(approval, allow_decimals=False) == 1
        checked = []
        for row in rows:
            errors, values = rule_errors(row)
            for ean in {row["EAN"], row.get("EanCombo")} - {None}:
                if not self.catalog.exists(ean):
                    errors.append(f"El EAN '{ean}' no existe.")
            checked.append((row, sorted(set(errors), key=errors.index), values))
        with self._lock:
            notify, applied, failed = self._process(checked, approved)
        answer = {"totalProcess": len(rows), "error": failed, "successful": len(rows) - failed,
                  "offerNotifyViewModels": notify}
        self.callbacks.send_later("offer", [{"EAN": ean, "Message": "OK"} for ean in applied])
        return json_response(200, {"message": "Operation successful", "errors": [], "data": answer})

    def _process(self, checked: list, approved: bool) -> tuple[list[dict], list[str], int]:
        combos = self._combo_errors(checked)
        notify, applied, failed = [], [], 0
        for row, errors, values in checked:
            ean = row["EAN"]
            codes = [(text, "") for text in errors]
            component = _present(row, "EanCombo")
            if component and not errors and not any(r["EAN"] == row["EanCombo"] and not _present(r, "EanCombo")
                                                     for r, _, _ in checked):
                codes.append((f"La oferta del combo '{row['EanCombo']}' no está en la solicitud.", ""))
            if not component and not errors:
                codes += [(text, "") for text in combos.get(ean, [])]
                current = self._offers.get(ean)
                if current is None:
                    codes += [(f"'{name}' es obligatorio para crear la oferta.", "")
                              for name in CREATION if not _present(row, name)]
                elif not approved and current["Price"] and not codes:
                    change = abs(values["Price"] - current["Price"]) / current["Price"]
                    if change > PEX_LIMIT:
                        codes.append((PEX_MESSAGE.format(ean), "PEX"))
            if codes:
                failed += 1
                notify += [{"ean": ean, "message": text, "code": code} for text, code in codes]
            elif not component:
                self._apply(ean, values, [v for r, e, v in checked if r.get("EanCombo") == ean])
                applied.append(ean)
        return notify, applied, failed

    def _combo_errors(self, checked: list) -> dict[str, list[str]]:
        """Errors of each combo EAN: components with errors, or prices not adding up to the combo's."""
        groups: dict[str, list] = {}
        for row, errors, values in checked:
            if _present(row, "EanCombo"):
                groups.setdefault(row["EanCombo"], []).append((errors, values))
        result = {}
        for combo, components in groups.items():
            if any(errors for errors, _ in components):
                result[combo] = [f"El combo '{combo}' tiene componentes con errores."]
                continue
            total = sum(values["Price"] * values["ComboQuantity"] for _, values in components)
            rows = [values for row, errors, values in checked if row["EAN"] == combo and not _present(row, "EanCombo")]
            prices = {rows[-1].get("Price"), rows[-1].get("DiscountPrice")} if rows else set()
            if total not in prices:
                shown = " / ".join(str(price) for price in sorted(p for p in prices if p is not None))
                result[combo] = [f"El precio del combo '{combo}' ({shown}) no es igual a la suma de sus "
                                 f"componentes ({total})."]
        return result

    def _apply(self, ean: str, values: dict, components: list[dict]) -> None:
        current = self._offers.get(ean)
        offer = dict(current) if current else {"EAN": ean, "Periodicity": 1}
        keep_stock = current is not None and values.get("IsUpdatedStock", current.get("IsUpdatedStock", 1)) == 0
        offer.update({key: value for key, value in values.items() if not (key == "Stock" and keep_stock)})
        if components:
            offer["components"] = [{key: value[key] for key in ("EAN", "Price", "ComboQuantity")}
                                   for value in components]
        offer["updates"] = offer.get("updates", -1) + 1
        self._offers[ean] = offer
