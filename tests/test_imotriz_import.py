"""iMotriz against the bundled sandbox, over real HTTP: a destructive "new orders" read, made safe
by storing every answer at once and by reconciling the ids of the last days."""

import json

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import file_open

from .common import MarketplaceCase, Sandbox

IMOTRIZ_TOKEN = "e2e-imotriz-token"
CATALOG = ["FIL-ACE-1234", "FIL-AIR-2381", "PAS-FRE-2210", "DIS-FRE-3305", "BAT-12V-4500", "BUJ-IRI-0412",
           "AMO-DEL-7781", "COR-REP-5520", "KIT-EMB-6610", "BOM-AGU-1906", "ACE-MOT-5W30", "PLU-LIM-0022",
           "RAD-ALU-4410", "SEN-OXI-2033"]


@tagged("post_install", "-at_install")
class TestImotrizImport(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox("--imotriz-token", IMOTRIZ_TOKEN)
        cls.addClassCleanup(cls.sandbox.stop)
        cls.imotriz = cls.env["marketplace.account"].create({
            "name": "iMotriz test", "marketplace": "imotriz", "api_url": cls.sandbox.url + "/imotriz",
            "api_token": IMOTRIZ_TOKEN, "imotriz_country": "CO", "pricelist_id": cls.pricelist.id})
        parts = cls.env["product.product"].create([
            {"name": f"Repuesto {sku}", "default_code": sku, "type": "consu", "taxes_id": [Command.set(cls.iva.ids)]}
            for sku in CATALOG])
        cls.env["marketplace.listing"].create([
            {"account_id": cls.imotriz.id, "product_id": part.id} for part in parts])

    def setUp(self):
        super().setUp()
        self.http.stop()  # real HTTP here: no mocks
        self.sandbox.post("/_sandbox/faults", {"error_rate": 0, "fail_next": [], "latency_ms": 0})
        self.sandbox.session.delete(self.sandbox.url + "/_sandbox/requests", timeout=10)

    def reset(self, orders):
        self.sandbox.post("/_sandbox/reset", {"seed": 5, "imotriz": {"orders": orders, "token": IMOTRIZ_TOKEN}})
        return {str(record["order"]["id"]): record for record in self.sandbox.get("/_sandbox/imotriz/orders")}

    def new_orders_calls(self):
        return [entry for entry in self.sandbox.get("/_sandbox/requests")
                if entry["path"].endswith("/newOrders")]

    def scheduled_import(self):
        """What the scheduler does: queue the reads (new orders and the reconciliation), run jobs."""
        self.env["marketplace.account"]._cron_import_orders()
        for _round in range(5):
            self.run_jobs(self.imotriz)
            if not self.Job.search([("account_id", "=", self.imotriz.id), ("state", "in", ("pending",))]):
                break

    def assert_imported_once(self, remote):
        orders = self.orders_of(self.imotriz)
        self.assertEqual(sorted(orders.mapped("marketplace_order_ref")), sorted(remote))
        for order in orders:
            record = remote[order.marketplace_order_ref]
            self.assertEqual(order.amount_total, record["order"]["total"])
            self.assertEqual(order.partner_id.name, record["buyer"]["name"])
            self.assertEqual(order.state, "sale")

    def test_95_new_orders_arrive_over_four_reads_exactly_once(self):
        remote = self.reset(95)
        self.imotriz.action_import_orders()
        self.assertEqual([call["status"] for call in self.new_orders_calls()], [200] * 4)
        self.assert_imported_once(remote)
        self.imotriz.action_import_orders()
        self.scheduled_import()
        self.assert_imported_once(remote)
        self.assertEqual(len(self.jobs_of("import_order", self.imotriz)), 95)

    def test_orders_lost_with_a_dropped_answer_come_back_by_reconciliation(self):
        remote = self.reset(95)
        # The second answer is lost after iMotriz marked its 30 orders as synced.
        self.sandbox.post("/_sandbox/faults", {"fail_next": ["ok", "answer_then_drop"]})
        self.imotriz.action_import_orders()
        read = self.jobs_of("fetch_orders", self.imotriz)
        self.assertEqual(read.state, "failed", "the client never got the second answer")
        synced = [record for record in self.sandbox.get("/_sandbox/imotriz/orders") if record["synced"]]
        self.assertEqual(len(synced), 60, "yet iMotriz marked 30 + 30 orders as synced")
        self.assertEqual(len(self.orders_of(self.imotriz)), 30)

        read.next_attempt_date = "2000-01-01"
        self.scheduled_import()
        self.assert_imported_once(remote)
        self.assertEqual(len(self.jobs_of("import_order", self.imotriz)), 95)
        self.scheduled_import()
        self.assertEqual(len(self.jobs_of("import_order", self.imotriz)), 95, "reconciling again adds nothing")

    def test_sync_date_not_configured_shows_what_to_set_on_the_account(self):
        self.reset(3)
        self.sandbox.post("/_sandbox/imotriz/sync-date", {"configured": False})
        self.imotriz.action_import_orders()
        self.assertEqual(self.imotriz.state, "error")
        self.assertIn("Sincronizar pedidos desde:", self.imotriz.last_error)
        self.assertIn("Sincronizar pedidos desde:", self.imotriz.activity_ids.note)
        self.assertFalse(self.orders_of(self.imotriz))

    def test_one_order_is_reimported_by_its_id(self):
        remote = self.reset(3)
        self.imotriz.action_import_orders()
        order = self.orders_of(self.imotriz)[:1]
        ref = order.marketplace_order_ref
        with self.assertRaisesRegex(UserError, "already imported"):
            self.imotriz.action_reimport_order(ref)
        # Lost on the Odoo side (e.g. cancelled and deleted by mistake): read again by id.
        order._action_cancel()
        order.unlink()
        wizard = self.env["marketplace.reimport.wizard"].create({"account_id": self.imotriz.id, "order_ref": ref})
        action = wizard.action_reimport()
        again = self.orders_of(self.imotriz).filtered(lambda sale: sale.marketplace_order_ref == ref)
        self.assertEqual(again.amount_total, remote[ref]["order"]["total"])
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", again.id), "the user sees it")
        with self.assertRaisesRegex(UserError, "999999"):
            self.imotriz.action_reimport_order("999999")


@tagged("post_install", "-at_install")
class TestImotrizReceiveOnce(MarketplaceCase):
    """iMotriz's ``newOrders`` is answered once (iMotriz marks what it returns as synced): whatever
    else fails in the same run, every order of the answer is imported, exactly once."""

    URL = "http://127.0.0.1:9/imotriz"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.imotriz = cls.env["marketplace.account"].create({
            "name": "iMotriz mocked", "marketplace": "imotriz", "api_url": cls.URL,
            "api_token": IMOTRIZ_TOKEN, "imotriz_country": "CO", "pricelist_id": cls.pricelist.id})
        with file_open("marketplace_connector/marketplaces/tests/fixtures/imotriz_new_orders.json") as fixture:
            cls.answer = json.load(fixture)
        parts = cls.env["product.product"].create([
            {"name": product["name"], "default_code": product["code"], "type": "consu",
             "taxes_id": [Command.set(cls.iva.ids)]}
            for record in cls.answer["data"] for product in record["products"]])
        cls.env["marketplace.listing"].create([{"account_id": cls.imotriz.id, "product_id": part.id} for part in parts])
        cls.ids = [str(record["order"]["id"]) for record in cls.answer["data"]]

    def mock_imotriz(self, recent_ids, by_id):
        """``newOrders`` gives the fixture's orders (none pending) once, then nothing (iMotriz
        marked them synced).

        :param recent_ids: the 8-day id list, or an HTTP status for that call
        :param by_id: ``{order id: HTTP status}`` of the by-id reads
        """
        empty = {"data": [], "metadata": {"total_transactions_found": 0, "returned_transactions": 0,
                                          "pending_transactions": 0}}
        new_orders = self.URL + "/api/cart/transaction/newOrders"
        self.http.get(new_orders, json=self.answer)
        self.http.get(new_orders, json=empty)
        recent = self.URL + "/api/cart/transaction/lastOrdersIds"
        if isinstance(recent_ids, int):
            self.http.get(recent, status=recent_ids, json={"message": "Internal error"})
        else:
            self.http.get(recent, json={"data": recent_ids})
        for order_id, status in by_id.items():
            self.http.get(f"{self.URL}/api/cart/transaction/order/{order_id}", status=status,
                          json={"message": "Pedido no encontrado" if status == 404 else "Internal error"})

    def import_scheduled(self):
        """The scheduled import: both reads (new orders, reconciliation) queued, then run in one
        runner batch, twice (as the next scheduled runs would)."""
        self.env["marketplace.account"]._cron_import_orders()
        reads = self.jobs_of("fetch_orders", self.imotriz)
        self.assertEqual(sorted(read.payload["purpose"] for read in reads), ["new", "reconcile"])
        for _round in range(2):
            self.Job._run_due_jobs(account_ids=self.imotriz.ids)

    def calls(self, path):
        return [call for call in self.http.calls if call.request.url.endswith(path)]

    def assert_every_order_imported_once(self):
        orders = self.orders_of(self.imotriz)
        self.assertEqual(sorted(orders.mapped("marketplace_order_ref")), sorted(self.ids))
        self.assertEqual(sorted(orders.mapped("amount_total")),
                         sorted(record["order"]["total"] for record in self.answer["data"]))
        self.assertEqual(len(self.jobs_of("import_order", self.imotriz)), len(self.ids))
        self.assertEqual(len(self.calls("/newOrders")), 1, "read once: nothing was pending")

    def test_an_id_the_reconciliation_meets_404_for_loses_nothing(self):
        self.mock_imotriz(recent_ids=[*self.ids, "777"], by_id={"777": 404})
        self.import_scheduled()
        self.assert_every_order_imported_once()
        missing = self.jobs_of("retrieve_order", self.imotriz)
        self.assertEqual(missing.mapped("payload"), [{"order_id": "777"}])
        self.assertEqual(missing.state, "dead", "iMotriz does not give it: asking again would not help")
        self.assertEqual(missing.attempts, 1)
        self.assertIn("777", missing.last_error)
        self.assertEqual(len(self.calls("/order/777")), 1)
        self.assertIn("777", self.imotriz.activity_ids.note, "the responsible hears of it")

    def test_a_reconciliation_failing_on_500_loses_nothing(self):
        self.mock_imotriz(recent_ids=500, by_id={})
        self.import_scheduled()
        self.assert_every_order_imported_once()
        reconcile = self.jobs_of("fetch_orders", self.imotriz).filtered(
            lambda read: read.payload["purpose"] == "reconcile")
        self.assertEqual(reconcile.state, "failed", "retried later")
        self.assertIn("500", reconcile.last_error)

    def test_a_retrieval_failing_on_500_loses_nothing(self):
        self.mock_imotriz(recent_ids=[*self.ids, "778"], by_id={"778": 500})
        self.import_scheduled()
        self.assert_every_order_imported_once()
        missing = self.jobs_of("retrieve_order", self.imotriz)
        self.assertEqual((missing.state, missing.attempts), ("failed", 1), "a server error is retried later")
