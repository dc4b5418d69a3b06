import hmac
import json
import logging

from odoo import http
from odoo.http import request

from ..marketplaces.base import PayloadError
from ..marketplaces.xmart import const as xmart_const
from ..marketplaces.xmart.client import XmartClient

_logger = logging.getLogger(__name__)

#: a new-order notification names one order; anything bigger is not one
MAX_NOTICE_BYTES = 64 * 1024


class XmartWebhookController(http.Controller):
    """X-Mart's New Order Webhook: one URL per account, with a random token (and a shared secret
    header when the account has one). The notification is stored as a job and answered at once;
    the job retrieves the order (the notification is only a hint). A notification already stored
    (X-Mart delivers again until it gets a 2xx) is answered 200 and stores nothing."""

    _webhook_url = "/marketplace/xmart/<string:token>/orders"

    @http.route(_webhook_url, type="http", auth="public", methods=["POST"], csrf=False, save_session=False,
                max_content_length=MAX_NOTICE_BYTES)
    def xmart_new_order(self, token):
        account = self._find_account(token)
        if account is None:
            return request.make_json_response({"message": "Forbidden"}, status=403)
        secret = account.xmart_webhook_secret
        if secret:
            sent = request.httprequest.headers.get(xmart_const.WEBHOOK_SECRET_HEADER, "")
            if not hmac.compare_digest(sent.encode(), secret.encode()):
                return request.make_json_response({"message": "Unauthorized"}, status=401)
        if (request.httprequest.content_length or 0) > MAX_NOTICE_BYTES:
            return request.make_json_response({"message": "Body too large"}, status=413)
        raw = request.httprequest.get_data(cache=False)
        try:
            notice = XmartClient.parse_webhook(json.loads(raw))
        except (ValueError, PayloadError) as error:
            _logger.info("X-Mart notification for account %s refused: %s", account.id, error)
            return request.make_json_response({"message": f"Invalid body: {error}"}, status=400)
        account._xmart_store_notice(notice)
        return request.make_json_response({"message": "OK"})

    @staticmethod
    def _find_account(token):
        if not token:
            return None
        account = request.env["marketplace.account"].sudo().search(
            [("callback_token", "=", token), ("marketplace", "=", "xmart")], limit=1)
        if not account or not hmac.compare_digest(account.callback_token.encode(), token.encode()):
            return None
        return account
