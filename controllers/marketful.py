import hashlib
import hmac
import json
import logging

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..marketplaces.base import PayloadError
from ..marketplaces.marketful.client import MarketfulClient
from ..models.marketplace_account_marketful import WEBHOOK_ROUTES

_logger = logging.getLogger(__name__)

#: Marketful's events carry one order or one shipment event; anything bigger is not one of them
MAX_WEBHOOK_BYTES = 1024 * 1024
TOPICS = {route: topic for topic, route in WEBHOOK_ROUTES.items()}


class MarketfulWebhookController(http.Controller):
    """Marketful's webhooks ``order/created``, ``order/updated`` and ``shipment_event/created``.

    The URL carries the account's random token (Marketful sends no signature): a wrong token is
    refused (403) and stores nothing. A delivery is stored as a job and answered at once; the job
    runner applies it. A delivery already stored (a replay) is answered 200 and changes nothing.
    """

    _webhook_url = "/marketplace/marketful/<string:token>/<string:route>"

    @http.route(_webhook_url, type="http", auth="public", methods=["POST"], csrf=False, save_session=False,
                max_content_length=MAX_WEBHOOK_BYTES)
    def marketful_webhook(self, token, route):
        topic = TOPICS.get(route)
        if topic is None:
            raise NotFound()
        account = self._find_account(token)
        if account is None:
            return request.make_json_response({"message": "Forbidden"}, status=403)
        if (request.httprequest.content_length or 0) > MAX_WEBHOOK_BYTES:
            return request.make_json_response({"message": "Body too large"}, status=413)
        raw = request.httprequest.get_data(cache=False)
        try:
            body = json.loads(raw)
            event = MarketfulClient.parse_webhook(topic, body)
        except (ValueError, PayloadError) as error:
            _logger.info("Marketful %s webhook for account %s refused: %s", topic, account.id, error)
            return request.make_json_response({"message": f"Invalid body: {error}"}, status=400)
        account._marketful_store_webhook(event.topic, body, event, hashlib.sha256(raw).hexdigest())
        return request.make_json_response({"message": "OK"})

    @staticmethod
    def _find_account(token):
        if not token:
            return None
        account = request.env["marketplace.account"].sudo().search(
            [("callback_token", "=", token), ("marketplace", "=", "marketful")], limit=1)
        # Compare again in constant time (the search found it by index).
        if not account or not hmac.compare_digest(account.callback_token.encode(), token.encode()):
            return None
        return account
