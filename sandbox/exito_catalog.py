"""Éxito products API (``POST /products-massive/``, ``GET /products-massive/status``), moderation and specs.

Field rules mirror the seller center's validations (see the repository's api-notes): a structural problem
(body not a list, an entry not an object, a required field missing or of the wrong JSON type) refuses the
whole request with a 400; a value breaking a rule is reported per entry in ``productNotifyViewModel``.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from .core import BadRequest, Request, Response, json_response
from .exito_callbacks import Callbacks
from .exito_common import DIGITS_RE, MAX_ROWS, SELLER_ID, envelope_error, json_type

OK_MESSAGE = "Operación realizada éxitosamente."
BUSY_MESSAGE = "Existe un proceso de carga masiva en curso."
EAN_RE = re.compile(r"^([A-Z0-9]{5,16})$")
NAME_RE = re.compile(r"^(?:[^\W_]|[+\-,. ]){1,60}$")  # letters (accents too), digits, + - , . and spaces
DIMENSION_RE = re.compile(r"^([0-9]{1,7})(,[0-9]{1,2})$|^[0-9]{1,10}$")
COLORS = ("Beige", "Negro", "Blanco", "Azul", "Amarillo", "Cafe", "Gris", "Verde", "Naranja", "Rosa", "Morado",
          "Rojo", "Plata", "Dorado", "MultiColor")
PRODUCT_TYPES = ("Technology", "Clothing")
UNITS = ("Gramo", "Mililitro", "Metro", "Unidad")
DIMENSIONS = ("PackageHeight", "PackageLength", "PackageWidth", "PackageWeight", "ProductHeight", "ProductLength",
              "ProductWidth", "ProductWeight")
#: Always present as strings (``Ean`` may be absent or "0": a generic EAN is assigned).
REQUIRED = ("Name", "Category", "Brand", "Description", "KeyWords", *DIMENSIONS, "SkuShippingSize", "Seller",
            "ProductType", "ImageUrl1", "IsLogisticsExito", "MeasurementUnit", "ConversionFactor")
#: Strings or null (or absent), as the seed's examples show.
NULLABLE = ("Ean", "ImageUrl2", "ImageUrl3", "ImageUrl4", "ImageUrl5", "ModifyImage", "DrainedFactor", "EanCombo",
            "SellerSku", "SonReference", "HexColourName")
CLOTHING_REQUIRED = ("ParentReference", "Size", "Color")
LABELS = {
    "Ean": "EAN", "Name": "Nombre del producto", "Category": "Categoría", "Brand": "Marca",
    "Description": "Descripción", "KeyWords": "Palabras clave", "SkuShippingSize": "Tamaño de envío",
    "Seller": "Vendedor", "ProductType": "Tipo de producto", "ImageUrl1": "Imagen 1", "ImageUrl2": "Imagen 2",
    "ImageUrl3": "Imagen 3", "ImageUrl4": "Imagen 4", "ImageUrl5": "Imagen 5",
    "IsLogisticsExito": "Logística Éxito", "MeasurementUnit": "Unidad de medida",
    "ConversionFactor": "Factor de conversión", "DrainedFactor": "Factor de escurrido", "EanCombo": "EAN combo",
    "ParentReference": "Referencia padre", "Size": "Talla", "Color": "Color", "PackageHeight": "Alto del empaque",
    "PackageLength": "Largo del empaque", "PackageWidth": "Ancho del empaque", "PackageWeight": "Peso del empaque",
    "ProductHeight": "Alto del producto", "ProductLength": "Largo del producto", "ProductWidth": "Ancho del producto",
    "ProductWeight": "Peso del producto",
}
REJECT_MARK = "RECHAZO"
REJECT_REASON = "Nombre no válido"

#: Spec groups by category: the seed's 28086, plus the module's demo categories (chosen data).
SPECS: dict[str, list[dict]] = {
    "28086": [{"groupName": "Shoes", "label": "Calzado", "specs": [
        ("Type of Cane", "Tipo de Caña", False, [("Media", "Media"), ("Alta", "High"), ("Baja", "Low")]),
        ("Material Principal", "Material Principal", False, [])]}],
    "27193": [{"groupName": "Tecnología", "label": "Tecnología", "specs": [
        ("Garantía", "Garantía", True, [("6 meses", "6 meses"), ("1 año", "1 año")]),
        ("Tipo de cámara", "Tipo de cámara", False, [("Deportiva", "Deportiva"), ("Compacta", "Compacta")])]}],
    "50031": [{"groupName": "Ropa", "label": "Ropa", "specs": [
        ("Material", "Material", True, [("Algodón", "Algodón"), ("Poliéster", "Poliéster"), ("Lycra", "Lycra")]),
        ("Tipo de manga", "Tipo de manga", False, [("Corta", "Corta"), ("Larga", "Larga"), ("Sisa", "Sisa")])]}],
}


def spec_groups(category: str) -> list[dict]:
    """The seed's group shape for a category (``[]`` when it has none)."""
    return [{
        "idGroup": "", "groupName": group["groupName"],
        "specs": [{"idSpec": "", "specName": name, "required": required,
                   "values": [{"label": label, "displayName": shown} for label, shown in values],
                   "listValues": None, "label": label_} for name, label_, required, values in group["specs"]],
        "id": None, "categories": json.dumps([category]), "listCategories": [], "idVTEX": "", "label": group["label"],
    } for group in SPECS.get(category, [])]


