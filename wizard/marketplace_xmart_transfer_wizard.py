from odoo import api, fields, models

from ..models.access import USER, check_readable, guard


class XmartTransferWizard(models.TransientModel):
    _name = "marketplace.xmart.transfer.wizard"
    _description = "Transfer an X-Mart Order to Another Store"

    order_id = fields.Many2one("sale.order", required=True)
    account_id = fields.Many2one(related="order_id.marketplace_account_id")
    store_id = fields.Many2one("marketplace.xmart.store", string="New Store", required=True,
                               domain="[('account_id', '=', account_id), ('warehouse_id', '!=', False)]")
    reason = fields.Char(required=True)

    @api.constrains("order_id", "store_id")
    def _check_targets_readable(self):
        check_readable(self, "order_id", "store_id")

    @guard(USER, "write", related=[("order_id", "write"), ("store_id", "read")])
    def action_transfer(self):
        """Move the order to the chosen store on X-Mart, then in Odoo."""
        self.ensure_one()
        self.order_id._xmart_transfer(self.store_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
