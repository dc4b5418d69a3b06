import hmac

from odoo import http

from ..marketplaces import ingress
from ..marketplaces.xmart import const as xmart_const
from .ingress import Ingress, receive

#: a new-order notification names one order; anything bigger is not one
MAX_NOTICE_BYTES = 64 * 1024


def _authenticate(account, httprequest):
    """The shared secret header, when the account has a secret (the URL token otherwise)."""
    secret = account.xmart_webhook_secret
    if secret:
        sent = httprequest.headers.get(xmart_const.WEBHOOK_SECRET_HEADER, "")
        if not hmac.compare_digest(sent.encode(), secret.encode()):
            raise ingress.Unauthorized()


NEW_ORDER = Ingress(
    marketplace="xmart", limit=MAX_NOTICE_BYTES, authenticate=_authenticate, unknown_token_status=403,
    jobs=lambda account, body, raw: account._xmart_notice_jobs(body))


class XmartWebhookController(http.Controller):
    """X-Mart's New Order Webhook: one URL per account, with a random token (and a shared secret
    header when the account has one). The notification is stored as a job by the ingress path
    (``controllers/ingress.py``); the job retrieves the order (the notification is only a hint)."""

    _webhook_url = "/marketplace/xmart/<string:token>/orders"

    @http.route(_webhook_url, type="http", auth="none", readonly=False, methods=["POST"], csrf=False,
                save_session=False, max_content_length=MAX_NOTICE_BYTES, marketplace_ingress=True)
    def xmart_new_order(self, token):
        return receive(NEW_ORDER, token)
