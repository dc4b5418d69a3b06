from odoo import fields, models


class XmartSector(models.Model):
    """A sector of a city (seed: "Sector(s): Name - Latitude - Longitude - City")."""

    _name = "marketplace.xmart.sector"
    _inherit = "marketplace.xmart.place"
    _description = "X-Mart Sector"
    _order = "city_id, name"

    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    city_id = fields.Many2one("marketplace.xmart.city", required=True, ondelete="cascade",
                              check_company=True)

    _sql_constraints = [("city_name_uniq", "unique(city_id, name)", "This sector is already in the city.")]
