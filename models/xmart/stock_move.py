from odoo import models

from ...marketplaces.xmart import const as xmart_const


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_assign(self, force_qty=False):
        res = super()._action_assign(force_qty=force_qty)
        self.picking_id._xmart_queue_preparation()
        return res

    def write(self, vals):
        res = super().write(vals)
        if vals.get("picked"):
            pickings = self.picking_id._xmart_deliveries().filtered(
                lambda picking: picking.state != "done" and all(picking.move_ids.mapped("picked")))
            if pickings:
                self.env["marketplace.account"]._xmart_queue_status(pickings.sale_id, xmart_const.STATUS_READY)
        return res
