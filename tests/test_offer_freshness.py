"""Stock and price out within a minute: a change of a published listing schedules one push within the
window (whatever the number of changes), the push sends them together, and the stock operation itself
calls no marketplace."""

import json
from contextlib import closing
from datetime import timedelta

import psycopg2
import responses

from odoo import Command, fields, sql_db
from odoo.tests import tagged

from ..models.marketplace_listing import OFFER_PUSH_WINDOW, PUSH_CRON, PUSH_RETRY_DELAY
from .common import MarketplaceCase, Sandbox, XmartCase
from .test_exito_offers import OFFERS_URL, offers_answer


class FreshnessMixin:

    def setUp(self):
        super().setUp()
        self.push_cron = self.env.ref(PUSH_CRON)
        self.env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [self.push_cron.id])

    def triggers(self):
        self.env["ir.cron.trigger"].flush_model()
        self.env.invalidate_all()
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.push_cron.id)])

    def commit_hooks(self):
        """What a commit runs before ``COMMIT``: the ORM's flush, then the precommit hooks."""
        self.env.cr.flush()

    def assert_one_trigger_within_the_window(self, before):
        trigger = self.triggers()
        self.assertEqual(len(trigger), 1)
        self.assertGreater(trigger.call_at, before)
        self.assertLessEqual(trigger.call_at, fields.Datetime.now() + timedelta(seconds=OFFER_PUSH_WINDOW))
        return trigger


@tagged("post_install", "-at_install")
class TestExitoOfferFreshness(FreshnessMixin, MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.account.warehouse_id.lot_stock_id
        for product, quantity in zip(cls.products, (10, 5, 8, 7), strict=True):
            cls.env["stock.quant"]._update_available_quantity(product, cls.stock, quantity)
        cls.listings = cls.env["marketplace.listing"].create([
            {"account_id": cls.account.id, "product_id": product.id, "state": "published"}
            for product in cls.products])

    def setUp(self):
        super().setUp()
        self.http.add_callback(responses.PATCH, OFFERS_URL, callback=offers_answer())
        # Every offer sent once: nothing is dirty, nothing is waiting.
        self.env["marketplace.account"]._cron_push_offers()
        self.run_jobs()
        self.commit_hooks()
        self.env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [self.push_cron.id])
        self.assertFalse(any(self.listings.mapped("offer_dirty")))
        self.http.calls.reset()

    def offer_bodies(self):
        return [json.loads(call.request.body) for call in self.http.calls if "OfferExternal" in call.request.url]

    def test_a_stock_change_schedules_one_push_within_the_window_and_calls_nothing(self):
        before = fields.Datetime.now()
        self.env["stock.quant"].with_context(inventory_mode=True).create({
            "product_id": self.headphones.id, "location_id": self.stock.id, "inventory_quantity": 12,
        }).action_apply_inventory()
        self.commit_hooks()
        self.assert_one_trigger_within_the_window(before)
        self.assertEqual(self.listings.filtered("offer_dirty").product_id, self.headphones)
        self.assertFalse(self.http.calls, "the stock operation calls no marketplace")
        self.assertFalse(self.Job.search([("account_id", "=", self.account.id), ("state", "=", "pending")]),
                         "nothing is queued either: the push does it")

    def test_changes_within_the_window_make_one_trigger_and_one_request(self):
        before = fields.Datetime.now()
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(self.headphones, self.stock, 3)  # a move
        self.commit_hooks()
        Quant._update_reserved_quantity(self.smartwatch, self.stock, 4)  # a reservation
        self.commit_hooks()
        self.charger.list_price = 52900  # a price
        self.commit_hooks()
        Quant._update_available_quantity(self.headphones, self.stock, 1)  # the same listing again
        self.commit_hooks()
        self.assert_one_trigger_within_the_window(before)
        self.assertFalse(self.http.calls)

        self.env["marketplace.account"]._cron_push_offers()  # what the trigger runs
        self.run_jobs()
        [body] = self.offer_bodies()
        rows = {row["EAN"]: (row["Stock"], row["Price"]) for row in body["ListOffers"]}
        self.assertEqual(rows, {"7701234500016": ("9", "129900.00"), "7752285029933": ("6", "189900.00"),
                                "7701234500030": ("7", "52900.00")})
        self.assertFalse(any(self.listings.mapped("offer_dirty")))

    def test_a_due_trigger_opens_a_new_window(self):
        """A trigger already due may belong to a run that read the listings before this change
        committed: the change gets a trigger of its own."""
        self.env["stock.quant"]._update_available_quantity(self.headphones, self.stock, 3)
        self.commit_hooks()
        self.triggers().call_at = fields.Datetime.now() - timedelta(seconds=1)
        self.env["stock.quant"]._update_available_quantity(self.speaker, self.stock, 3)
        self.commit_hooks()
        self.assertEqual(len(self.triggers()), 2)

    def test_a_change_of_a_listing_already_waiting_writes_nothing(self):
        self.env["stock.quant"]._update_available_quantity(self.headphones, self.stock, 3)
        self.commit_hooks()
        self.triggers().unlink()
        self.env["stock.quant"]._update_available_quantity(self.headphones, self.stock, 3)
        self.commit_hooks()
        self.assertFalse(self.triggers(), "already dirty: the push that clears it is scheduled")

    def test_a_push_this_transaction_cannot_see_makes_it_mark_again(self):
        """A push that read after this transaction began may have cleared a mark this transaction's
        snapshot still shows: the listing is marked again (and a conflict with that push's write would
        make this transaction start again), so the change is not lost."""
        self.env["stock.quant"]._update_available_quantity(self.headphones, self.stock, 3)
        self.commit_hooks()
        self.triggers().unlink()
        # Another transaction's push, begun after this one's snapshot.
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute("SELECT setval('marketplace_offer_push_xid', txid_current())")
        self.env["stock.quant"]._update_available_quantity(self.headphones, self.stock, 3)
        self.commit_hooks()
        self.assertEqual(len(self.triggers()), 1, "marked again, so the push is scheduled again")

    def test_a_push_that_meets_a_concurrent_change_runs_again_shortly(self):
        class ConcurrentUpdate(psycopg2.OperationalError):
            pgcode = "40001"  # serialization_failure

        def read():
            self.env["marketplace.job"].sudo().create({
                "name": "Lost", "account_id": self.account.id, "job_type": "push_offers", "payload": {}})
            raise ConcurrentUpdate()

        before = fields.Datetime.now()
        self.assertIsNone(self.env["marketplace.listing"]._run_offer_push(read))
        self.assertFalse(self.Job.search([("name", "=", "Lost")]), "nothing of the failed read is kept")
        trigger = self.triggers()
        self.assertEqual(len(trigger), 1)
        self.assertLessEqual(trigger.call_at, before + timedelta(seconds=PUSH_RETRY_DELAY + 1))

    def test_a_pricelist_rule_schedules_the_push(self):
        before = fields.Datetime.now()
        self.env["product.pricelist.item"].create({
            "pricelist_id": self.pricelist.id, "applied_on": "0_product_variant", "product_id": self.speaker.id,
            "compute_price": "fixed", "fixed_price": 199900})
        self.assert_one_trigger_within_the_window(before)


