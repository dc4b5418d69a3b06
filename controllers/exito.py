import base64
import binascii
import hmac

from odoo import http

from ..marketplaces import ingress
from .ingress import Ingress, receive

#: Éxito's callbacks carry a few EANs; anything bigger is not one of them
MAX_CALLBACK_BYTES = 1024 * 1024


def _authenticate(account, httprequest):
    """Basic credentials equal to the account's; fails closed when the account has none."""
    username, password = account.callback_username, account.callback_password
    scheme, _sep, encoded = httprequest.headers.get("Authorization", "").partition(" ")
    if not username or not password or scheme.lower() != "basic" or not encoded:
        raise ingress.Unauthorized()
    try:
        sent_user, sep, sent_password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise ingress.Unauthorized() from None
    if not (bool(sep) & hmac.compare_digest(sent_user.encode(), username.encode())
            & hmac.compare_digest(sent_password.encode(), password.encode())):
        raise ingress.Unauthorized()


def _declaration(job_type):
    return Ingress(
        marketplace="exito", limit=MAX_CALLBACK_BYTES, authenticate=_authenticate,
        jobs=lambda account, body, raw: account._exito_callback_jobs(job_type, body, raw),
        unauthorized_headers=(("WWW-Authenticate", 'Basic realm="marketplace"'),))


PRODUCT_CALLBACK = _declaration("product_callback")
OFFER_CALLBACK = _declaration("offer_callback")


class ExitoCallbackController(http.Controller):
    """Éxito's ``notifyproduct`` and ``notifyoffer`` callbacks (seed: PATCH with Basic auth), stored
    as jobs by the ingress path (``controllers/ingress.py``); the job runner applies them."""

    _notify_product_url = "/marketplace/exito/<string:token>/notifyproduct"
    _notify_offer_url = "/marketplace/exito/<string:token>/notifyoffer"

    @http.route(_notify_product_url, type="http", auth="none", readonly=False, methods=["PATCH"], csrf=False,
                save_session=False, max_content_length=MAX_CALLBACK_BYTES, marketplace_ingress=True)
    def exito_notify_product(self, token):
        return receive(PRODUCT_CALLBACK, token)

    @http.route(_notify_offer_url, type="http", auth="none", readonly=False, methods=["PATCH"], csrf=False,
                save_session=False, max_content_length=MAX_CALLBACK_BYTES, marketplace_ingress=True)
    def exito_notify_offer(self, token):
        return receive(OFFER_CALLBACK, token)
