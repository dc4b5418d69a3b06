"""Screens in a real browser (Odoo tours on Chromium)."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import EXITO_TOKEN, EXITO_URL


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

    def test_the_first_test_connection_stays_on_the_saved_account(self):
        self.start_tour("/odoo/action-marketplace_connector.action_marketplace_account/new",
                        "marketplace_connector_first_setup", login="admin")
        account = self.env["marketplace.account"].search([("name", "=", "Éxito first setup")])
        self.assertEqual(len(account), 1, "saved once, never a second blank record")
        self.assertEqual(account.state, "error")
        self.assertIn("Connection failed", account.last_error)
        self.assertEqual(account.pricelist_id.currency_id.name, "COP", "a pricelist in the marketplace's currency")
