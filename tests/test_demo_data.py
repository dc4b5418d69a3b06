"""The demo data of `make demo` loads, matches the sandbox's catalog, and imports its orders."""

from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

from .common import Sandbox


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):

    def test_demo_account_imports_the_sandbox_orders(self):
        convert_file(self.env, "marketplace_connector", "demo/marketplace_demo.xml", {}, mode="init", kind="demo")
        account = self.env.ref("marketplace_connector.demo_account_exito")
        self.assertEqual(account.api_url, "http://127.0.0.1:8070/exito")
        self.assertEqual(account.pricelist_id.currency_id.name, "COP")
        self.assertEqual(account.listing_count, 8)
        camera = account.env.ref("marketplace_connector.demo_listing_camera")
        self.assertEqual(camera.state, "draft", "one product left for the user to publish")
        self.assertFalse(camera._exito_problems(camera._exito_listing_record()), "and it can be published")

        sandbox = Sandbox()
        self.addCleanup(sandbox.stop)
        account.api_url = sandbox.exito_url
        account.action_import_orders()

        sandbox_orders = sandbox.get("/_sandbox/exito/orders")
        orders = self.env["sale.order"].search([("marketplace_account_id", "=", account.id)])
        self.assertEqual(len(sandbox_orders), 25)
        self.assertEqual(sorted(orders.mapped("marketplace_order_ref")), sorted(o["id"] for o in sandbox_orders))
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(set(orders.picking_ids.mapped("state")), {"assigned"}, "demo stock covers the orders")
