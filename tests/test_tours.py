"""Screens in a real browser (Odoo tours on Chromium)."""

from datetime import timedelta

from odoo import Command, fields
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
