import base64
import csv
import io

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import XmartCase


def data(name):
    with open(file_path(f"marketplace_connector/tests/data/{name}"), "rb") as file:
        return file.read()


@tagged("post_install", "-at_install")
class TestXmartOnboarding(XmartCase):

    def import_file(self, kind, name, content=None):
        wizard = self.env["marketplace.xmart.import.wizard"].create({
            "account_id": self.account.id, "kind": kind, "filename": name,
            "file": base64.b64encode(content if content is not None else data(name))})
        return wizard.action_import()

    def test_cities_sectors_and_zones_import_from_csv_and_kml(self):
        self.import_file("city", "xmart_cities.csv")
        self.import_file("sector", "xmart_sectors.csv")
        self.import_file("zone", "xmart_zones.kml")
        quito = self.account.xmart_city_ids.filtered(lambda city: city.name == "Quito")
        self.assertRecordValues(quito, [{"latitude": -0.1807, "longitude": -78.4678}])
        self.assertEqual(sorted(quito.sector_ids.mapped("name")), ["Cumbayá", "La Carolina"])
        carolina = quito.sector_ids.filtered(lambda sector: sector.name == "La Carolina")
        self.assertEqual((carolina.latitude, carolina.longitude), (-0.1807, -78.4846), "decimal comma read")
        zones = {zone.code: zone for zone in self.account.xmart_zone_ids}
        self.assertEqual(sorted(zones), ["GYE-U", "UIO-N", "UIO-V"])
        self.assertEqual(zones["UIO-N"].city_id, quito)
        self.assertEqual(zones["UIO-N"].polygons[0][:2], [[-78.5, -0.1], [-78.45, -0.1]])
        self.assertEqual(zones["UIO-V"].polygons[0][0], zones["UIO-V"].polygons[0][-1], "ring closed")
        self.assertTrue(zones["UIO-N"]._contains(carolina.longitude, carolina.latitude))
        self.assertFalse(zones["GYE-U"]._contains(carolina.longitude, carolina.latitude))

        # A second import updates instead of duplicating.
        self.import_file("zone", "xmart_zones.kml")
        self.import_file("city", "xmart_cities.csv")
        self.assertEqual(len(self.account.xmart_zone_ids), 3)
        self.assertEqual(len(self.account.xmart_city_ids), 2)

    def test_bad_files_are_refused_with_the_line(self):
        with self.assertRaisesRegex(UserError, "line 2"):
            self.import_file("city", "bad.csv", b"name,latitude,longitude\nQuito,north,-78.4\n")
        with self.assertRaisesRegex(UserError, "import the cities first"):
            self.import_file("sector", "xmart_sectors.csv")
        with self.assertRaises(UserError):
            self.import_file("zone", "zones.kml", b"<kml><Document><Placemark>")
        self.assertFalse(self.account.xmart_city_ids)
        self.assertFalse(self.account.xmart_zone_ids)

    def test_zones_and_stores_export(self):
        self.import_file("zone", "xmart_zones.kml")
        zones = {zone.code: zone for zone in self.account.xmart_zone_ids}
        self.env["marketplace.xmart.store"].create({
            "account_id": self.account.id, "brand_id": self.brand.id, "code": "QUI-01", "name": "Quito Norte",
            "city_id": zones["UIO-N"].city_id.id, "zone_ids": [(6, 0, (zones["UIO-N"] | zones["UIO-V"]).ids)]})
        action = self.account.action_xmart_export_zones()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        rows = list(csv.reader(io.StringIO(attachment.raw.decode())))
        self.assertEqual(rows, [["store_code", "store_name", "zone", "city"],
                                ["QUI-01", "Quito Norte", "Quito Norte", "Quito"],
                                ["QUI-01", "Quito Norte", "Quito Valles", "Quito"]])
