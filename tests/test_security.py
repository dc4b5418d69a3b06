from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import EXITO_TOKEN, MarketplaceCase, exito_order, orders_page


@tagged("post_install", "-at_install")
class TestSecurity(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.account_b = cls.create_account(cls.company_b, name="Éxito B")
        cls.user_b = new_test_user(
            cls.env, login="mkt_user_b", groups="marketplace_connector.group_marketplace_user",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)])
        cls.manager_a = new_test_user(
            cls.env, login="mkt_manager_a", groups="marketplace_connector.group_marketplace_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.listing_a = cls.env["marketplace.listing"].create({
            "account_id": cls.account.id, "product_id": cls.smartwatch.id})

    def test_user_of_company_b_sees_nothing_of_company_a(self):
        self.mock_pages(orders_page([exito_order(1, [("7752285029933", "smartwatch08", 1, 189900)])]))
        self.account.action_import_orders()
        order_a = self.orders_of()
        job_a = self.jobs_of()
        self.assertTrue(order_a and job_a)

        as_b = self.env(user=self.user_b)
        self.assertEqual(as_b["marketplace.account"].search([]), self.account_b)
        self.assertFalse(as_b["marketplace.job"].search([("account_id", "=", self.account.id)]))
        self.assertFalse(as_b["marketplace.listing"].search([]))
        self.assertFalse(as_b["sale.order"].search([("id", "=", order_a.id)]))
        with self.assertRaises(AccessError):
            as_b["marketplace.account"].browse(self.account.id).read(["name"])
        with self.assertRaises(AccessError):
            as_b["marketplace.job"].browse(job_a.id).read(["payload"])
        with self.assertRaises(AccessError):
            as_b["sale.order"].browse(order_a.id).read(["name"])

    def test_token_is_readable_by_system_administrators_only(self):
        self.assertEqual(self.account.api_token, EXITO_TOKEN)
        as_manager = self.account.with_user(self.manager_a)
        self.assertEqual(as_manager.name, "Éxito test", "a manager reads the account")
        with self.assertRaises(AccessError):
            as_manager.read(["api_token"])
        with self.assertRaises(AccessError):
            as_manager.write({"api_token": "stolen"})
        self.assertNotIn("api_token", as_manager.fields_get())

    def test_marketplace_user_cannot_configure_accounts(self):
        as_b = self.env(user=self.user_b)["marketplace.account"]
        with self.assertRaises(AccessError):
            as_b.create({"name": "x", "marketplace": "exito", "company_id": self.company_b.id})
        with self.assertRaises(AccessError):
            as_b.browse(self.account_b.id).write({"auto_confirm": False})

    def test_job_payload_never_holds_the_token(self):
        self.mock_pages(orders_page([exito_order(2, [("7752285029933", "smartwatch08", 1, 189900)])]))
        self.account.action_import_orders()
        for job in self.Job.search([("account_id", "=", self.account.id)]):
            self.assertNotIn(EXITO_TOKEN, str(job.payload))

    def test_settlements_specs_and_callback_secrets_stay_in_their_company_and_with_admins(self):
        settlement_a = self.env["marketplace.settlement"].create({
            "account_id": self.account.id, "ref": "1", "billing_number": "9406165195", "commission": 10,
            "line_ids": [Command.create({"name": "Line", "commission": 10})]})
        self.listing_a.spec_ids = [Command.create({"name": "Garantía", "value": "1 año"})]
        as_b = self.env(user=self.user_b)
        self.assertFalse(as_b["marketplace.settlement"].search([]))
        self.assertFalse(as_b["marketplace.settlement.line"].search([]))
        self.assertFalse(as_b["marketplace.listing.spec"].search([]))
        with self.assertRaises(AccessError):
            as_b["marketplace.settlement"].browse(settlement_a.id).read(["commission"])
        with self.assertRaises(AccessError):
            as_b["marketplace.settlement"].create({"account_id": self.account_b.id, "ref": "2"})
        as_manager = self.account.with_user(self.manager_a)
        for secret in ("callback_password", "callback_username", "callback_token", "exito_notifyproduct_url",
                       "xstak_client_secret", "xstak_token"):
            with self.assertRaises(AccessError, msg=secret):
                as_manager.read([secret])

    def test_marketful_user_id_webhook_urls_and_stock_stay_with_admins_and_their_company(self):
        warehouse_b = self.env["stock.warehouse"].search([("company_id", "=", self.company_b.id)], limit=1)
        marketful_b = self.env["marketplace.account"].with_company(self.company_b).create({
            "name": "Marketful B", "marketplace": "marketful", "company_id": self.company_b.id,
            "api_token": "mf-token", "marketful_user_id": "771", "warehouse_id": warehouse_b.id,
            "marketful_channel_ids": [Command.create({"name": "Shopify"})]})
        self.env["marketplace.marketful.stock"].create({
            "account_id": marketful_b.id, "product_id": self.smartwatch.id, "marketful_qty": 3, "state": "differs"})
        as_manager = self.account.with_user(self.manager_a)
        for secret in ("marketful_user_id", "marketful_webhook_shipment_url", "marketful_webhook_order_created_url"):
            with self.assertRaises(AccessError, msg=secret):
                as_manager.read([secret])
        as_a = self.env(user=self.manager_a)
        self.assertFalse(as_a["marketplace.marketful.stock"].search([]))
        self.assertFalse(as_a["marketplace.marketful.channel"].search([]))
        self.assertEqual(self.env(user=self.user_b)["marketplace.marketful.channel"].search([]).name, "Shopify")

    def test_xmart_secrets_are_for_system_administrators_and_stores_stay_in_their_company(self):
        xmart_b = self.env["marketplace.account"].with_company(self.company_b).create({
            "name": "X-Mart B", "marketplace": "xmart", "company_id": self.company_b.id, "api_url": "http://x",
            "xmart_client_id": "c", "xmart_client_secret": "s", "xmart_webhook_secret": "w",
            "xmart_brand_ids": [Command.create({"name": "Marca", "identifier": "BR-9"})]})
        self.env["marketplace.xmart.store"].create({
            "account_id": xmart_b.id, "brand_id": xmart_b.xmart_brand_ids.id, "code": "S1", "name": "Tienda"})
        as_manager = self.account.with_user(self.manager_a)
        for secret in ("xmart_client_secret", "xmart_token", "xmart_webhook_secret", "xmart_webhook_url"):
            with self.assertRaises(AccessError, msg=secret):
                as_manager.read([secret])
        as_a = self.env(user=self.manager_a)
        for model in ("marketplace.xmart.store", "marketplace.xmart.brand"):
            self.assertFalse(as_a[model].search([]), model)
        self.assertEqual(self.env(user=self.user_b)["marketplace.xmart.store"].search([]).code, "S1")
