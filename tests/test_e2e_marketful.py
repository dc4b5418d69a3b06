"""End to end over real HTTP: the module and the sandbox playing Marketful, including the
webhooks the sandbox sends back into Odoo."""

import requests

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import MarketfulCase, Sandbox


@tagged("post_install", "-at_install")
class TestMarketfulEndToEnd(HttpCase, MarketfulCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox("--marketful-token", "e2e-token", "--marketful-user", "e2e-user")
        cls.addClassCleanup(cls.sandbox.stop)
        cls.account.write({"api_url": cls.sandbox.url + "/marketful", "api_token": "e2e-token",
                           "marketful_user_id": "e2e-user"})

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.sandbox.post("/_sandbox/reset", {"seed": 5, "marketful": {}})
        self.sandbox.post("/_sandbox/faults", {"error_rate": 0, "fail_next": [], "latency_ms": 0})
        self.sandbox.session.delete(self.sandbox.url + "/_sandbox/requests", timeout=10)

    def calls(self, method, path):
        return [entry for entry in self.sandbox.get("/_sandbox/requests")
                if entry["method"] == method and entry["path"].endswith(path)]

    def remote_orders(self):
        return self.sandbox.get("/_sandbox/marketful/orders")

    def run_until_done(self, job_type, rounds=5):
        for _round in range(rounds):
            self.run_jobs()
            waiting = self.jobs_of(job_type).filtered(lambda job: job.state in ("pending", "failed"))
            if not waiting:
                return
            self.make_due(waiting)
        self.fail(f"{job_type} jobs did not finish: {self.jobs_of(job_type).mapped('last_error')}")

    # -- fulfillment ----------------------------------------------------------------------

    def test_confirmed_order_reaches_marketful_once_with_every_field(self):
        order = self.make_order()
        self.run_jobs()
        [remote] = self.remote_orders()
        expected = {
            "num_orden": order.name, "orden_id": order.name, "customer": "María López Hernández",
            "carrier_name": "Estafeta", "telefono": "+52 55 1234 5678", "calle": "Av. Insurgentes Sur",
            "no_exterior": "1602", "no_interior": "4", "colonia": "Crédito Constructor", "ciudad": "Ciudad de México",
            "Estado": "MX-DF", "codigo_postal": "03940", "canal": "Odoo", "tipo_envio": "económico",
            "asegurado": False, "items": [{"sku": "PRO20PRO", "cantidad": 2}, {"sku": "PLR-12", "cantidad": 1}],
        }
        self.assertEqual({key: remote[key] for key in expected}, expected)
        self.assertEqual(len(self.calls("POST", "/shopi_orders/multicanal_api")), 1)
        self.assertRecordValues(order, [{"marketful_state": "sent", "marketful_order_ref": str(remote["order_id"]),
                                         "marketful_status": "pendiente"}])

        # Cancelled and confirmed again: Marketful already has it (and has no cancellation call).
        order._action_cancel()
        self.assertEqual(order.activity_ids.summary, "Cancel the order with Marketful")
        order.action_draft()
        order.action_confirm()
        self.run_jobs()
        self.assertEqual(len(self.remote_orders()), 1)

    def test_answer_lost_after_marketful_stored_the_order_is_not_sent_twice(self):
        order = self.make_order()
        self.sandbox.post("/_sandbox/faults", {"fail_next": ["answer_then_drop"]})
        self.run_jobs()
        job = self.jobs_of("push_fulfillment")
        self.assertEqual(job.state, "failed")
        self.assertTrue(job.awaiting_answer_since)
        self.assertEqual(len(self.remote_orders()), 1, "Marketful stored it; Odoo never heard")

        self.make_due(job)
        self.run_jobs()
        self.assertEqual(job.state, "done")
        [remote] = self.remote_orders()
        self.assertEqual(order.marketful_order_ref, str(remote["order_id"]))
        self.assertEqual(len(self.calls("POST", "/shopi_orders/multicanal_api")), 1, "no second POST")
        [lookup] = self.calls("GET", "/shopi_orders/get_orders")
        self.assertEqual(lookup["query"], {"canal": "Odoo", "orden": order.name})

    # -- webhooks -------------------------------------------------------------------------

    def register_webhooks(self):
        self.account.action_marketful_register_webhooks()
        self.assertEqual(sorted(self.account.marketful_webhook_ids.mapped("topic")),
                         ["order/created", "order/updated", "shipment_event/created"])
        self.assertTrue(all(self.account.marketful_webhook_ids.mapped("is_odoo")))

    def test_webhooks_put_tracking_on_the_delivery_and_complete_it(self):
        self.account.marketful_validate_delivered = True
        self.register_webhooks()
        order = self.make_order()
        self.stock_in_warehouse(self.protein_2kg, 2)
        self.stock_in_warehouse(self.pens, 1)
        self.run_jobs()
        remote_id = order.marketful_order_ref
        shipped = self.sandbox.post(f"/_sandbox/marketful/orders/{remote_id}/ship",
                                    {"tracking_number": "EST-123456", "carrier_name": "Estafeta"})
        self.assertEqual({hook["status"] for hook in shipped["webhooks"]}, {200})
        self.run_until_done("webhook")
        picking = order.picking_ids
        self.assertRecordValues(picking, [{"carrier_tracking_ref": "EST-123456", "carrier_id": self.estafeta.id}])
        self.assertEqual(order.marketful_state, "shipped")
        self.assertIn("EST-123456", picking.message_ids[0].body)

        # A replayed delivery is recognised: no new job, nothing changes.
        log = self.sandbox.get("/_sandbox/marketful/webhooks/log")
        event_delivery = next(entry for entry in log if entry["tipo"] == "shipment_event/created")
        jobs, messages = self.jobs_of("webhook"), len(picking.message_ids)
        replay = requests.post(event_delivery["url"], json=event_delivery["payload"], timeout=10)
        self.assertEqual(replay.status_code, 200)
        self.run_jobs()
        self.assertEqual(self.jobs_of("webhook"), jobs)
        self.assertEqual(len(picking.message_ids), messages)

        self.sandbox.post(f"/_sandbox/marketful/orders/{remote_id}/deliver", {})
        self.run_until_done("webhook")
        self.assertEqual(order.marketful_state, "delivered")
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_ids.mapped("quantity"), [2, 1])

    def test_webhooks_with_a_wrong_token_are_refused_and_store_nothing(self):
        url = self.account.marketful_webhook_shipment_url
        body = {"tipo": "shipment_event/created", "webhook_id": 1, "user": "e2e-user",
                "data": {"id": 1, "order_id": 5021, "status": "enviado", "tracking_number": "X"}}
        jobs = self.jobs_of("webhook")
        wrong = url.replace(self.account.callback_token, "A" * len(self.account.callback_token))
        for target in (wrong, url.replace(self.account.callback_token, ""),
                       url.replace(self.account.callback_token, "not-the-token")):
            response = requests.post(target, json=body, timeout=10)
            self.assertIn(response.status_code, (401, 403, 404), target)
        self.assertEqual(requests.post(wrong, json=body, timeout=10).status_code, 403)
        malformed = url.replace(self.account.callback_token, "not-the-token")
        self.assertEqual(requests.post(malformed, json=body, timeout=10).status_code, 404)
        self.assertEqual(requests.post(url, data=b"{not json", timeout=10).status_code, 400)
        self.assertEqual(requests.post(url, json=["a list"], timeout=10).status_code, 400)
        self.assertEqual(requests.post(url, json={"tipo": "shipment_event/created", "data": {}},
                                       timeout=10).status_code, 400, "names no order")
        self.assertEqual(requests.post(url, data=b"x" * (1024 * 1024 + 1), timeout=10).status_code, 413)
        self.assertEqual(requests.post(url, data=b"[" + b" " * (2 * 1024 * 1024) + b"]", timeout=10,
                                       headers={"Content-Type": "application/json"}).status_code, 413)
        self.assertEqual(requests.get(url, timeout=10).status_code, 405)
        self.assertEqual(self.jobs_of("webhook"), jobs)

        self.assertEqual(requests.post(url, json=body, timeout=10).status_code, 200)
        self.assertEqual(len(self.jobs_of("webhook") - jobs), 1)

    def test_registration_moves_an_older_odoo_url_and_refuses_to_take_a_foreign_one(self):
        self.register_webhooks()
        self.account.action_reset_callback_token()
        self.register_webhooks()  # the old URLs were this module's: moved without asking
        self.assertEqual(len(self.sandbox.get("/_sandbox/requests")) > 0, True)
        requests.post(self.sandbox.url + "/marketful/webhooks/eliminar", json={
            "webhook_id": self.account.marketful_webhook_ids[0].webhook_id},
            headers={"Authorization": "e2e-token", "User": "e2e-user"}, timeout=10)
        topic = self.account.marketful_webhook_ids[0].topic
        requests.post(self.sandbox.url + "/marketful/webhooks/crear", json={
            "url": "https://erp.example.com/hooks", "tipo": topic},
            headers={"Authorization": "e2e-token", "User": "e2e-user"}, timeout=10)
        with self.assertRaisesRegex(Exception, "erp.example.com"):
            self.account.action_marketful_register_webhooks()
        self.account.action_marketful_replace_webhooks()
        self.assertTrue(all(self.account.marketful_webhook_ids.mapped("is_odoo")))
        self.account.action_marketful_remove_webhooks()
        self.assertFalse(self.account.marketful_webhook_ids)

    # -- items and stock ------------------------------------------------------------------

    def test_items_batch_and_stock_reconciliation(self):
        new = self.env["product.product"].create([
            {"name": "Termo 1 L", "default_code": "TERMO1000", "barcode": "7501234500103", "list_price": 320,
             "is_storable": True},
            {"name": "Termo 2 L", "default_code": "TERMO2000", "barcode": "75012ABC", "list_price": 420,
             "is_storable": True},
        ])
        listings = self.env["marketplace.listing"].create([
            {"account_id": self.account.id, "product_id": product.id} for product in self.products | new])
        listings.action_publish()
        self.run_until_done("push_products")
        by_sku = {listing.seller_sku: listing for listing in listings}
        catalog = {item["sku"]: item for item in self.sandbox.get("/_sandbox/marketful/items")}
        # The catalog's own items are known by SKU (adopted), the new valid one is registered, the bad EAN refused.
        for sku in ("PRO20PRO", "PRO10PRO", "PLR-12", "TERMO1000"):
            self.assertEqual(by_sku[sku].state, "published", by_sku[sku].last_error)
            self.assertEqual(by_sku[sku].marketplace_product_id, str(catalog[sku]["item_id"]))
        self.assertEqual(catalog["TERMO1000"]["list_price"], 320)
        self.assertEqual(by_sku["TERMO2000"].state, "error")
        self.assertIn("ean", by_sku["TERMO2000"].last_error)
        self.assertNotIn("TERMO2000", catalog)

        # Stock: Marketful has 25 of PRO20PRO (Odoo 10), as many PLR-12 as Odoo, TERMO1000 none (Odoo 3).
        self.sandbox.post("/_sandbox/marketful/items/PRO20PRO/stock", {"available_quantity": 25})
        self.stock_in_warehouse(self.protein_2kg, 10)
        self.stock_in_warehouse(new[0], 3)
        pens = catalog["PLR-12"]["available_quantity"]
        self.stock_in_warehouse(self.pens, pens)
        self.account.action_marketful_compare_stock()
        lines = self.env["marketplace.marketful.stock"].search([("account_id", "=", self.account.id)])
        by_product = {line.product_id: line for line in lines}
        self.assertRecordValues(by_product[self.protein_2kg], [
            {"marketful_qty": 25, "odoo_qty": 10, "difference": 15, "state": "differs"}])
        self.assertRecordValues(by_product[self.pens], [
            {"marketful_qty": pens, "odoo_qty": pens, "difference": 0, "state": "match"}])
        self.assertRecordValues(by_product[new[0]], [
            {"marketful_qty": 0, "odoo_qty": 3, "difference": -3, "state": "differs"}])
        self.assertEqual(self.protein_2kg.with_context(warehouse_id=self.warehouse.id).qty_available, 10,
                         "never applied silently")

        (by_product[self.protein_2kg] | by_product[new[0]]).action_apply()
        quants = self.env["stock.quant"].search([("location_id", "=", self.warehouse.lot_stock_id.id),
                                                 ("product_id", "in", (self.protein_2kg | new[0]).ids)])
        self.assertEqual({quant.product_id: quant.quantity for quant in quants}, {self.protein_2kg: 25, new[0]: 0})
        self.assertEqual(by_product[self.protein_2kg].state, "applied")

        # Archiving a product removes its item from Marketful.
        new[0].product_tmpl_id.active = False
        self.run_until_done("delete_products")
        self.assertNotIn("TERMO1000", {item["sku"] for item in self.sandbox.get("/_sandbox/marketful/items")})

    # -- entry orders ---------------------------------------------------------------------

    def test_receipt_is_announced_and_marketful_stock_moves_when_it_arrives(self):
        receipt = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.in_type_id.id,
            "move_ids": [fields.Command.create({
                "name": "Proteína", "product_id": self.protein_2kg.id, "product_uom_qty": 12,
                "location_id": self.warehouse.in_type_id.default_location_src_id.id,
                "location_dest_id": self.warehouse.lot_stock_id.id})],
        })
        receipt.action_confirm()
        receipt.action_marketful_announce()  # before the goods leave
        [entry] = self.sandbox.get("/_sandbox/marketful/entries")
        self.assertEqual(receipt.marketful_entry_token, entry["order_token"])
        self.assertEqual(entry["items"], [{"sku": "PRO20PRO", "cantidad": 12}])
        receipt.button_validate()
        self.run_jobs()
        self.assertEqual(len(self.sandbox.get("/_sandbox/marketful/entries")), 1, "announced once")
        before = {item["sku"]: item["available_quantity"] for item in self.sandbox.get("/_sandbox/marketful/items")}
        self.sandbox.post(f"/_sandbox/marketful/entries/{entry['order_token']}/receive", {})
        after = {item["sku"]: item["available_quantity"] for item in self.sandbox.get("/_sandbox/marketful/items")}
        self.assertEqual(after["PRO20PRO"], before["PRO20PRO"] + 12)
