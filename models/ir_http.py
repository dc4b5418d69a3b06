from werkzeug.datastructures import ImmutableMultiDict

from odoo import models
from odoo.http import request


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