@tagged("post_install", "-at_install")
class TestXmartListFreshness(FreshnessMixin, XmartCase):
    """X-Mart lists against the sandbox: a changed listing marks its list to send within the window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox("--xmart-client-id", "fresh-client", "--xmart-client-secret", "fresh-secret")
        cls.addClassCleanup(cls.sandbox.stop)
        cls.account.write({"api_url": cls.sandbox.url + "/xmart", "xmart_client_id": "fresh-client",
                           "xmart_client_secret": "fresh-secret"})

    def setUp(self):
        super().setUp()
        self.sandbox.post("/_sandbox/reset", {"seed": 4, "xmart": {"sync_delay_reads": 1}})
        self.account.action_xmart_sync_stores()
        store = self.account.xmart_store_ids.filtered(lambda store: store.code == "QUI-01")
        store.warehouse_id = self.north
        channel = self.env["marketplace.xmart.channel"].create({
            "account_id": self.account.id, "xmart_id": "CH-0001", "name": "App", "brand_id": self.brand.id})
        self.menu = self.env["marketplace.xmart.list"].create({
            "name": "Menú Quito", "channel_id": channel.id, "store_id": store.id,
            "listing_ids": [Command.set(self.listings.ids)]})
        self.env["marketplace.account"]._cron_push_offers()  # the new listings are dirty: the list goes
        self.run_jobs()
        self.assertEqual(len(self.puts()), 1)
        self.commit_hooks()
        self.env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [self.push_cron.id])
        self.sandbox.session.delete(self.sandbox.url + "/_sandbox/requests", timeout=10)

    def puts(self):
        return [entry for entry in self.sandbox.get("/_sandbox/requests")
                if entry["method"] == "PUT" and entry["path"].endswith("/api/v3/products")]

    def test_stock_changes_within_the_window_send_the_list_once(self):
        before = fields.Datetime.now()
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(self.fries, self.north.lot_stock_id, -5)
        self.commit_hooks()
        Quant._update_available_quantity(self.soda, self.north.lot_stock_id, 7)
        self.commit_hooks()
        self.assert_one_trigger_within_the_window(before)
        self.assertFalse(self.puts(), "the stock operation calls no marketplace")

        self.env["marketplace.account"]._cron_push_offers()
        self.run_jobs()
        [put] = self.puts()
        stock = {product["productId"]: product["stock"] for product in put["body"]["list"]["products"]}
        self.assertEqual(stock, {"COMBO-FAM": 50, "PAPAS-M": 45, "GASEOSA-1L": 57})
        self.assertFalse(any(self.listings.mapped("offer_dirty")))

        # Another warehouse's stock marks the listing, but the list's content is unchanged: not sent.
        Quant._update_available_quantity(self.fries, self.south.lot_stock_id, 3)
        self.commit_hooks()
        self.env["marketplace.account"]._cron_push_offers()
        self.run_jobs()
        self.assertEqual(len(self.puts()), 1)
