from odoo import models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def write(self, vals):
        res = super().write(vals)
        if "list_price" in vals:
            self.env["marketplace.listing"]._mark_offer_dirty(self.product_variant_ids)
        return res
