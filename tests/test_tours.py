"""Screens in a real browser (Odoo tours on Chromium)."""

import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import EXITO_TOKEN, EXITO_URL, MarketplaceCase, exito_order, orders_page
from .test_unknown_products import fixture


@tagged("post_install", "-at_install")
class TestTours(HttpCase):

    def test_a_manager_corrects_the_payload_of_a_failed_job(self):
        company = self.env.company
        manager = new_test_user(
            self.env, login="mkt_tour_manager", groups="marketplace_connector.group_marketplace_manager",
            company_id=company.id, company_ids=[Command.set(company.ids)])
        account = self.env["marketplace.account"].create({
            "name": "Éxito tour", "marketplace": "exito", "api_url": EXITO_URL, "api_token": EXITO_TOKEN})
        job = self.env["marketplace.job"].create({
            "name": "Éxito order 4711", "account_id": account.id, "job_type": "import_order",
            "dedupe_key": "order:4711", "payload": {"orderNumber": "4711", "products": [{"reference": "SKU-TO-FIX"}]}})
        job.write({"state": "failed", "attempts": 1,
                   "last_error": "Unknown product SKU-TO-FIX: link it to a listing, then retry."})

        self.start_tour(f"/odoo/action-marketplace_connector.action_marketplace_job/{job.id}",
                        "marketplace_connector_correct_payload", login=manager.login)

        self.assertEqual(job.payload, {"orderNumber": "4711", "products": [{"reference": "SKU-FIXED"}]})
        self.assertEqual(job.state, "failed", "corrected, not run: the manager retries when ready")
        note = job.message_ids[:1]
        self.assertEqual(note.author_id, manager.partner_id)
        self.assertIn("SKU-TO-FIX", note.body)

    def test_the_overview_figures_open_their_lists(self):
        company = self.env.company
        user = new_test_user(
            self.env, login="mkt_tour_user", groups="marketplace_connector.group_marketplace_user",
            company_id=company.id, company_ids=[Command.set(company.ids)])
        account = self.env["marketplace.account"].create({
            "name": "Éxito overview tour", "marketplace": "exito", "api_url": EXITO_URL, "api_token": EXITO_TOKEN})
        product = self.env["product.product"].create({"name": "Tour watch", "type": "consu", "is_storable": True})
        buyer = self.env["res.partner"].create({"name": "Tour buyer"})
        now = fields.Datetime.now()
        for reference, deadline in (("TOUR-LATE", now - timedelta(days=1)), ("TOUR-LATER", now + timedelta(days=3))):
            order = self.env["sale.order"].create({
                "partner_id": buyer.id, "client_order_ref": reference, "marketplace_account_id": account.id,
                "marketplace_max_delivery_date": deadline,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})]})
            order.action_confirm()
            order.picking_ids.origin = reference

        self.start_tour("/odoo/action-marketplace_connector.action_marketplace_overview",
                        "marketplace_connector_overview", login=user.login)


    def test_a_sales_manager_fixes_an_unknown_product_from_the_waiting_job(self):
        company = self.env.company
        manager = new_test_user(
            self.env, login="mkt_tour_fixer",
            groups="marketplace_connector.group_marketplace_user,sales_team.group_sale_manager",
            company_id=company.id, company_ids=[Command.set(company.ids)])
        cop = self.env.ref("base.COP")
        cop.active = True
        account = self.env["marketplace.account"].create({
            "name": "iMotriz tour", "marketplace": "imotriz", "api_url": "http://127.0.0.1:9/imotriz",
            "api_token": "imotriz-token", "pricelist_id": self.env["product.pricelist"].create(
                {"name": "COP tour", "currency_id": cop.id}).id})
        record = fixture("imotriz_new_orders.json")["data"][1]
        Job = self.env["marketplace.job"]
        job = Job.create({"name": "iMotriz order IMT-104519", "account_id": account.id, "job_type": "import_order",
                          "dedupe_key": "order:104519", "payload": record})
        Job._run_due_jobs(account_ids=account.ids)
        self.assertEqual(job.state, "waiting_products")

        self.start_tour(f"/odoo/action-marketplace_connector.action_marketplace_job/{job.id}",
                        "marketplace_connector_fix_products", login=manager.login)

        self.assertEqual(job.state, "done")
        product = self.env["product.product"].search([("default_code", "=", "BAT-12V-4500")])
        self.assertRecordValues(product, [{"name": "Batería 12V 45Ah Renault Logan", "list_price": 289900}])
        self.assertEqual(self.env["sale.order"].browse(job.res_id).order_line.product_id, product)


    def test_the_first_test_connection_stays_on_the_saved_account(self):
        self.start_tour("/odoo/action-marketplace_connector.action_marketplace_account/new",
                        "marketplace_connector_first_setup", login="admin")
        account = self.env["marketplace.account"].search([("name", "=", "Éxito first setup")])
        self.assertEqual(len(account), 1, "saved once, never a second blank record")
        self.assertEqual(account.state, "error")
        self.assertIn("Connection failed", account.last_error)
        self.assertEqual(account.pricelist_id.currency_id.name, "COP", "a pricelist in the marketplace's currency")


@tagged("post_install", "-at_install")
class TestDailyTours(HttpCase, MarketplaceCase):
    """The daily moments of the sales and warehouse people, in a real browser."""

    def setUp(self):
        super().setUp()
        # Odoo's server and Chromium's devtools endpoint are on localhost too: only the marketplace's
        # address (port 9) is mocked.
        self.http.add_passthru(re.compile(r"http://(127\.0\.0\.1|localhost):(?!9/)\d+"))
        self.company = self.env.company

    def test_a_marketplace_user_imports_and_opens_an_order(self):
        user = new_test_user(
            self.env, login="mkt_tour_importer", groups="marketplace_connector.group_marketplace_user",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        self.mock_pages(orders_page([exito_order(4711, [("7752285029933", "smartwatch08", 1, 189900)])]))
        self.start_tour(f"/odoo/action-marketplace_connector.action_marketplace_account/{self.account.id}",
                        "marketplace_connector_import_and_open_order", login=user.login)
        self.assertEqual(self.orders_of().marketplace_order_number, "4711")

    def test_a_warehouse_user_validates_a_delivery_with_its_tracking_reference(self):
        self.mock_pages(orders_page([exito_order(4712, [("7752285029933", "smartwatch08", 1, 189900)])]))
        self.account.action_import_orders()
        picking = self.orders_of().picking_ids
        self.env["stock.quant"]._update_available_quantity(self.smartwatch, picking.location_id, 5)
        picking.action_assign()
        clerk = new_test_user(
            self.env, login="mkt_tour_clerk", groups="stock.group_stock_user",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        self.start_tour(f"/odoo/action-stock.action_picking_tree_all/{picking.id}",
                        "marketplace_connector_validate_with_tracking", login=clerk.login)
        self.assertRecordValues(picking, [{"state": "done", "carrier_tracking_ref": "GUIA-TOUR-1",
                                           "marketplace_tracking_state": "to_send"}])
