from odoo import fields, models
from odoo.exceptions import UserError

from ...marketplaces.xmart import const as xmart_const
from ..access import STOCK_USER, guard
from ..sale_order import STOCK_OR_MARKETPLACE_USERS


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # The store clerk who hands a pickup order over (a stock user) needs to know it is one.
    xmart_order_type = fields.Selection(related="sale_id.xmart_order_type", groups=STOCK_OR_MARKETPLACE_USERS)

    def _xmart_deliveries(self):
        """Open deliveries of X-Mart orders, as superuser: stock moves of any user queue their statuses."""
        return self.sudo().filtered(lambda picking: picking.sale_id.marketplace == "xmart"
                                    and picking.picking_type_code == "outgoing" and picking.state != "cancel")

    def _xmart_queue_preparation(self):
        """Goods reserved for an X-Mart order: it is in preparation."""
        ready = self._xmart_deliveries().filtered(lambda picking: picking.state == "assigned")
        if ready:
            self.env["marketplace.account"]._xmart_queue_status(ready.sale_id, xmart_const.STATUS_IN_PREPARATION)

    @guard(STOCK_USER, "write")
    def action_xmart_customer_collected(self):
        """The customer collected a pickup order: the delivery is done, X-Mart is told."""
        for picking in self:
            if picking.xmart_order_type != "PICKUP":
                raise UserError(self.env._("%(picking)s is not the delivery of an X-Mart pickup order.",
                                           picking=picking.name))
            for move in picking.move_ids.filtered(lambda move: move.state not in ("done", "cancel")):
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
        return self.with_context(skip_backorder=True, picking_ids_not_to_backorder=self.ids).button_validate()
