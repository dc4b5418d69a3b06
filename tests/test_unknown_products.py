"""Orders whose products Odoo does not know: found by Internal Reference when no listing or barcode
names them, else waiting for a person (no attempt counted) who creates or links the products from the
job (Fix Products), after which the orders import at once."""

import json

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from .common import MarketplaceCase

IMOTRIZ_SKUS = ("FIL-ACE-1234", "PAS-FRE-2210", "BAT-12V-4500")
XSTAK_SKUS = ("LAWN-3PC-01", "KURTA-M-02", "CHAI-500G")


def fixture(name):
    with open(file_path(f"marketplace_connector/marketplaces/tests/fixtures/{name}"), encoding="utf-8") as handle:
        return json.load(handle)


@tagged("post_install", "-at_install")
class TestUnknownProducts(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.responsible = new_test_user(
            env, login="mkt_responsible", groups="base.group_user,marketplace_connector.group_marketplace_user")
        cls.imotriz = env["marketplace.account"].create({
            "name": "iMotriz test", "marketplace": "imotriz", "api_url": "http://127.0.0.1:9/imotriz",
            "api_token": "imotriz-token", "imotriz_country": "CO", "pricelist_id": cls.pricelist.id,
            "user_id": cls.responsible.id})
        pkr = env.ref("base.PKR")
        pkr.active = True
        cls.xstak = env["marketplace.account"].create({
            "name": "XStak test", "marketplace": "xstak", "api_url": "http://127.0.0.1:9/xstak",
            "xstak_client_id": "client", "xstak_client_secret": "secret", "xstak_company_code": "ACME",
            "pricelist_id": env["product.pricelist"].create({"name": "PKR", "currency_id": pkr.id}).id})
        cls.imotriz_orders = fixture("imotriz_new_orders.json")["data"]
        cls.xstak_orders = fixture("xstak_orders_page.json")["orders"]
        cls.Wizard = env["marketplace.product.fix.wizard"]

    # -- helpers ------------------------------------------------------------------------------

    def queue_imotriz(self, records=None):
        return self.Job.create([{
            "name": f"iMotriz order {record['order']['reference']}", "account_id": self.imotriz.id,
            "job_type": "import_order", "dedupe_key": f"order:{record['order']['id']}", "payload": record,
        } for record in records or self.imotriz_orders])

    def queue_xstak(self):
        return self.Job.create([{
            "name": f"XStak order {order['order_number']}", "account_id": self.xstak.id,
            "job_type": "import_order", "dedupe_key": f"order:{order['id']}", "payload": order,
        } for order in self.xstak_orders])

    def make_products(self, skus, **values):
        return self.env["product.product"].create([
            {"name": f"Part {sku}", "default_code": sku, "type": "consu", **values} for sku in skus])

    def listings_of(self, account):
        return self.env["marketplace.listing"].search([("account_id", "=", account.id)])

    def activities_of(self, account):
        return account.activity_ids.filtered(lambda activity: activity.summary == "Orders wait for products")

    # -- Internal Reference ---------------------------------------------------------------------

    def test_imotriz_and_xstak_orders_find_their_products_by_internal_reference(self):
        parts = self.make_products(IMOTRIZ_SKUS)
        clothes = self.make_products(XSTAK_SKUS)
        jobs = self.queue_imotriz() | self.queue_xstak()
        self.run_jobs(self.imotriz)
        self.run_jobs(self.xstak)

        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("last_error"))
        self.assertEqual(len(self.orders_of(self.imotriz)), 2)
        self.assertEqual(len(self.orders_of(self.xstak)), 2)
        self.assertEqual(self.orders_of(self.imotriz).order_line.product_id - self.shipping_product, parts)
        self.assertEqual(self.orders_of(self.xstak).order_line.product_id - self.shipping_product, clothes)
        self.assertFalse(self.listings_of(self.imotriz) | self.listings_of(self.xstak), "no listing needed")

    def test_a_reference_of_another_company_or_of_two_products_matches_nothing(self):
        other = self.env["res.company"].create({"name": "Other company"})
        self.make_products(["FIL-ACE-1234"], company_id=other.id)
        self.make_products(["PAS-FRE-2210", "PAS-FRE-2210"])
        job = self.queue_imotriz(self.imotriz_orders[:1])
        self.run_jobs(self.imotriz)
        self.assertEqual(job.state, "waiting_products")
        self.assertEqual(sorted(line["seller_sku"] for line in job.missing_products), ["FIL-ACE-1234", "PAS-FRE-2210"])

    # -- waiting for a person ------------------------------------------------------------------

    def test_orders_without_products_wait_without_burning_attempts(self):
        jobs = self.queue_imotriz()
        self.run_jobs(self.imotriz)
        self.assertEqual(set(jobs.mapped("state")), {"waiting_products"})
        self.assertEqual(set(jobs.mapped("attempts")), {0})
        first = jobs.filtered(lambda job: job.payload["order"]["id"] == 104512)
        self.assertIn("FIL-ACE-1234", first.last_error)
        self.assertIn("PAS-FRE-2210", first.last_error)
        self.assertEqual(first.missing_products[0], {
            "name": "Filtro de aceite Toyota Hilux", "ean": "", "seller_sku": "FIL-ACE-1234", "marketplace_sku": "",
            "price": 38900.0, "quantity": 2.0})
        self.assertFalse(self.orders_of(self.imotriz))

        self.assertEqual(self.run_jobs(self.imotriz), 0, "not due: they wait for a person")
        self.assertEqual(set(jobs.mapped("attempts")), {0})
        self.assertEqual(self.imotriz.job_problem_count, 2)

    def test_create_products_from_a_batch_of_jobs_imports_their_orders_at_once(self):
        jobs = self.queue_imotriz() | self.queue_xstak()
        self.run_jobs(self.imotriz)
        self.run_jobs(self.xstak)
        self.assertEqual(set(jobs.mapped("state")), {"waiting_products"})

        action = jobs.action_fix_products()
        self.assertEqual(action["res_model"], "marketplace.product.fix.wizard")
        wizard = self.Wizard.with_context(**action["context"]).create({})
        self.assertEqual(wizard.job_ids, jobs)
        self.assertEqual(sorted(wizard.line_ids.mapped("seller_sku")), sorted(IMOTRIZ_SKUS + XSTAK_SKUS))
        self.assertTrue(wizard.can_create_products)
        result = wizard.action_create_products()

        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("last_error"))
        self.assertEqual(len(self.orders_of(self.imotriz)), 2)
        self.assertEqual(len(self.orders_of(self.xstak)), 2)
        filter_ = self.env["product.product"].search([("default_code", "=", "FIL-ACE-1234")])
        self.assertRecordValues(filter_, [{"name": "Filtro de aceite Toyota Hilux", "list_price": 38900.0,
                                           "is_storable": True}])
        tea = self.env["product.product"].search([("default_code", "=", "CHAI-500G")])
        self.assertRecordValues(tea, [{"name": "Tapal Danedar Tea 500 g", "list_price": 1150.5}])
        self.assertEqual(self.orders_of(self.xstak).order_line.filtered(
            lambda line: line.product_id == tea).price_unit, 1150.5)
        self.assertEqual(sorted(self.listings_of(self.imotriz).mapped("seller_sku")), sorted(IMOTRIZ_SKUS))
        self.assertFalse(jobs.filtered("missing_products"))

    def test_link_to_existing_product_creates_listings_and_imports(self):
        own = self.make_products(["OWN-1", "OWN-2", "OWN-3"])
        jobs = self.queue_xstak()
        self.run_jobs(self.xstak)
        wizard = self.Wizard.create({"job_ids": [Command.set(jobs.ids)]})
        with self.assertRaisesRegex(UserError, "Choose an existing product"):
            wizard.action_link_products()
        for line, product in zip(wizard.line_ids.sorted("seller_sku"), own, strict=True):
            line.product_id = product
        wizard.action_link_products()

        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("last_error"))
        listings = self.listings_of(self.xstak)
        self.assertEqual(sorted(listings.mapped("seller_sku")), sorted(XSTAK_SKUS))
        self.assertEqual(listings.product_id, own)
        self.assertEqual(self.orders_of(self.xstak).order_line.product_id - self.shipping_product, own)
        self.assertEqual(len(self.env["product.product"].search([("default_code", "in", XSTAK_SKUS)])), 0,
                         "no product was created")

    def test_linking_only_some_lines_leaves_the_rest_waiting(self):
        jobs = self.queue_imotriz()
        self.run_jobs(self.imotriz)
        wizard = self.Wizard.create({"job_ids": [Command.set(jobs.ids)]})
        battery = self.make_products(["BATTERY"])
        wizard.line_ids.filtered(lambda line: line.seller_sku == "BAT-12V-4500").product_id = battery
        result = wizard.action_link_products()
        self.assertEqual(result["params"]["type"], "warning")
        done = jobs.filtered(lambda job: job.state == "done")
        self.assertEqual(done.payload["order"]["id"], 104519)
        self.assertEqual((jobs - done).state, "waiting_products")

    def test_a_product_saved_elsewhere_runs_the_waiting_orders_again(self):
        job = self.queue_imotriz(self.imotriz_orders[1:])
        self.run_jobs(self.imotriz)
        self.assertEqual(job.state, "waiting_products")
        self.charger.default_code = "BAT-12V-4500"
        self.assertEqual(job.state, "pending", "due again at once")
        self.run_jobs(self.imotriz)
        self.assertEqual(job.state, "done")
        self.assertEqual(self.orders_of(self.imotriz).order_line.product_id, self.charger)

    def test_one_activity_per_account_and_day(self):
        first = self.queue_imotriz(self.imotriz_orders[:1])
        self.run_jobs(self.imotriz)
        [activity] = self.activities_of(self.imotriz)
        self.assertEqual(activity.user_id, self.responsible)
        self.assertIn(first.name, str(activity.note))

        second = self.queue_imotriz(self.imotriz_orders[1:])
        self.run_jobs(self.imotriz)
        self.speaker.barcode = "7709999999990"  # an unrelated product change runs them again: still unknown
        self.run_jobs(self.imotriz)
        [activity] = self.activities_of(self.imotriz)
        self.assertIn(second.name, str(activity.note))
        self.assertEqual(str(activity.note).count(first.name), 1, "each order once")

        # The next day, orders still arriving without products make a new activity.
        self.env.cr.execute("UPDATE mail_activity SET create_date = create_date - interval '1 day' WHERE id = %s",
                            [activity.id])
        activity.invalidate_recordset(["create_date"])
        self.queue_imotriz([dict(self.imotriz_orders[0], order=dict(
            self.imotriz_orders[0]["order"], id=104600, reference="IMT-104600"))])
        self.run_jobs(self.imotriz)
        self.assertEqual(len(self.activities_of(self.imotriz)), 2)
        self.assertFalse(self.activities_of(self.xstak))

    # -- who may fix products -------------------------------------------------------------------

    def test_a_marketplace_user_links_products_but_may_not_create_them(self):
        user = self.responsible
        self.assertFalse(self.env["product.product"].with_user(user).has_access("create"))
        jobs = self.queue_imotriz()
        self.run_jobs(self.imotriz)
        action = jobs.with_user(user).action_fix_products()
        wizard = self.Wizard.with_user(user).with_context(**action["context"]).create({})
        self.assertFalse(wizard.can_create_products)
        with self.assertRaisesRegex(AccessError, "not allowed to create products"):
            wizard.action_create_products()
        self.assertFalse(self.env["product.product"].search([("default_code", "in", IMOTRIZ_SKUS)]))

        parts = self.make_products(["P1", "P2", "P3"])
        for line, product in zip(wizard.line_ids.sorted("seller_sku"), parts, strict=True):
            line.product_id = product
        wizard.action_link_products()
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("last_error"))

    def test_fix_products_needs_a_job_waiting_for_products(self):
        job = self.queue_imotriz(self.imotriz_orders[:1])
        with self.assertRaisesRegex(UserError, "None of these jobs waits for products"):
            job.action_fix_products()

    def test_a_listing_that_names_another_sku_is_not_overwritten(self):
        job = self.queue_imotriz(self.imotriz_orders[1:])
        self.run_jobs(self.imotriz)
        self.env["marketplace.listing"].create({
            "account_id": self.imotriz.id, "product_id": self.charger.id, "seller_sku": "OTHER-SKU"})
        self.run_jobs(self.imotriz)  # the new listing made it due; still unknown
        self.assertEqual(job.state, "waiting_products")
        wizard = self.Wizard.create({"job_ids": [Command.set(job.ids)]})
        wizard.line_ids.product_id = self.charger
        with self.assertRaisesRegex(UserError, "already listed"):
            wizard.action_link_products()