def invalid(field: str) -> str:
    return f"'{LABELS.get(field, field)}' no es válido."


def check_structure(position: int, entry: Any) -> dict:
    """Refuse (400) an entry that is not an object or misses a field / has a field of the wrong JSON type."""
    where = f"Product {position + 1}: "
    if not isinstance(entry, dict):
        raise BadRequest(f"{where}each product must be a JSON object, got {json_type(entry)}.")
    required = REQUIRED + (CLOTHING_REQUIRED if entry.get("ProductType") == "Clothing" else ())
    for name in required:
        if entry.get(name) is None:
            raise BadRequest(f"{where}the field '{name}' is required.")
        if not isinstance(entry[name], str):
            raise BadRequest(f"{where}the field '{name}' must be a string, got {json_type(entry[name])}.")
    for name in NULLABLE + ("ParentReference", "Size", "Color"):
        if entry.get(name) is not None and not isinstance(entry[name], str):
            raise BadRequest(f"{where}the field '{name}' must be a string or null, got {json_type(entry[name])}.")
    features = entry.get("features")
    if features is not None:
        if not isinstance(features, list):
            raise BadRequest(f"{where}the field 'features' must be a list, got {json_type(features)}.")
        for feature in features:
            if not (isinstance(feature, dict) and isinstance(feature.get("key"), str)
                    and isinstance(feature.get("value"), str)):
                raise BadRequest(f"{where}each entry of 'features' must be {{\"key\": string, \"value\": string}}.")
    return entry


def rule_errors(entry: dict) -> list[str]:
    """Messages of the value rules an (already well-formed) product breaks."""
    errors = []
    ean = entry.get("Ean")
    if ean not in (None, "0") and not EAN_RE.fullmatch(ean):
        errors.append(invalid("Ean"))
    if not NAME_RE.fullmatch(entry["Name"]) or not entry["Name"].strip():
        errors.append(invalid("Name"))
    if not DIGITS_RE.fullmatch(entry["Category"]):
        errors.append(invalid("Category"))
    for name in ("Brand", "Seller"):
        if not entry[name].strip():
            errors.append(invalid(name))
    if not entry["Description"].strip() or "<script" in entry["Description"].lower():
        errors.append(invalid("Description"))
    if not entry["KeyWords"].strip() or len(entry["KeyWords"]) > 500:
        errors.append(invalid("KeyWords"))
    if entry["SkuShippingSize"] not in ("1", "2", "3", "4", "5"):
        errors.append(invalid("SkuShippingSize"))
    for name in (*DIMENSIONS, "ConversionFactor"):
        if not DIMENSION_RE.fullmatch(entry[name]):
            errors.append(invalid(name))
    if entry.get("DrainedFactor") is not None and not DIMENSION_RE.fullmatch(entry["DrainedFactor"]):
        errors.append(invalid("DrainedFactor"))
    for index in range(1, 6):
        url = entry.get(f"ImageUrl{index}")
        if url is not None and not (url.startswith(("http://", "https://")) and url.lower().endswith(".jpg")):
            errors.append(invalid(f"ImageUrl{index}"))
    if entry["IsLogisticsExito"] not in ("0", "1"):
        errors.append(invalid("IsLogisticsExito"))
    if entry["ProductType"] not in PRODUCT_TYPES:
        errors.append(invalid("ProductType"))
    if entry["MeasurementUnit"] not in UNITS:
        errors.append(invalid("MeasurementUnit"))
    combo = entry.get("EanCombo")
    if combo is not None and not all(EAN_RE.fullmatch(part.strip()) for part in combo.split(",")):
        errors.append(invalid("EanCombo"))
    if entry["ProductType"] == "Clothing":
        if not entry["ParentReference"].strip():
            errors.append(invalid("ParentReference"))
        if not entry["Size"] or len(entry["Size"]) > 10 or " " in entry["Size"]:
            errors.append(invalid("Size"))
        if entry["Color"] not in COLORS:
            errors.append(invalid("Color"))
    return errors


