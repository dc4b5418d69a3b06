from odoo import api, fields, models

from ..models.access import USER, check_readable, guard


class MarketplaceReimportWizard(models.TransientModel):
    _name = "marketplace.reimport.wizard"
    _description = "Re-import a Marketplace Order"

    account_id = fields.Many2one("marketplace.account", required=True)
    order_ref = fields.Char(string="Order ID", required=True, help="The marketplace's id of the order.")

    @api.constrains("account_id")
    def _check_account_readable(self):
        check_readable(self, "account_id")

    @guard(USER, "write", related=[("account_id", "read")])
    def action_reimport(self):
        """Re-import the order named in the wizard and show it."""
        self.ensure_one()
        job = self.account_id.action_reimport_order(self.order_ref)
        return job.action_open_record() if job.res_id else {"type": "ir.actions.act_window_close"}
