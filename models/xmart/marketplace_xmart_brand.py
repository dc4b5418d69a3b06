from odoo import fields, models


class XmartBrand(models.Model):
    """A brand (X-Mart's vendor): stores, sales channels and lists belong to one."""

    _name = "marketplace.xmart.brand"
    _inherit = "marketplace.xmart.place"
    _description = "X-Mart Brand"
    _order = "name"

    identifier = fields.Char(string="Brand ID", required=True, help="X-Mart's vendorId of the brand.")
    description = fields.Char()
    logo = fields.Image(max_width=512, max_height=512)

    _sql_constraints = [
        ("account_identifier_uniq", "unique(account_id, identifier)", "Brand ids are unique per account."),
    ]
