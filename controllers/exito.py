import base64
import binascii
import hashlib
import hmac
import json
import logging

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.http import request

from ..marketplaces.base import PayloadError
from ..marketplaces.exito import mapping as exito_mapping

_logger = logging.getLogger(__name__)

#: Éxito's callbacks carry a few EANs; anything bigger is not one of them
MAX_CALLBACK_BYTES = 1024 * 1024


class ExitoCallbackController(http.Controller):
    """Éxito's ``notifyproduct`` and ``notifyoffer`` callbacks (seed: PATCH with Basic auth).

    The handler authenticates, checks the body, stores it as a job and answers at once; the
    job runner applies it. A replayed callback finds its job by dedupe key and is answered 200.
    """

    _notify_product_url = "/marketplace/exito/<string:token>/notifyproduct"
    _notify_offer_url = "/marketplace/exito/<string:token>/notifyoffer"

    @http.route(_notify_product_url, type="http", auth="public", methods=["PATCH"], csrf=False,
                save_session=False, max_content_length=MAX_CALLBACK_BYTES)
    def exito_notify_product(self, token):
        return self._store_callback(token, "product_callback", exito_mapping.moderation_results)

    @http.route(_notify_offer_url, type="http", auth="public", methods=["PATCH"], csrf=False,
                save_session=False, max_content_length=MAX_CALLBACK_BYTES)
    def exito_notify_offer(self, token):
        return self._store_callback(token, "offer_callback", exito_mapping.offer_notifications)

    def _store_callback(self, token, job_type, parse):
        account = self._find_account(token)
        if not self._authenticated(account):
            return request.make_json_response(
                {"message": "Unauthorized"}, status=401, headers=[("WWW-Authenticate", 'Basic realm="marketplace"')])
        raw = request.httprequest.get_data(cache=False)
        try:
            body = json.loads(raw)
            parse(body)
        except (ValueError, PayloadError) as error:
            _logger.info("Éxito %s callback for account %s refused: %s", job_type, account.id, error)
            return request.make_json_response({"message": f"Invalid body: {error}"}, status=400)
        key = f"{job_type}:{hashlib.sha256(raw).hexdigest()}"
        Job = request.env["marketplace.job"].sudo()
        existing = Job.search([("account_id", "=", account.id), ("dedupe_key", "=", key)], limit=1)
        if existing:
            # The same results again: a replay, or the same answer to a later push. Applying them is
            # idempotent, so the stored job runs once more (its outcome may have been overtaken).
            if existing.state == "done":
                existing.write({"state": "pending", "attempts": 0, "next_attempt_date": fields.Datetime.now()})
                request.env.ref("marketplace_connector.ir_cron_marketplace_job_runner").sudo()._trigger()
        else:
            Job.create({
                "name": request.env._("%(marketplace)s callback (%(count)s items)",
                                      marketplace=account._marketplace_label(), count=len(body)),
                "account_id": account.id,
                "job_type": job_type,
                "dedupe_key": key,
                "payload": body,
                "priority": 5,
            })
            request.env.ref("marketplace_connector.ir_cron_marketplace_job_runner").sudo()._trigger()
        return request.make_json_response({"message": "OK"})

    @staticmethod
    def _find_account(token):
        if not token:
            raise NotFound()
        account = request.env["marketplace.account"].sudo().search(
            [("callback_token", "=", token), ("marketplace", "=", "exito")], limit=1)
        # Compare again in constant time: the search found it by index, this rules out any
        # collation surprise and keeps the check explicit.
        if not account or not hmac.compare_digest(account.callback_token.encode(), token.encode()):
            raise NotFound()
        return account

    @staticmethod
    def _authenticated(account):
        """Basic credentials equal to the account's; fails closed when the account has none."""
        if not account.callback_username or not account.callback_password:
            return False
        header = request.httprequest.headers.get("Authorization", "")
        scheme, _sep, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not encoded:
            return False
        try:
            username, sep, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        expected_user = account.callback_username.encode()
        expected_password = account.callback_password.encode()
        return bool(sep) & hmac.compare_digest(username.encode(), expected_user) & hmac.compare_digest(
            password.encode(), expected_password)
