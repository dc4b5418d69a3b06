from odoo import models

from .marketplace_listing import PRODUCT_FIELDS


class ProductProduct(models.Model):
    _inherit = "product.product"

    def write(self, vals):
        res = super().write(vals)
        if (PRODUCT_FIELDS | {"active"}) & set(vals):
            self._marketful_sync_listings(vals)
        return res

    def _marketful_sync_listings(self, vals):
        """Products changed: archive or restore their Marketful items, or push what changed."""
        listings = self.env["marketplace.listing"].with_context(active_test=False).sudo().search(
            [("product_id", "in", self.ids), ("marketplace", "=", "marketful")])
        if "active" in vals:
            listings.filtered(lambda listing: listing.active != bool(vals["active"])).active = bool(vals["active"])
        if PRODUCT_FIELDS & set(vals):
            listings.filtered(lambda listing: listing.active and listing.marketplace_product_id
                              )._marketful_queue_changes()
