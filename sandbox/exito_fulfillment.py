"""Éxito order fulfilment: sticker (shipping label), tracking, invoice upload, and the files they point to.

Orders are changed copy-on-write (a new dict replaces the stored one), so an orders page being encoded on
another thread never sees half an update.
"""

from __future__ import annotations

import base64
import binascii
import copy
import threading
from datetime import datetime
from typing import Any

from . import exito_data
from .core import BadRequest, Request, Response, expect_int, expect_object, json_response, not_found
from .exito_common import SELLER_ID, body_object, envelope_error, json_type, required_string

NO_COLLECTION_CENTER = "La orden no tiene Centro de Acopio asignado"
ALREADY_BILLED = "This order already has an attached invoice."
FILE_TYPES = {1: (b"%PDF", "PDF", "pdf", "application/pdf"), 2: (b"PK", "ZIP", "zip", "application/zip")}
ASSIGNED, SENT = 35, 170


def label_pdf(order_number: str) -> bytes:
    """A small valid one-page PDF (correct xref offsets) standing for the shipping label."""
    text = f"Guia de envio - Orden {order_number} - Vendedor {SELLER_ID}".encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 40 100 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _number(value: str) -> int | str:
    """Ids are numbers in the seed's tracking answer; a non-numeric id is echoed as given."""
    return int(value) if value.isdigit() else value


