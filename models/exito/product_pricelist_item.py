from odoo import api, models


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items.pricelist_id._marketplace_mark_offers_dirty()
        return items

    def write(self, vals):
        pricelists = self.pricelist_id
        res = super().write(vals)
        (pricelists | self.pricelist_id)._marketplace_mark_offers_dirty()
        return res

    def unlink(self):
        pricelists = self.pricelist_id
        res = super().unlink()
        pricelists._marketplace_mark_offers_dirty()
        return res
