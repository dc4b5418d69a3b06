"""Screens in a real browser (Odoo tours on Chromium)."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import EXITO_TOKEN, EXITO_URL
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
