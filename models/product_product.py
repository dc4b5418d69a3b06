from odoo import api, fields, models

from .sale_order import MARKETPLACE_USERS

#: product fields through which orders find their products
MATCHING_FIELDS = {"barcode", "default_code", "active", "company_id"}


class ProductProduct(models.Model):
    _inherit = "product.product"

    marketplace_listing_ids = fields.One2many(
        "marketplace.listing", "product_id", string="Marketplace Listings", groups=MARKETPLACE_USERS)

    @api.model_create_multi
    def create(self, vals_list):
        products = super().create(vals_list)
        if any(MATCHING_FIELDS & set(vals) for vals in vals_list):
            products._resume_orders_waiting()
        return products

    def write(self, vals):
        res = super().write(vals)
        if MATCHING_FIELDS & set(vals):
            self._resume_orders_waiting()
        return res

    def _resume_orders_waiting(self):
        """A product may be what marketplace orders wait for (its barcode or Internal Reference):
        run them again (see ``marketplace.job``). A product of no company concerns every company."""
        products = self.sudo()
        companies = None if any(not product.company_id for product in products) else products.company_id
        self.env["marketplace.job"]._resume_waiting_for_products(companies)
