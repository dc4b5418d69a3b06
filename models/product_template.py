from odoo import fields, models

from .sale_order import MARKETPLACE_USERS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    marketplace_listing_ids = fields.One2many(
        "marketplace.listing", "product_tmpl_id", string="Marketplace Listings", groups=MARKETPLACE_USERS)
