from odoo import fields, models

from ..marketplaces.exito import const as exito_const


class MarketplaceAccount(models.Model):
    _inherit = "marketplace.account"

    exito_order_status = fields.Selection(
        selection=[(exito_const.STATUS_ASSIGNED, "Assigned (new orders)"), (exito_const.STATUS_SENT, "Sent")],
        string="Éxito Orders to Import", default=exito_const.STATUS_ASSIGNED,
        help="Éxito's idStatusOrder filter: Assigned orders are the new ones waiting for the seller.")

    def _get_client_params(self):
        params = super()._get_client_params()
        if self.marketplace != "exito":
            return params
        return dict(params, token=self.sudo().api_token, culture=self.culture)

    def _get_order_query(self):
        query = super()._get_order_query()
        if self.marketplace == "exito":
            query.status = self.exito_order_status
        return query
