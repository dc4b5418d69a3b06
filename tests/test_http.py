"""What an admin does in the web client, through the same HTTP calls the web client makes."""

import json
from datetime import date, timedelta

from odoo.tests import HttpCase, tagged

from .common import Sandbox


@tagged("post_install", "-at_install")
class TestWebClient(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.sandbox.post("/_sandbox/reset", {"seed": 3, "exito": {"orders": 12}})
        cop = cls.env.ref("base.COP")
        cop.active = True
        cls.env["product.product"].create([
            {"name": f"Catalog {ean}", "barcode": ean, "type": "consu", "taxes_id": False}
            for ean in ("7752285029933", "7701234500016", "7701234500023", "7701234500030",
                        "7701234500047", "7701234500054", "7701234500061")
        ])
        cls.pricelist = cls.env["product.pricelist"].create({"name": "COP", "currency_id": cop.id})

    def call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs})

    def test_admin_creates_an_account_tests_it_and_imports_orders(self):
        self.authenticate("admin", "admin")
        menu = self.url_open("/odoo/action-marketplace_connector.action_marketplace_account")
        self.assertEqual(menu.status_code, 200)

        # The sandbox's orders span the last 7 days; read a wider window than the default's,
        # whatever the time of day.
        account_id = self.call("marketplace.account", "create", {
            "name": "Éxito web", "marketplace": "exito", "api_url": self.sandbox.exito_url,
            "api_token": "sandbox-exito-token", "pricelist_id": self.pricelist.id,
            "import_from_date": str(date.today() - timedelta(days=30))})
        account = self.env["marketplace.account"].browse(account_id)
        self.assertTrue(account.warehouse_id, "defaults to the company's warehouse")
        self.assertEqual(account.user_id, self.env.ref("base.user_admin"))

        action = self.call("marketplace.account", "action_test_connection", [account_id])
        self.assertEqual(action["params"]["type"], "success")
        action = self.call("marketplace.account", "action_import_orders", [account_id])
        self.assertEqual(action["params"]["message"], "12 new orders imported.")

        orders = self.env["sale.order"].search([("marketplace_account_id", "=", account_id)])
        self.assertEqual(len(orders), 12)
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(len(orders.picking_ids), 12)

        views = self.call("sale.order", "get_views", [[False, "form"], [False, "list"], [False, "search"]])
        self.assertIn("marketplace_order_number", views["views"]["form"]["arch"])

    def test_wrong_token_is_answered_with_a_readable_error(self):
        self.authenticate("admin", "admin")
        account_id = self.call("marketplace.account", "create", {
            "name": "Éxito bad token", "marketplace": "exito", "api_url": self.sandbox.exito_url,
            "api_token": "nope", "pricelist_id": self.pricelist.id})
        response = self.url_open(
            "/web/dataset/call_kw/marketplace.account/action_test_connection",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                "model": "marketplace.account", "method": "action_test_connection",
                "args": [[account_id]], "kwargs": {}}}),
            headers={"Content-Type": "application/json"})
        action = response.json()["result"]
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("refused the credentials", action["params"]["message"])
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"})
        account = self.env["marketplace.account"].browse(account_id)
        self.assertEqual(account.state, "error", "the failure is kept, with its reason")
        self.assertIn("refused the credentials", account.last_error)
