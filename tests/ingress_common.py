"""Every callback route as a sender sees it: URL, method, credentials and a valid body. Shared by the
ingress tests through the test server, the property-based test and the check against a server with
workers (so that a new route added here is covered by all three)."""

import json
from dataclasses import dataclass, field

from .common import EXITO_TOKEN, EXITO_URL, MARKETFUL_TOKEN, MARKETFUL_URL, MARKETFUL_USER

EXITO_AUTH = {"Authorization": "Basic dXNlcm5hbWU6cGFzc3dvcmQ="}  # username:password
XMART_SECRET = "s3cr3t-ingress"

#: one account per marketplace with callbacks, with the credentials the routes below send
ACCOUNTS = {
    "exito": {"name": "Ingress Éxito", "marketplace": "exito", "api_url": EXITO_URL, "api_token": EXITO_TOKEN,
              "callback_username": "username", "callback_password": "password"},
    "marketful": {"name": "Ingress Marketful", "marketplace": "marketful", "api_url": MARKETFUL_URL,
                  "api_token": MARKETFUL_TOKEN, "marketful_user_id": MARKETFUL_USER},
    "xmart": {"name": "Ingress X-Mart", "marketplace": "xmart", "api_url": "http://127.0.0.1:9/xmart",
              "xmart_webhook_secret": XMART_SECRET},
}


def _moderation(n):
    return [{"Ean": f"IZ2{n:010d}", "SellerSku": f"SKU-{n}", "Response": "Aprobado", "Comment": "",
             "Reason": "", "IsUpdating": False}]


def _offer(n):
    return [{"EAN": f"77{n:011d}", "Message": "OK"}]


def _shipment(n):
    return {"tipo": "shipment_event/created", "webhook_id": 7, "user": MARKETFUL_USER, "data": {
        "id": 800000 + n, "order_id": 5000 + n, "status": "enviado", "carrier_name": "Estafeta",
        "tracking_number": f"EST-{n}", "created_at": "2026-12-03T10:00:00-06:00"}}


def _order(topic):
    def body(n):
        return {"tipo": topic, "webhook_id": 8, "user": MARKETFUL_USER, "data": {
            "order_id": 6000 + n, "num_orden": f"S{n:05d}", "orden_id": f"S{n:05d}", "canal": "Odoo",
            "fulfillment_status": "pendiente", "updated_at": f"2026-12-03T10:{n % 60:02d}:00-06:00"}}
    return body


def _notice(n):
    return {"event": "NEW_ORDER", "orderId": f"XM-{n}", "storeId": "ST-0001", "channelId": "CH-0001",
            "createdAt": "2026-12-01T10:00:00-05:00"}


@dataclass(frozen=True)
class Route:
    """A callback route: ``path`` has a ``{token}`` placeholder; ``body(n)`` is the n-th of many
    distinct valid bodies (each one job), stored with a dedupe key that starts with ``key_prefix``."""

    name: str
    marketplace: str
    method: str
    path: str
    body: callable
    job_type: str
    key_prefix: str
    headers: dict = field(default_factory=dict)

    def url(self, base_url, token):
        return base_url + self.path.format(token=token)

    def data(self, n=0):
        return json.dumps(self.body(n)).encode()


ROUTES = [
    Route("exito_notifyproduct", "exito", "PATCH", "/marketplace/exito/{token}/notifyproduct", _moderation,
          "product_callback", "product_callback:", EXITO_AUTH),
    Route("exito_notifyoffer", "exito", "PATCH", "/marketplace/exito/{token}/notifyoffer", _offer,
          "offer_callback", "offer_callback:", EXITO_AUTH),
    Route("marketful_shipment_event", "marketful", "POST", "/marketplace/marketful/{token}/shipment_event_created",
          _shipment, "webhook", "webhook:shipment_event/created:"),
    Route("marketful_order_created", "marketful", "POST", "/marketplace/marketful/{token}/order_created",
          _order("order/created"), "webhook", "webhook:order/created:"),
    Route("marketful_order_updated", "marketful", "POST", "/marketplace/marketful/{token}/order_updated",
          _order("order/updated"), "webhook", "webhook:order/updated:"),
    Route("xmart_orders", "xmart", "POST", "/marketplace/xmart/{token}/orders", _notice, "retrieve_order",
          "notice:", {"X-Xmart-Secret": XMART_SECRET}),
]


def with_string(body, text):
    """``body`` with ``text`` as the value of one of its strings (the first entry's, for a list)."""
    body = json.loads(json.dumps(body))
    target = body[0] if isinstance(body, list) else body.get("data", body)
    key = next(key for key, value in target.items() if isinstance(value, str) and key not in ("tipo", "event"))
    target[key] = text
    return body
