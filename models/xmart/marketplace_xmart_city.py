from odoo import fields, models


class XmartCity(models.Model):
    """A city where the brand sells (seed: "City(ies): Name - Latitude - Longitude")."""

    _name = "marketplace.xmart.city"
    _inherit = "marketplace.xmart.place"
    _description = "X-Mart City"
    _order = "name"

    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    xmart_id = fields.Char(string="X-Mart ID", help="The city's id at X-Mart, when X-Mart gave one.")
    sector_ids = fields.One2many("marketplace.xmart.sector", "city_id", string="Sectors")

    _sql_constraints = [("account_name_uniq", "unique(account_id, name)", "This city is already on the account.")]
