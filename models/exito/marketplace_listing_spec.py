from odoo import fields, models


class MarketplaceListingSpec(models.Model):
    _name = "marketplace.listing.spec"
    _description = "Marketplace Listing Specification"
    _order = "required desc, id"

    listing_id = fields.Many2one("marketplace.listing", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="listing_id.company_id", store=True)
    group = fields.Char()
    name = fields.Char(required=True)
    label = fields.Char()
    required = fields.Boolean(readonly=True)
    allowed_values = fields.Char(readonly=True)
    value = fields.Char()
