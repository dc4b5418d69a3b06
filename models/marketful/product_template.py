from odoo import models

from .marketplace_listing import PRODUCT_FIELDS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def write(self, vals):
        res = super().write(vals)
        if (PRODUCT_FIELDS | {"active"}) & set(vals):
            self.with_context(active_test=False).product_variant_ids._marketful_sync_listings(vals)
        return res
