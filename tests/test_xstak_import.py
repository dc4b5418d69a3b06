"""XStak OMS against the bundled sandbox, over real HTTP: sales orders by status and location,
each location shipping from its warehouse, a cached service-account token."""

from odoo import Command, fields
from odoo.tests import tagged

from .common import MarketplaceCase, Sandbox

SKUS = ["LAWN-3PC-01", "KURTA-M-02", "DUPATTA-CHF-03", "KHUSSA-W-04", "CHAPPAL-PSH-05", "ATTAR-OUD-06",
        "RICE-BSM-5KG", "CHAI-500G", "EARBUDS-BT-09", "CASE-PH-10"]


@tagged("post_install", "-at_install")
class TestXstakImport(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox()
        cls.addClassCleanup(cls.sandbox.stop)
        pkr = cls.env.ref("base.PKR")
        pkr.active = True
        pricelist = cls.env["product.pricelist"].create({"name": "XStak PKR", "currency_id": pkr.id})
        cls.lahore = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.karachi = cls.env["stock.warehouse"].create(
            {"name": "Karachi", "code": "KHI", "company_id": cls.company.id})
        cls.xstak = cls.env["marketplace.account"].create({
            "name": "XStak test", "marketplace": "xstak", "api_url": cls.sandbox.url + "/xstak",
            "xstak_client_id": "sandbox-client", "xstak_client_secret": "sandbox-secret",
            "xstak_company_code": "SANDBOX", "xstak_order_statuses": "pending,completed",
            "pricelist_id": pricelist.id, "import_from_date": fields.Date.subtract(fields.Date.today(), days=30),
            "xstak_location_ids": [
                Command.create({"location_id": "101", "location_code": 101, "warehouse_id": cls.lahore.id}),
                Command.create({"location_id": "102", "location_code": 102, "warehouse_id": cls.karachi.id})],
        })
        products = cls.env["product.product"].create([
            {"name": f"Item {sku}", "default_code": sku, "type": "consu", "taxes_id": [Command.clear()]}
            for sku in SKUS])
        cls.env["marketplace.listing"].create([{"account_id": cls.xstak.id, "product_id": p.id} for p in products])

    def setUp(self):
        super().setUp()
        self.http.stop()  # real HTTP here: no mocks
        self.sandbox.session.delete(self.sandbox.url + "/_sandbox/requests", timeout=10)

    def reset(self, orders, **options):
        self.sandbox.post("/_sandbox/reset", {"seed": 9, "xstak": {"orders": orders, **options}})
        return [order for order in self.sandbox.get("/_sandbox/xstak/orders")
                if order["order_status"] in ("pending", "completed")]

    def calls(self, suffix):
        return [entry for entry in self.sandbox.get("/_sandbox/requests") if entry["path"].endswith(suffix)]

    def test_orders_of_two_locations_over_several_pages_land_in_their_warehouses(self):
        remote = self.reset(400)
        self.xstak.action_import_orders()
        orders = self.orders_of(self.xstak)
        self.assertEqual(sorted(orders.mapped("marketplace_order_ref")), sorted(str(order["id"]) for order in remote))
        by_ref = {str(order["id"]): order for order in remote}
        for order in orders:
            expected = self.lahore if str(by_ref[order.marketplace_order_ref]["location_id"]) == "101" else self.karachi
            self.assertEqual(order.warehouse_id, expected)
            self.assertEqual(order.amount_total, by_ref[order.marketplace_order_ref]["total_amount"])
        self.assertEqual(set(orders.warehouse_id), {self.lahore, self.karachi})
        pages = self.calls("/sales_orders")
        self.assertGreater(len(pages), 4, "several pages per location and status")
        self.assertEqual(len(self.calls("/token")), 1, "one token for the whole run")

        self.xstak.action_import_orders()
        self.assertEqual(len(self.orders_of(self.xstak)), len(remote), "reading again creates nothing")

    def test_an_expired_token_is_refreshed_once_without_failing_the_run(self):
        remote = self.reset(20)
        self.xstak.action_import_orders()
        self.sandbox.post("/_sandbox/xstak/expire-tokens", {})
        self.xstak.action_import_orders()
        self.assertEqual(len(self.calls("/token")), 2, "refreshed once")
        self.assertEqual(set(self.jobs_of("fetch_orders", self.xstak).mapped("state")), {"done"})
        self.assertEqual(len(self.orders_of(self.xstak)), len(remote))

    def test_wrong_credentials_give_a_clear_message_and_no_retry_storm(self):
        self.reset(5)
        self.xstak.xstak_client_secret = "wrong"
        self.xstak.sudo().write({"xstak_token": False})
        self.xstak.action_import_orders()
        self.assertEqual(self.xstak.state, "error")
        self.assertIn("client secret", self.xstak.last_error)
        self.assertNotIn("wrong", self.xstak.last_error)
        read = self.jobs_of("fetch_orders", self.xstak)
        self.assertEqual((read.state, read.attempts), ("failed", 1))
        self.assertGreater(read.next_attempt_date, fields.Datetime.now())
        self.assertEqual(len(self.calls("/token")), 1)
