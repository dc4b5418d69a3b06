from werkzeug.exceptions import NotFound

from odoo import http

from ..models.marketful.marketplace_account import WEBHOOK_ROUTES
from .ingress import Ingress, receive

#: Marketful's events carry one order or one shipment event; anything bigger is not one of them
MAX_WEBHOOK_BYTES = 1024 * 1024

#: one declaration per URL: the URL names the topic (a body's own ``tipo`` wins, see ``parse_webhook``)
WEBHOOKS = {
    route: Ingress(
        marketplace="marketful", limit=MAX_WEBHOOK_BYTES, unknown_token_status=403,
        jobs=lambda account, body, raw, topic=topic: account._marketful_webhook_jobs(topic, body, raw))
    for topic, route in WEBHOOK_ROUTES.items()
}


class MarketfulWebhookController(http.Controller):
    """Marketful's webhooks ``order/created``, ``order/updated`` and ``shipment_event/created``.

    The URL carries the account's random token (Marketful sends no signature): an unknown token is
    refused (403). A delivery is stored as a job by the ingress path (``controllers/ingress.py``); the
    job runner applies it.
    """

    _webhook_url = "/marketplace/marketful/<string:token>/<string:route>"

    @http.route(_webhook_url, type="http", auth="none", readonly=False, methods=["POST"], csrf=False,
                save_session=False, max_content_length=MAX_WEBHOOK_BYTES, marketplace_ingress=True)
    def marketful_webhook(self, token, route):
        declaration = WEBHOOKS.get(route)
        if declaration is None:
            raise NotFound()
        return receive(declaration, token)
