from odoo import api, fields, models

from ..models.access import USER, check_readable, guard


class XmartCouponWizard(models.TransientModel):
    _name = "marketplace.xmart.coupon.wizard"
    _description = "Redeem an X-Mart Coupon"

    order_id = fields.Many2one("sale.order", required=True)
    customer_uid = fields.Char(string="Customer UID", required=True)
    code = fields.Char(string="Promotion Code", required=True)

    @api.constrains("order_id")
    def _check_order_readable(self):
        check_readable(self, "order_id")

    @guard(USER, "write", related=[("order_id", "write")])
    def action_redeem(self):
        """Redeem the coupon on X-Mart for the order."""
        self.ensure_one()
        self.order_id._xmart_redeem(self.customer_uid, self.code)
        return {"type": "ir.actions.act_window_close"}
