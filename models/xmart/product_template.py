from odoo import fields, models

from ..sale_order import MARKETPLACE_USERS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    xmart_brand_id = fields.Many2one(
        "marketplace.xmart.brand", string="X-Mart Brand", groups=MARKETPLACE_USERS,
        help="The X-Mart brand that sells this product: Add the Brand's Products on a list of the brand's channel "
             "puts it in the list.")
