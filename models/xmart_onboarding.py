import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..marketplaces.base import MarketplaceError
from ..marketplaces.xmart import onboarding
from .access import MANAGER, check_readable, guard


class XmartPlaceMixin(models.AbstractModel):
    """What X-Mart's onboarding records share: an account, a company, a name."""

    _name = "marketplace.xmart.place"
    _description = "X-Mart Onboarding Record"
    _check_company_auto = True

    account_id = fields.Many2one("marketplace.account", required=True, index=True, ondelete="cascade",
                                 domain="[('marketplace', '=', 'xmart')]")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    name = fields.Char(required=True)


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


class XmartSector(models.Model):
    """A sector of a city (seed: "Sector(s): Name - Latitude - Longitude - City")."""

    _name = "marketplace.xmart.sector"
    _inherit = "marketplace.xmart.place"
    _description = "X-Mart Sector"
    _order = "city_id, name"

    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    city_id = fields.Many2one("marketplace.xmart.city", string="City", required=True, ondelete="cascade",
                              check_company=True)

    _sql_constraints = [("city_name_uniq", "unique(city_id, name)", "This sector is already in the city.")]


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


class XmartZone(models.Model):
    """A coverage zone: polygons (longitude, latitude) from the admin's KML/KMZ/CSV files."""

    _name = "marketplace.xmart.zone"
    _inherit = "marketplace.xmart.place"
    _description = "X-Mart Coverage Zone"
    _order = "city_id, name"

    code = fields.Char(required=True)
    city_id = fields.Many2one("marketplace.xmart.city", string="City", check_company=True)
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


class XmartImportWizard(models.TransientModel):
    """Import cities, sectors or coverage zones from the files the admin prepared for X-Mart."""

    _name = "marketplace.xmart.import.wizard"
    _description = "Import X-Mart Onboarding Data"

    account_id = fields.Many2one("marketplace.account", required=True, domain="[('marketplace', '=', 'xmart')]")
    kind = fields.Selection(
        selection=[("city", "Cities (CSV)"), ("sector", "Sectors (CSV)"), ("zone", "Coverage Zones (KML, KMZ, CSV)")],
        required=True, default="zone")
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()

    @api.constrains("account_id")
    def _check_account_readable(self):
        check_readable(self, "account_id")

    @guard(MANAGER, "write", related=[("account_id", "write")])
    def action_import(self):
        """Import the file into the account's cities, sectors or zones."""
        self.ensure_one()
        content = base64.b64decode(self.file or b"")
        try:
            if self.kind == "zone":
                count = self.account_id._xmart_import_zones(onboarding.parse_zones(self.filename or "", content))
            else:
                count = self.account_id._xmart_import_places(self.kind, onboarding.parse_places(content, self.kind))
        except MarketplaceError as error:
            raise UserError(self.env["marketplace.job"]._describe_error(error)) from None
        return self.account_id._notification(
            self.env._("Import done"), self.env._("%(count)s records imported or updated.", count=count), "success")


class MarketplaceAccount(models.Model):
    _inherit = "marketplace.account"

    xmart_city_ids = fields.One2many("marketplace.xmart.city", "account_id", string="Cities")
    xmart_sector_ids = fields.One2many("marketplace.xmart.sector", "account_id", string="Sectors")
    xmart_brand_ids = fields.One2many("marketplace.xmart.brand", "account_id", string="Brands")
    xmart_zone_ids = fields.One2many("marketplace.xmart.zone", "account_id", string="Coverage Zones")

    def _xmart_city(self, name, create=False):
        city = self.xmart_city_ids.filtered(lambda city: city.name.casefold() == (name or "").strip().casefold())[:1]
        if not city and create and name:
            city = self.env["marketplace.xmart.city"].create({"account_id": self.id, "name": name.strip()})
        return city

    def _xmart_import_places(self, kind, places):
        """Cities or sectors from a CSV: existing ones (same name) are updated.

        :return: the number of records created or updated
        """
        self.ensure_one()
        for place in places:
            values = {"latitude": place.latitude, "longitude": place.longitude}
            if kind == "city":
                city = self._xmart_city(place.name)
                if city:
                    city.write(values)
                else:
                    self.env["marketplace.xmart.city"].create({"account_id": self.id, "name": place.name, **values})
                continue
            city = self._xmart_city(place.city)
            if not city:
                raise UserError(self.env._(
                    "Sector %(sector)s names the city %(city)s, which the account does not have: import the cities "
                    "first.", sector=place.name, city=place.city or "-"))
            sector = city.sector_ids.filtered(lambda sector, name=place.name: sector.name == name)
            if sector:
                sector.write(values)
            else:
                self.env["marketplace.xmart.sector"].create(
                    {"account_id": self.id, "city_id": city.id, "name": place.name, **values})
        return len(places)

    def _xmart_import_zones(self, zones):
        """Coverage zones from KML/KMZ/CSV: a zone with the same code is replaced; a zone's city
        is created when the account does not have it yet."""
        self.ensure_one()
        Zone = self.env["marketplace.xmart.zone"]
        existing = {zone.code: zone for zone in self.xmart_zone_ids}
        for zone in zones:
            values = {"name": zone.name, "polygons": [[list(point) for point in polygon] for polygon in zone.polygons],
                      "city_id": self._xmart_city(zone.city, create=True).id or False}
            if zone.code in existing:
                existing[zone.code].write(values)
            else:
                existing[zone.code] = Zone.create({"account_id": self.id, "code": zone.code, **values})
        return len(zones)

    @guard(MANAGER)
    def action_xmart_import(self):
        """The import wizard of cities, sectors and zones for this account."""
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_xmart_import_wizard")
        action["context"] = {"default_account_id": self.id}
        return action

    @guard(MANAGER, "write")
    def action_xmart_export_zones(self):
        """The "List of zones and stores" X-Mart asks the seller to hand over (seed, section 1)."""
        self.ensure_one()
        rows = [(store.code, store.name, zone.name, zone.city_id.name or store.city_id.name or "")
                for store in self.xmart_store_ids for zone in store.zone_ids]
        content = onboarding.zones_stores_csv(rows)
        attachment = self.env["ir.attachment"].create({
            "name": f"xmart-zones-stores-{self.id}.csv", "raw": content, "mimetype": "text/csv",
            "res_model": self._name, "res_id": self.id})
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "new"}
