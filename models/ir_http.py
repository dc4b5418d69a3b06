from werkzeug.datastructures import ImmutableMultiDict

from odoo import models
from odoo.http import request

#: every callback URL starts with it (``controllers/``), and nothing else of Odoo's does
CALLBACK_PREFIX = "/marketplace/"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        if rule.endpoint.routing.get("marketplace_ingress"):
            # Odoo's dispatcher reads a form-encoded body into the request's parameters before the
            # route runs; a callback's body (JSON, whatever Content-Type an untidy sender gives it) is
            # read by the ingress path alone, within its route's limit.
            request.httprequest.form = ImmutableMultiDict()
            request.httprequest.files = ImmutableMultiDict()
        return super()._pre_dispatch(rule, args)

    @classmethod
    def _serve_fallback(cls):
        # Below the callback prefix there is nothing but the module's routes: a path none of them
        # matches is not found, without Odoo's fallback, which looks the raw path up among
        # attachments (a %00 in it makes PostgreSQL raise: a 500 and an ERROR for a stranger's URL).
        if request.httprequest.path.startswith(CALLBACK_PREFIX):
            return None
        return super()._serve_fallback()
