from odoo import fields, models

from .sale_order import MARKETPLACE_USERS


class ProductProduct(models.Model):
    _inherit = "product.product"

    marketplace_listing_ids = fields.One2many(
        "marketplace.listing", "product_id", string="Marketplace Listings", groups=MARKETPLACE_USERS)
