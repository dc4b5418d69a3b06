from odoo import fields, models

from .sale_order import MARKETPLACE_USERS


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    marketplace_line_ref = fields.Char(
        string="Marketplace Line ID", readonly=True, copy=False, groups=MARKETPLACE_USERS,
        help="The marketplace's id of this line, sent back when the line ships.")

    def _compute_tax_id(self):
        """Marketplace prices are what the buyer paid: on a marketplace order every tax is
        included in the price, so that the order totals exactly the marketplace's amounts."""
        res = super()._compute_tax_id()
        Tax = self.env["account.tax"]
        included = {}
        for line in self.filtered(lambda line: line.order_id.marketplace_account_id and line.tax_id):
            taxes = line.tax_id._origin  # lines being created hold new-record copies of their taxes
            if taxes not in included:
                included[taxes] = Tax._marketplace_price_included(taxes)
            line.tax_id = included[taxes]
        return res


class SaleOrderLineShipment(models.Model):
    _inherit = "sale.order.line"

    marketplace_shipped = fields.Boolean(
        string="Shipment Reported", readonly=True, copy=False, groups=MARKETPLACE_USERS,
        help="The marketplace was told that this line shipped.")
