from odoo import fields, models

from .sale_order import MARKETPLACE_USERS


class SaleReport(models.Model):
    """Odoo's sales analysis by marketplace account (Marketplaces > Reporting > Marketplace Sales),
    in the company's currency as every amount of the report."""

    _inherit = "sale.report"

    marketplace_account_id = fields.Many2one(
        "marketplace.account", readonly=True, groups=MARKETPLACE_USERS)

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["marketplace_account_id"] = "s.marketplace_account_id"
        return res

    def _group_by_sale(self):
        res = super()._group_by_sale()
        res += """,
            s.marketplace_account_id"""
        return res
