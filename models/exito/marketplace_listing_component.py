from odoo import fields, models


class MarketplaceListingComponent(models.Model):
    _name = "marketplace.listing.component"
    _description = "Marketplace Combo Component"

    listing_id = fields.Many2one("marketplace.listing", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="listing_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True)
    quantity = fields.Integer(default=1, required=True)