class Catalog:
    """Products by EAN, the seller's last bulk process and the moderation of its products."""

    def __init__(self, callbacks: Callbacks) -> None:
        self.callbacks = callbacks
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._products: dict[str, dict] = {}
            self._process: dict | None = None
            self._processes = 0
            self._generated = 0

    def add_live(self, items: list[dict]) -> None:
        """Products the seller already has on Éxito, approved (the catalog the generated orders
        sell): offers can be sent for them without publishing them first."""
        with self._lock:
            for item in items:
                self._products[item["ean"]] = {
                    "Ean": item["ean"], "SellerSku": item["reference"], "Name": item["name"], "Category": "27193",
                    "ProductType": "Technology", "ParentReference": None, "EanCombo": None, "generated_ean": False,
                    "moderation": "approved", "comment": "", "reason": "", "process": 0, "updated": False,
                    "sent": None,
                }

    def products(self) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(product)) for product in self._products.values()]

    def exists(self, ean: str) -> bool:
        with self._lock:
            return ean in self._products

    # -- create --------------------------------------------------------------------------------------

    def create(self, request: Request) -> Response:  # pylint: disable=method-required-super  # not an Odoo model
        body = request.json()
        if not isinstance(body, list):
            raise BadRequest(f"The request body must be a JSON list of products, got {json_type(body)}.")
        if not body:
            raise BadRequest("The request must contain at least one product.")
        if len(body) > MAX_ROWS:
            raise BadRequest(f"The request exceeds the limit of {MAX_ROWS} EANs ({len(body)} products sent).")
        entries = [check_structure(position, entry) for position, entry in enumerate(body)]
        with self._lock:
            if self._process and self._process["status"] in (4, 1):
                return envelope_error(400, BUSY_MESSAGE)
            self._processes += 1
            notify, eans, seen, failed = [], [], set(), 0
            for entry in entries:
                errors = rule_errors(entry)
                ean = entry.get("Ean")
                if ean not in (None, "0") and ean in seen:
                    errors.append(f"El EAN '{ean}' está repetido en la solicitud.")
                if errors:
                    failed += 1
                    notify += [{"Ean": ean or "0", "Message": text, "ProductName": entry["Name"]} for text in errors]
                    continue
                if ean in (None, "0"):
                    self._generated += 1
                    ean = f"IZ2{60000 + self._generated:010d}"
                seen.add(ean)
                eans.append(ean)
                self._store(ean, entry)
            self._process = {"id": self._processes, "status": 4, "total": len(entries), "error": failed,
                             "successful": len(entries) - failed, "notify": notify, "eans": eans, "moderated": False}
        answer = {"totalProcess": len(entries), "error": failed, "successful": len(entries) - failed, "fileName": "",
                  "productNotifyViewModel": [{"Ean": item["Ean"], "Message": item["Message"]} for item in notify]}
        return json_response(200, {"Errors": [], "Data": [answer], "Message": OK_MESSAGE})

    def _store(self, ean: str, entry: dict) -> None:
        self._products[ean] = {
            "Ean": ean, "SellerSku": entry.get("SellerSku"), "Name": entry["Name"], "Category": entry["Category"],
            "ProductType": entry["ProductType"], "ParentReference": entry.get("ParentReference"),
            "EanCombo": entry.get("EanCombo"), "generated_ean": entry.get("Ean") in (None, "0"),
            "moderation": "pending", "comment": "", "reason": "", "process": self._processes,
            "updated": ean in self._products, "sent": dict(entry),
        }

    # -- status --------------------------------------------------------------------------------------

    def status(self) -> Response:
        """Answer the current status of the last process, then move it on (4 -> 1 -> 2 or 3)."""
        to_moderate = None
        with self._lock:
            process = self._process
            if process is None:
                status, result = 2, {"TotalProcess": 0, "Error": 0, "Successful": 0, "ProductNotify": []}
            else:
                status = process["status"]
                final = status in (2, 3)
                result = {"TotalProcess": process["total"], "Error": process["error"] if final else 0,
                          "Successful": process["successful"] if final else 0,
                          "ProductNotify": process["notify"] if final else []}
                if status == 4:
                    process["status"] = 1
                elif status == 1:
                    process["status"] = 3 if process["error"] else 2
                elif not process["moderated"]:
                    process["moderated"] = True
                    to_moderate = process["eans"]
            data = {"idSeller": SELLER_ID, "status": status, "checked": "false",
                    "response": json.dumps({"Data": result}, ensure_ascii=False, separators=(",", ":"))}
        if to_moderate is not None and self.callbacks.auto:
            self._auto_moderate(to_moderate)
        return json_response(200, {"errors": [], "Message": OK_MESSAGE, "data": data})

    def _auto_moderate(self, eans: list[str]) -> None:
        """Approve the process's products, reject those named with RECHAZO; notify those with a SellerSku."""
        payload = []
        with self._lock:
            for ean in eans:
                product = self._products.get(ean)
                if product is None or product["moderation"] != "pending":
                    continue
                rejected = REJECT_MARK in product["Name"].upper()
                reason = REJECT_REASON if rejected else ""
                item = self._moderate(product, "Rechazado" if rejected else "Aprobado", reason, reason)
                if product["SellerSku"]:
                    payload.append(item)
        self.callbacks.send_later("product", payload)

    def _moderate(self, product: dict, response: str, comment: str, reason: str) -> dict:
        product.update(moderation="approved" if response == "Aprobado" else "rejected", comment=comment, reason=reason)
        return {"Ean": product["Ean"], "SellerSku": product["SellerSku"], "Response": response, "Comment": comment,
                "Reason": reason, "IsUpdating": False}

    def moderate_now(self, body: Any) -> dict:
        """``POST /_sandbox/exito/moderate``: send the given results to ``notifyproduct`` synchronously."""
        if not isinstance(body, dict) or not isinstance(body.get("items"), list) or not body["items"]:
            raise BadRequest('Body must be {"items": [{"ean" or "seller_sku", "response", "comment", "reason"}]}')
        if not self.callbacks.url("product"):
            raise BadRequest("notifyproduct_url is not configured: POST /_sandbox/exito/callbacks first")
        payload = []
        with self._lock:
            for number, item in enumerate(body["items"], start=1):
                if not isinstance(item, dict):
                    raise BadRequest(f"items[{number}] must be an object")
                response = item.get("response", "Aprobado")
                if response not in ("Aprobado", "Rechazado"):
                    raise BadRequest(f"items[{number}].response must be Aprobado or Rechazado")
                texts = [item.get(key, "") for key in ("comment", "reason")]
                if not all(isinstance(text, str) for text in texts):
                    raise BadRequest(f"items[{number}]: comment and reason must be strings")
                product = self._find(item.get("ean"), item.get("seller_sku"))
                if product is None:
                    if not isinstance(item.get("ean"), str):
                        raise BadRequest(f"items[{number}]: unknown product; give at least an ean")
                    product = {"Ean": item["ean"], "SellerSku": item.get("seller_sku")}  # sent as given, not stored
                payload.append(self._moderate(product, response, *texts))
        return self.callbacks.send("product", payload)

    def _find(self, ean: Any, seller_sku: Any) -> dict | None:
        if ean is not None:
            return self._products.get(ean)
        return next((product for product in self._products.values()
                     if seller_sku is not None and product["SellerSku"] == seller_sku), None)
