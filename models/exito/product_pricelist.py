from odoo import models
from odoo.tools import SQL


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    def _marketplace_mark_offers_dirty(self):
        """A rule of these pricelists changed: every offer priced with them is looked at again."""
        if not self.ids:
            return
        self.env["marketplace.listing"].flush_model(["offer_dirty"])
        self.env.cr.execute(SQL(
            """UPDATE marketplace_listing SET offer_dirty = TRUE
                WHERE NOT offer_dirty AND account_id IN (
                      SELECT id FROM marketplace_account WHERE pricelist_id = ANY(%s))""", self.ids))
        if self.env.cr.rowcount:
            self.env["marketplace.listing"].invalidate_model(["offer_dirty"])
            self.env["marketplace.listing"]._schedule_offer_push()