class Fulfillment:
    """Sticker, tracking and bill, on the marketplace's orders (``store``: orders by id, lock, replace)."""

    def __init__(self, store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._no_center: set[str] = set()
            self._tracking: dict[str, list[dict]] = {}
            self._bills: dict[str, list[dict]] = {}
            self._files: dict[str, tuple[bytes, str]] = {}

    # -- sticker -------------------------------------------------------------------------------------

    def sticker(self, request: Request, order_number: str) -> Response:
        order = self.store.find(number=order_number)
        if order is None:
            return envelope_error(404, f"La orden {order_number} no existe.")
        with self._lock:
            if order_number in self._no_center:
                return envelope_error(400, NO_COLLECTION_CENTER, code="500")
        host = request.header("Host") or "127.0.0.1"
        url = f"http://{host}/exito/files/Label_{order_number}_{order.get('idSeller', SELLER_ID)}.pdf"
        return json_response(200, {"errors": [], "data": url, "message": "Operación realizada con éxito",
                                   "pendingResponse": False})

    def file(self, name: str) -> Response:
        """``/files/<name>``: labels of known orders and uploaded invoices, no auth (they play S3 URLs)."""
        if name.startswith("Label_") and name.endswith(".pdf"):
            order_number = name[len("Label_"):-len(".pdf")].rpartition("_")[0]
            if self.store.find(number=order_number) is not None:
                return Response(200, label_pdf(order_number), content_type="application/pdf")
        with self._lock:
            stored = self._files.get(name)
        if stored:
            return Response(200, stored[0], content_type=stored[1])
        return not_found()

    def set_no_collection_center(self, order_number: str, body: Any) -> Response:
        body = expect_object(body, "Body")
        enabled = body.get("enabled", True)
        if not isinstance(enabled, bool):
            raise BadRequest("enabled must be true or false")
        if self.store.find(number=order_number) is None:
            return not_found()
        with self._lock:
            (self._no_center.add if enabled else self._no_center.discard)(order_number)
        return json_response(200, {"orderNumber": order_number, "no_collection_center": enabled})

    # -- tracking ------------------------------------------------------------------------------------

    def tracking(self, request: Request, order_id: str) -> Response:
        body = body_object(request.json())
        tracking, carrier = required_string(body, "tracking"), required_string(body, "carrier")
        products = body.get("products")
        if not isinstance(products, list) or not products:
            raise BadRequest("The field 'products' is required and must be a non-empty list of product ids.")
        for product in products:
            if not isinstance(product, str):
                raise BadRequest(f"The field 'products' must hold strings, got {json_type(product)}.")
        results, updates = [], 0

        def change(order: dict) -> None:
            nonlocal updates
            lines = {str(line.get("id")): line for line in order["products"]}
            for product_id in products:
                entry = {"idOrder": _number(order_id), "idProduct": _number(product_id)}
                line = lines.get(product_id)
                if line is None:
                    text = f"The product {product_id} does not belong to the order {order_id}."
                elif line.get("idStatusProduct") != ASSIGNED:
                    text = (f"The product {product_id} is not in status {ASSIGNED} ({exito_data.STATUSES[ASSIGNED]}): "
                            f"its status is {line.get('idStatusProduct')}.")
                else:
                    line.update(idStatusProduct=SENT, statusProduct=exito_data.STATUSES[SENT], tracking=tracking,
                                carrier=carrier)
                    updates += 1
                    results.append({**entry, "status": "Updated", "message": f"The product {product_id} was updated.",
                                    "code": 201})
                    continue
                results.append({**entry, "status": "Error", "message": text, "code": 400})
            if updates and all(line.get("idStatusProduct") != ASSIGNED for line in order["products"]):
                order.update(idStatusOrder=SENT, statusOrder=exito_data.STATUSES[SENT])

        if not self.store.change(order_id, change):
            return envelope_error(404, f"La orden {order_id} no existe.")
        with self._lock:
            self._tracking.setdefault(order_id, []).append(
                {"tracking": tracking, "carrier": carrier, "products": list(products), "updates": updates,
                 "at": _now()})
        return json_response(200, {"status": "Created" if updates else "Error", "products": results,
                                   "errors": len(products) - updates, "updates": updates, "total": len(products)})

    # -- bill ----------------------------------------------------------------------------------------

    def bill(self, request: Request) -> Response:
        body = body_object(request.json())
        order_id = required_string(body, "IdOrder")
        encoded = required_string(body, "Base64File")
        file_type = expect_int(body.get("FileType"), "The field 'FileType'")
        if file_type not in FILE_TYPES:
            raise BadRequest("The field 'FileType' must be 1 (PDF) or 2 (ZIP).")
        magic, kind, extension, content_type = FILE_TYPES[file_type]
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest("The field 'Base64File' is not valid base64.")
        if not content.startswith(magic):
            raise BadRequest(f"The field 'Base64File' is not a {kind} file (FileType {file_type}).")
        order = self.store.find(order_id=order_id)
        if order is None:
            return envelope_error(404, f"La orden {order_id} no existe.")
        record = {"size": len(content), "file_type": file_type, "at": _now()}
        with self._lock:
            uploads = self._bills.setdefault(order_id, [])
            if any(upload["accepted"] for upload in uploads):
                uploads.append({**record, "accepted": False})
                return json_response(400, {"errors": [{"code": "400", "message": ALREADY_BILLED}], "data": False,
                                           "message": ALREADY_BILLED})
            uploads.append({**record, "accepted": True})
            name = f"Bill_{order_id}.{extension}"
            self._files[name] = (content, content_type)
        host = request.header("Host") or "127.0.0.1"
        self.store.change(order_id, lambda stored: stored.update(billUrl=f"http://{host}/exito/files/{name}",
                                                                 billAttachedDate=record["at"]))
        return json_response(200, {"errors": [], "data": True, "message": "File uploaded successfully."})

    # -- control -------------------------------------------------------------------------------------

    def details(self, order: dict) -> dict:
        """A stored order plus what the sandbox recorded about it (tracking calls, invoice uploads)."""
        with self._lock:
            return {**order, "sandbox": {
                "tracking": copy.deepcopy(self._tracking.get(order["id"], [])),
                "bills": copy.deepcopy(self._bills.get(order["id"], [])),
                "no_collection_center": order.get("orderNumber") in self._no_center}}

    def set_status(self, order_id: str, body: Any) -> Response:
        body = expect_object(body, "Body")
        status = expect_int(body.get("idStatusOrder"), "idStatusOrder")
        if status not in exito_data.STATUSES:
            raise BadRequest(f"idStatusOrder must be one of {sorted(exito_data.STATUSES)}")
        with_products = body.get("products", True)
        if not isinstance(with_products, bool):
            raise BadRequest("products must be true or false")
        name = exito_data.STATUSES[status]

        def change(order: dict) -> None:
            order.update(idStatusOrder=status, statusOrder=name)
            if with_products:
                for line in order["products"]:
                    line.update(idStatusProduct=status, statusProduct=name)

        if not self.store.change(order_id, change):
            return not_found()
        return json_response(200, self.details(self.store.find(order_id=order_id)))


def _now() -> str:
    return exito_data.iso_ms(datetime.now(exito_data.TZ))
