"""A first setup that holds: the form stays on the saved account after every button, a failed
Test Connection says why and leaves the account in Error, the pricelist is in the marketplace's
currency, and a company may have several accounts of one marketplace (never the same remote seller
twice)."""

import contextlib

import responses

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import (
    EXITO_ORDERS_URL,
    EXITO_TOKEN,
    EXITO_URL,
    MARKETFUL_URL,
    MarketfulCase,
    MarketplaceCase,
    exito_order,
    orders_page,
)

BACK_TO_THE_RECORD = {"type": "ir.actions.act_window_close"}


@contextlib.contextmanager
def refused(case, pattern):
    """Expect a ValidationError matching ``pattern``; what was written is rolled back."""
    with case.assertRaisesRegex(ValidationError, pattern) as caught, case.env.cr.savepoint():
        yield caught


@tagged("post_install", "-at_install")
class TestAccountSetup(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Account = cls.env["marketplace.account"]
        for code in ("PKR", "MXN"):
            cls.env.ref(f"base.{code}").active = False

    # -- Test Connection ----------------------------------------------------------------------

    def test_a_failed_test_connection_sets_error_with_the_reason_and_stays_on_the_record(self):
        self.http.get(EXITO_ORDERS_URL, json=orders_page([]))
        action = self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["next"], BACK_TO_THE_RECORD)

        self.http.replace("GET", EXITO_ORDERS_URL, status=401, json={"message": "Unauthorized"})
        action = self.account.action_test_connection()  # no exception: the Error state is kept
        self.assertEqual(self.account.state, "error", "a failed test no longer leaves the account Connected")
        self.assertIn("Connection failed", self.account.last_error)
        self.assertIn("refused the credentials", self.account.last_error)
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(action["params"]["message"], self.account.last_error)
        self.assertEqual(action["params"]["next"], BACK_TO_THE_RECORD,
                         "the form reloads the record it shows, never a blank new one (soft_reload did)")
        self.assertNotIn(EXITO_TOKEN, self.account.last_error)

    def test_every_button_notification_goes_back_to_the_saved_record(self):
        self.mock_pages(orders_page([]))
        action = self.account.action_import_orders()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["next"], BACK_TO_THE_RECORD)

    # -- pricelist --------------------------------------------------------------------------

    def test_a_new_account_gets_a_pricelist_in_its_marketplace_currency(self):
        pkr = self.env.ref("base.PKR")
        xstak = self.Account.create({
            "name": "XStak Lahore", "marketplace": "xstak", "xstak_client_id": "c1", "xstak_company_code": "LHR"})
        self.assertEqual(xstak.pricelist_id.currency_id, pkr)
        self.assertTrue(pkr.active, "the currency is activated")
        self.assertEqual(xstak.pricelist_id.company_id, self.company)
        self.assertTrue(xstak.message_ids.filtered(lambda message: "Currency PKR activated" in message.body))
        second = self.Account.create({
            "name": "XStak Karachi", "marketplace": "xstak", "xstak_client_id": "c2", "xstak_company_code": "KHI"})
        self.assertEqual(second.pricelist_id, xstak.pricelist_id, "the company's pricelist in PKR is reused")

        exito = self.Account.create({"name": "Éxito 2", "marketplace": "exito", "api_token": "other-token"})
        self.assertEqual(exito.pricelist_id.currency_id, self.cop)
        imotriz = self.Account.create({"name": "iMotriz MX", "marketplace": "imotriz", "imotriz_country": "MX",
                                       "api_token": "imotriz-mx"})
        self.assertEqual(imotriz.pricelist_id.currency_id.name, "MXN")
        self.assertTrue(self.env.ref("base.MXN").active)
        xmart = self.Account.create({"name": "X-Mart", "marketplace": "xmart", "api_url": "http://127.0.0.1:9/xmart",
                                     "xmart_client_id": "brand", "xmart_country_id": self.env.ref("base.ec").id})
        self.assertEqual(xmart.pricelist_id.currency_id.name, "USD")
        warehouse = self.env["stock.warehouse"].create({"name": "Marketful", "code": "MKF2"})
        marketful = self.Account.create({"name": "Marketful", "marketplace": "marketful", "api_token": "mf",
                                         "marketful_user_id": "u1", "warehouse_id": warehouse.id})
        self.assertFalse(marketful.pricelist_id, "Marketful sells nothing through Odoo: no pricelist is made")

    def test_the_form_offers_the_company_pricelist_in_the_marketplace_currency(self):
        form = Form(self.Account)
        form.name = "Éxito form"
        form.marketplace = "exito"
        self.assertEqual(form.pricelist_id.currency_id, self.cop)
        form.marketplace = "xstak"
        self.assertFalse(form.pricelist_id, "none in PKR yet: one is created when saving")

    def test_saving_checks_the_warehouse_and_the_pricelist(self):
        usd = self.env["product.pricelist"].create({"name": "USD", "currency_id": self.env.ref("base.USD").id})
        with refused(self, "sells in COP: choose a pricelist in COP"):
            self.account.pricelist_id = usd
        with refused(self, "Choose the warehouse"):
            self.account.warehouse_id = False
        self.account.pricelist_id = False
        self.assertEqual(self.account.pricelist_id.currency_id, self.cop, "emptied: the company's COP pricelist")
        with refused(self, "sells in COP"):
            self.Account.create({"name": "Éxito USD", "marketplace": "exito", "api_token": "usd-token",
                                 "pricelist_id": usd.id})

    # -- several accounts of a marketplace in a company ------------------------------------

    def test_two_exito_accounts_in_one_company_each_import_their_own_orders(self):
        second = self.Account.create({
            "name": "Éxito store 2", "marketplace": "exito", "api_url": EXITO_URL, "api_token": "second-store-token",
            "pricelist_id": self.pricelist.id, "import_from_date": "2026-11-01"})
        self.assertEqual(second.company_id, self.account.company_id)
        self.assertNotEqual(second.sudo().callback_token, self.account.sudo().callback_token)
        for account in (self.account, second):
            self.assertEqual(self.Account._ingress_find(account.sudo().callback_token, "exito").id, account.id,
                             "each account is found by its own callback URLs")
            self.assertIn(account.sudo().callback_token, account.sudo().exito_notifyproduct_url)

        line = ("7752285029933", "smartwatch08", 1, 189900)
        for token, number in ((EXITO_TOKEN, 501), ("second-store-token", 502)):
            self.http.get(EXITO_ORDERS_URL, json=orders_page([exito_order(number, [line])]),
                          match=[responses.matchers.header_matcher({"Authorization": token})])
        self.account.action_import_orders()
        second.action_import_orders()
        self.assertEqual(self.orders_of().mapped("marketplace_order_number"), ["501"])
        self.assertEqual(self.orders_of(second).mapped("marketplace_order_number"), ["502"])
        self.assertEqual(self.orders_of(second).marketplace_account_id, second)

    def test_the_same_remote_seller_twice_is_refused_without_logging_a_secret(self):
        with self.assertNoLogs("odoo.sql_db", level="ERROR"), \
                refused(self, r"Éxito test already connects .*\(same API Token\)") as caught:
            self.Account.create({"name": "Éxito again", "marketplace": "exito", "api_url": EXITO_URL,
                                 "api_token": EXITO_TOKEN})
        self.assertNotIn(EXITO_TOKEN, str(caught.exception))

        other = self.Account.create({"name": "Éxito other", "marketplace": "exito", "api_url": EXITO_URL,
                                     "api_token": "another-token"})
        self.account.exito_seller_id = "11618"
        with refused(self, "same Éxito Seller ID"):
            other.exito_seller_id = "11618"
        with refused(self, "same API Token"):
            other.api_token = EXITO_TOKEN

        # A test account on the sandbox with the production token is another seller account.
        self.Account.create({"name": "Éxito sandbox", "marketplace": "exito", "api_url": "http://127.0.0.1:9/other",
                             "api_token": EXITO_TOKEN})
        # Another company may connect the same seller; an archived account does not count until restored.
        company_b = self.env["res.company"].create({"name": "Company B"})
        self.create_account(company_b, name="Éxito B")
        self.account.active = False
        again = self.Account.create({"name": "Éxito new", "marketplace": "exito", "api_url": EXITO_URL,
                                     "api_token": EXITO_TOKEN})
        with refused(self, "Éxito new already connects"):
            self.account.active = True
        self.assertTrue(again.active)

    def test_each_marketplace_names_its_remote_seller(self):
        cases = [
            ({"marketplace": "xmart", "api_url": "http://127.0.0.1:9/xmart", "xmart_client_id": "brand-1"},
             {"xmart_client_id": "brand-2"}, "X-Mart Client ID"),
            ({"marketplace": "xstak", "xstak_client_id": "c1", "xstak_company_code": "ACME"},
             {"xstak_company_code": "OTHER"}, "XStak Company Code"),
            ({"marketplace": "imotriz", "api_token": "imotriz-token", "imotriz_country": "CO"},
             {"imotriz_country": "MX"}, "API Token"),
        ]
        for values, different, field in cases:
            with self.subTest(marketplace=values["marketplace"]):
                first = self.Account.create({"name": f"{values['marketplace']} 1", **values})
                with refused(self, f"same {field}"):
                    self.Account.create({"name": "twice", **values})
                self.Account.create({"name": f"{values['marketplace']} 2", **values, **different})
                self.assertTrue(first.exists())
        with refused(self, "same XStak Company Code"):
            self.Account.create({"name": "case", "marketplace": "xstak", "xstak_client_id": "c9",
                                 "xstak_company_code": "acme "})

    def test_the_unique_constraint_on_marketplace_and_company_is_gone(self):
        self.env.cr.execute("SELECT 1 FROM pg_constraint WHERE conname = %s",
                            ["marketplace_account_marketplace_company_uniq"])
        self.assertFalse(self.env.cr.fetchall())
        self.assertFalse(self.env["ir.model.constraint"].search(
            [("name", "=", "marketplace_account_marketplace_company_uniq")]))


@tagged("post_install", "-at_install")
class TestTwoMarketfulAccounts(MarketfulCase):

    def test_each_marketful_account_fulfils_the_orders_of_its_own_warehouse(self):
        warehouse = self.env["stock.warehouse"].create({"name": "Marketful MTY", "code": "MTY"})
        second = self.env["marketplace.account"].create({
            "name": "Marketful Monterrey", "marketplace": "marketful", "api_url": MARKETFUL_URL,
            "api_token": "second-token", "marketful_user_id": "second-user", "warehouse_id": warehouse.id})
        with refused(self, "already the Marketful warehouse of Marketful test"):
            second.warehouse_id = self.warehouse
        with refused(self, "same Marketful User ID"):
            second.marketful_user_id = "test-user"

        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "warehouse_id": warehouse.id, "carrier_id": self.estafeta.id,
            "order_line": [Command.create({"product_id": self.pens.id, "product_uom_qty": 1})]})
        order.action_confirm()
        self.assertEqual(order.marketful_account_id, second)
        self.assertEqual(self.make_order().marketful_account_id, self.account)
