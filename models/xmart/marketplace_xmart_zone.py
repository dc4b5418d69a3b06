from odoo import api, fields, models

from ...marketplaces.xmart import onboarding


class XmartZone(models.Model):
    """A coverage zone: polygons (longitude, latitude) from the admin's KML/KMZ/CSV files."""

    _name = "marketplace.xmart.zone"
    _inherit = "marketplace.xmart.place"
    _description = "X-Mart Coverage Zone"
    _order = "city_id, name"

    code = fields.Char(required=True)
    city_id = fields.Many2one("marketplace.xmart.city", check_company=True)
    polygons = fields.Json(help="Lists of [longitude, latitude] points, one list per polygon.")
    point_count = fields.Integer(string="Points", compute="_compute_point_count")
    store_ids = fields.Many2many(
        "marketplace.xmart.store", "marketplace_xmart_store_zone_rel", "zone_id", "store_id", string="Stores")

    _sql_constraints = [("account_code_uniq", "unique(account_id, code)", "Zone codes are unique per account.")]

    @api.depends("polygons")
    def _compute_point_count(self):
        for zone in self:
            zone.point_count = sum(len(polygon) for polygon in zone.polygons or [])

    def _contains(self, longitude, latitude):
        self.ensure_one()
        polygons = [[tuple(point) for point in polygon] for polygon in self.polygons or []]
        return onboarding.point_in_zone(longitude, latitude, polygons)
