"""Éxito billing API (``GET /billing/api/``): the seller's billing documents, paged like the orders.

A document is created once per order, the first time the order is seen delivered (60) or shipped (50, 170)
or when ``POST /_sandbox/exito/billing/generate`` asks for it; it then keeps its ids and amounts.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from .core import BadRequest, Request, Response, expect_object, json_response
from .exito_common import (
    SELLER_ID,
    date_param,
    int_param,
    page_token,
    require_culture,
    token_id,
)

BILLED_STATUSES = (50, 60, 170)
MAX_LIMIT = 100
PAYMENT_DELAY = timedelta(days=2)


def payment_date(order: dict) -> str:
    """The order's date plus two days, written in UTC as the seed writes ``paymentDate``."""
    try:
        moment = datetime.fromisoformat(str(order.get("dateOrder"))).astimezone(UTC) + PAYMENT_DELAY
    except ValueError:
        moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def _int(value: Any, default: int) -> int:
    return int(value) if str(value).isdigit() else default


class Billing:
    """Billing documents by order id; ``store`` gives the marketplace's orders."""

    def __init__(self, store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._docs: dict[str, dict] = {}
            self._pickings = 1000
            self._details = 1000

    def documents(self) -> list[dict]:
        """Every document by ascending id, after billing the orders that became eligible."""
        self._bill([order for order in self.store.orders() if order.get("idStatusOrder") in BILLED_STATUSES])
        with self._lock:
            return sorted(self._docs.values(), key=lambda doc: doc["id"])

    def generate(self, body: Any) -> dict:
        body = expect_object(body, "Body")
        numbers = body.get("order_numbers")
        orders = self.store.orders()
        if numbers is not None:
            if not isinstance(numbers, list) or not all(isinstance(number, (str, int)) for number in numbers):
                raise BadRequest("order_numbers must be a list of order numbers")
            by_number = {str(order.get("orderNumber")): order for order in orders}
            unknown = [str(number) for number in numbers if str(number) not in by_number]
            if unknown:
                raise BadRequest(f"Unknown order numbers: {', '.join(unknown)}")
            orders = [by_number[str(number)] for number in numbers]
        created = self._bill(orders)
        return {"generated": created, "documents": len(self.documents())}

    def _bill(self, orders: list[dict]) -> int:
        created = 0
        with self._lock:
            for order in orders:
                if str(order["id"]) not in self._docs:
                    self._docs[str(order["id"])] = self._document(order)
                    created += 1
        return created

    def _document(self, order: dict) -> dict:
        self._pickings += 1
        doc_id = int(order["id"]) + 20
        detail = []
        for position, line in enumerate(order.get("products") or []):
            self._details += 1
            detail.append({
                "id": _int(line.get("id"), doc_id + position) + 1, "idBillingDetailPicking": self._details,
                "detailName": line.get("nameProduct"), "ean": line.get("ean"), "quantity": line.get("quantity", 1),
                "commission": line.get("commission", 0), "price": line.get("costProduct", 0), "shippingCost": None,
                "enviosExito": None, "totalShippingCost": line.get("costShippingProduct") or 0,
            })
        commission = sum(line["commission"] for line in detail)
        total = sum(line["price"] * line["quantity"] + line["totalShippingCost"] for line in detail) - commission
        return {
            "id": doc_id, "idBillingPicking": self._pickings, "idSeller": SELLER_ID,
            "billingNumber": f"94061{64000 + self._pickings:05d}", "orderNumber": str(order.get("orderNumber")),
            "payOrderNumber": f"62000{5000 + self._pickings:05d}", "concept": "Venta Marketplace",
            "paymentDate": payment_date(order), "commission": commission, "billingTotal": total,
            "iva": -round(commission * 0.19, 2), "detail": detail, "fulfillmentDetail": None,
            "paginationToken": f"{doc_id}|{SELLER_ID}",
        }

    def get(self, request: Request) -> Response:
        query = request.query
        require_culture(query)
        seller = int_param(query, "idSeller")
        if seller is None:
            raise BadRequest("The idSeller parameter is required.")
        if seller != SELLER_ID:
            raise BadRequest(f"The idSeller parameter must be the seller of the token ({SELLER_ID}), got {seller}.")
        limit = int_param(query, "limit")
        if limit is None:
            raise BadRequest("The limit parameter is required.")
        if limit < 1:
            raise BadRequest("The limit parameter must be greater than 0.")
        limit = min(limit, MAX_LIMIT)
        if "paginationToken" not in query:
            raise BadRequest("The paginationToken parameter is required ('{}' for the first page).")
        after = token_id(query["paginationToken"])
        number = int_param(query, "orderNumber")
        billing_number = query.get("billingNumber") or None
        first, last = date_param(query, "paymentDateInitial"), date_param(query, "paymentDateFinal")
        matching = []
        for doc in self.documents():
            day = datetime.fromisoformat(doc["paymentDate"]).date()
            if (doc["id"] > after and (number is None or doc["orderNumber"] == str(number))
                    and (billing_number is None or doc["billingNumber"] == billing_number)
                    and (first is None or day >= first) and (last is None or day <= last)):
                matching.append(doc)
        page = matching[:limit]
        token = page_token(page[-1]["id"]) if len(matching) > limit else "{}"
        return json_response(200, {"viewModel": page, "count": len(matching), "paginationToken": token,
                                   "paginationTokens": []})
