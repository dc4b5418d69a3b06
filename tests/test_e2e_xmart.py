"""X-Mart end to end over real HTTP: the module against the sandbox, whose new-order webhook
calls back into Odoo."""

import requests

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import Sandbox, XmartCase


@tagged("post_install", "-at_install")
class TestXmartEndToEnd(HttpCase, XmartCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox("--xmart-client-id", "e2e-client", "--xmart-client-secret", "e2e-secret")
        cls.addClassCleanup(cls.sandbox.stop)
        cls.account.write({"api_url": cls.sandbox.url + "/xmart", "xmart_client_id": "e2e-client",
                           "xmart_client_secret": "e2e-secret"})

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.sandbox.post("/_sandbox/reset", {"seed": 4, "xmart": {"sync_delay_reads": 1}})
        self.sandbox.post("/_sandbox/faults", {"error_rate": 0, "fail_next": [], "latency_ms": 0})
        self.sandbox.post("/_sandbox/xmart/webhook", {"url": self.account.xmart_webhook_url})
        self.sandbox.session.delete(self.sandbox.url + "/_sandbox/requests", timeout=10)

    def calls(self, method, path):
        return [entry for entry in self.sandbox.get("/_sandbox/requests")
                if entry["method"] == method and entry["path"].endswith(path)]

    def sync_stores(self):
        self.account.action_xmart_sync_stores()
        stores = {store.code: store for store in self.account.xmart_store_ids}
        stores["QUI-01"].warehouse_id = self.north
        stores["GYE-01"].warehouse_id = self.south
        return stores

    def place(self, store="ST-0001", order_type="DELIVERY", deliveries=1, **values):
        body = {"storeId": store, "orderType": order_type, "deliveries": deliveries, "items": [
            {"productId": "COMBO-FAM", "quantity": 1, "unitPrice": 20.0,
             "modifiers": [{"name": "Extra presa", "price": 2.5}]},
            {"productId": "GASEOSA-1L", "quantity": 2, "unitPrice": 1.5}], **values}
        return self.sandbox.post("/_sandbox/xmart/orders", body)

    def import_order(self, **place):
        placed = self.place(**place)
        self.run_jobs()  # retrieval, then import
        self.run_jobs()
        order = self.env["sale.order"].search([("marketplace_order_ref", "=", placed["order"]["orderId"])])
        self.assertEqual(len(order), 1)
        return placed["order"], order

    def remote(self, order_id):
        return self.sandbox.get(f"/_sandbox/xmart/orders/{order_id}")

    # -- stores ----------------------------------------------------------------------------

    def test_stores_sync_and_saving_one_store_keeps_the_others(self):
        stores = self.sync_stores()
        self.assertEqual(sorted(stores), ["GYE-01", "QUI-01"])
        self.assertRecordValues(stores["QUI-01"], [
            {"xmart_id": "ST-0001", "status": "ACTIVE", "brand_id": self.brand.id}])
        channel = self.env["marketplace.xmart.channel"].create({
            "account_id": self.account.id, "xmart_id": "CH-0001", "name": "App Pollo Dorado",
            "brand_id": self.brand.id})
        stores["QUI-01"].write({"phone": "+593 2 245 0000", "channel_ids": [Command.set(channel.ids)],
                                "schedule_ids": [Command.create({"channel_id": channel.id, "day": "MONDAY",
                                                                 "open_from": 10.5, "open_to": 22})]})
        self.account.action_xmart_save_stores()
        [saved] = self.calls("POST", "/api/v3/channels-stores")
        self.assertEqual(sorted(store["storeCode"] for store in saved["body"]["stores"]), ["GYE-01", "QUI-01"],
                         "the whole set is sent")
        remote = {store["storeCode"]: store for store in self.sandbox.get("/_sandbox/xmart/stores")}
        self.assertEqual(sorted(remote), ["GYE-01", "QUI-01"], "saving one store did not drop the other")
        self.assertEqual(remote["QUI-01"]["contactInfo"]["phone"], "+593 2 245 0000")
        self.assertEqual(remote["QUI-01"]["schedulesByChannel"],
                         [{"channelId": "CH-0001", "schedules": [{"day": "MONDAY", "from": "10:30", "to": "22:00"}]}])
        self.assertEqual(remote["GYE-01"]["storeId"], "ST-0002")

        # A new store gets its id from X-Mart.
        self.env["marketplace.xmart.store"].create({
            "account_id": self.account.id, "brand_id": self.brand.id, "code": "UIO-02", "name": "Quito Sur",
            "warehouse_id": self.north.id, "address": "Av. Maldonado S12-34"})
        self.account.action_xmart_save_stores()
        new = self.account.xmart_store_ids.filtered(lambda store: store.code == "UIO-02")
        self.assertTrue(new.xmart_id)
        self.assertEqual(len(self.sandbox.get("/_sandbox/xmart/stores")), 3)

    def test_an_expired_token_is_renewed_once(self):
        self.sync_stores()
        self.sandbox.post("/_sandbox/xmart/expire-tokens", {})
        self.account.action_xmart_sync_stores()
        self.assertEqual(len(self.calls("POST", "/api/transactional/token")), 2, "one token, then one renewal")
        self.assertEqual([call["status"] for call in self.calls("GET", "/api/v3/stores")], [200, 401, 200])
        self.assertNotIn("e2e-secret", str(self.sandbox.get("/_sandbox/requests")))
        self.account.sudo().xmart_client_secret = "wrong"
        with self.assertRaisesRegex(Exception, "refused the OAuth client"):
            self.account.action_xmart_sync_stores()

    def test_store_status_change_reaches_xmart_once(self):
        stores = self.sync_stores()
        stores["GYE-01"].action_deactivate()
        [call] = self.calls("PUT", "/api/v3/stores/ST-0002/status")
        self.assertEqual(call["body"], {"status": "INACTIVE"})
        self.assertEqual(stores["GYE-01"].status, "INACTIVE")
        remote = {store["storeCode"]: store for store in self.sandbox.get("/_sandbox/xmart/stores")}
        self.assertEqual((remote["GYE-01"]["status"], remote["QUI-01"]["status"]), ("INACTIVE", "ACTIVE"))

    # -- lists ------------------------------------------------------------------------------

    def test_list_is_sent_whole_only_when_it_changed_and_errors_land_on_listings(self):
        stores = self.sync_stores()
        channel = self.env["marketplace.xmart.channel"].create({
            "account_id": self.account.id, "xmart_id": "CH-0001", "name": "App", "brand_id": self.brand.id})
        stores["QUI-01"].schedule_ids = [Command.create({"channel_id": channel.id, "day": "FRIDAY",
                                                         "open_from": 11, "open_to": 23.5})]
        menu = self.env["marketplace.xmart.list"].create({
            "name": "Menú Quito", "channel_id": channel.id, "store_id": stores["QUI-01"].id,
            "listing_ids": [Command.set(self.listings.ids)]})
        menu.action_push()
        [put] = self.calls("PUT", "/api/v3/products")
        products = {product["productId"]: product for product in put["body"]["list"]["products"]}
        self.assertEqual(products["PAPAS-M"]["schedules"], [{"day": "FRIDAY", "from": "11:00", "to": "23:30"}])
        self.assertEqual(sorted(products), ["COMBO-FAM", "GASEOSA-1L", "PAPAS-M"])
        self.assertEqual(products["COMBO-FAM"]["priceInfo"], {"price": 23, "currency": "USD"}, "15% IVA included")
        self.assertEqual((products["COMBO-FAM"]["stock"], products["COMBO-FAM"]["taxesInfo"]["taxRate"]), (50, 15))
        self.assertTrue(menu.xmart_id)
        poll = self.jobs_of("poll_list")
        self.assertEqual(poll.state, "pending", "X-Mart is still processing")
        self.make_due(poll)
        self.run_jobs()
        self.assertEqual((poll.state, menu.sync_status), ("done", "FINISHED"))
        self.assertEqual(set(self.listings.mapped("state")), {"published"})

        menu.action_push()
        self.assertEqual(len(self.calls("PUT", "/api/v3/products")), 1, "unchanged: not sent again")

        # An EAN X-Mart refuses: the list goes, the refused product shows why.
        fries = self.listings.filtered(lambda listing: listing.product_id == self.fries)
        fries.ean = "12AB"
        menu.action_push()
        self.assertEqual(len(self.calls("PUT", "/api/v3/products")), 2)
        self.make_due(self.jobs_of("poll_list"))
        self.run_jobs()
        self.make_due(self.jobs_of("poll_list").filtered(lambda job: job.state == "pending"))
        self.run_jobs()
        self.assertEqual(fries.state, "error")
        self.assertIn("ean", fries.last_error.lower())
        self.assertEqual((self.listings - fries).mapped("state"), ["published", "published"])

    # -- orders -----------------------------------------------------------------------------

    def test_new_order_arrives_once_even_three_times_and_before_its_store_is_synced(self):
        placed = self.place(deliveries=3)
        self.assertEqual([hook["status"] for hook in placed["webhooks"]], [200, 200, 200])
        self.assertEqual(len(self.jobs_of("retrieve_order")), 1, "three deliveries, one job")
        self.run_jobs()
        self.run_jobs()
        job = self.jobs_of("import_order")
        self.assertEqual(job.state, "failed")
        self.assertIn("ST-0001 is not in Odoo yet", job.last_error)
        self.assertFalse(self.env["sale.order"].search([("marketplace_account_id", "=", self.account.id)]))

        self.sync_stores()
        self.make_due(job)
        self.run_jobs()
        order = self.env["sale.order"].search([("marketplace_account_id", "=", self.account.id)])
        remote = placed["order"]
        self.assertEqual(len(order), 1)
        self.assertRecordValues(order, [{
            "marketplace_order_ref": remote["orderId"], "marketplace_order_number": remote["orderNumber"],
            "warehouse_id": self.north.id, "xmart_order_type": "DELIVERY", "amount_total": remote["total"],
            "xmart_payment_method": "CARD", "xmart_payment_status": "PAID", "state": "sale"}])
        self.assertEqual(order.xmart_store_id.code, "QUI-01")
        lines = order.order_line.filtered(lambda line: line.product_id in self.products)
        self.assertEqual(
            sorted((line.product_id.default_code, line.product_uom_qty, line.price_unit) for line in lines),
            [("COMBO-FAM", 1, 22.5), ("GASEOSA-1L", 2, 1.5)])
        self.assertEqual(len(self.calls("GET", f"/api/v3/orders/{remote['orderId']}")), 1, "retrieved once")

        self.sandbox.post(f"/_sandbox/xmart/orders/{remote['orderId']}/webhook", {"deliveries": 1})
        self.run_jobs()
        self.assertEqual(len(self.env["sale.order"].search([("marketplace_account_id", "=", self.account.id)])), 1)

    def test_webhook_with_a_wrong_token_or_secret_stores_nothing(self):
        url = self.account.xmart_webhook_url
        body = {"event": "NEW_ORDER", "orderId": "XM-1", "storeId": "ST-0001", "channelId": "CH-0001",
                "createdAt": "2026-12-01T10:00:00-05:00"}
        token = self.account.callback_token
        self.assertEqual(requests.post(url.replace(token, "A" * len(token)), json=body, timeout=10).status_code, 403)
        self.assertEqual(requests.post(url.replace(token, "nope"), json=body, timeout=10).status_code, 404,
                         "not even of the token format")
        self.account.xmart_webhook_secret = "s3cr3t"
        self.env.flush_all()  # the HTTP request reads the database
        self.assertEqual(requests.post(url, json=body, timeout=10).status_code, 401)
        self.assertEqual(requests.post(url, json=body, headers={"X-Xmart-Secret": "wrong"}, timeout=10).status_code,
                         401)
        self.assertEqual(requests.post(url, data=b"{", headers={"X-Xmart-Secret": "s3cr3t"}, timeout=10).status_code,
                         400)
        self.assertEqual(requests.post(url, json={"event": "OTHER"}, headers={"X-Xmart-Secret": "s3cr3t"},
                                       timeout=10).status_code, 400)
        self.assertFalse(self.jobs_of("retrieve_order"))
        self.assertEqual(requests.post(url, json=body, headers={"X-Xmart-Secret": "s3cr3t"}, timeout=10).status_code,
                         200)
        self.assertEqual(len(self.jobs_of("retrieve_order")), 1)

        # The sandbox sends the secret it is given.
        self.sandbox.post("/_sandbox/xmart/webhook", {"url": url, "secret": "s3cr3t"})
        self.assertEqual(self.place()["webhooks"][0]["status"], 200)
        self.assertEqual(len(self.jobs_of("retrieve_order")), 2)

    def test_notices_of_orders_xmart_does_not_know_end_at_once_with_one_call_each(self):
        # Anyone holding the URL can announce orders that do not exist: each costs one read of the
        # order, never a retry, and the access token is fetched once for all of them.
        url = self.account.xmart_webhook_url
        for number in range(3):
            body = {"event": "NEW_ORDER", "orderId": f"XM-GHOST-{number}", "storeId": "ST-0001",
                    "channelId": "CH-0001", "createdAt": "2026-12-01T10:00:00-05:00"}
            self.assertEqual(requests.post(url, json=body, timeout=10).status_code, 200)
        for _round in range(3):
            self.make_due(self.jobs_of("retrieve_order"))
            self.run_jobs()
        jobs = self.jobs_of("retrieve_order")
        self.assertEqual(len(jobs), 3)
        self.assertEqual(set(jobs.mapped("state")), {"dead"})
        self.assertEqual(set(jobs.mapped("attempts")), {1})
        self.assertTrue(all("XM-GHOST" in job.last_error for job in jobs))
        for number in range(3):
            self.assertEqual(len(self.calls("GET", f"/api/v3/orders/XM-GHOST-{number}")), 1)
        self.assertEqual(len(self.calls("POST", "/api/transactional/token")), 1, "one token for every job")
        self.assertFalse(self.calls("GET", "/payment"), "nothing more is asked about an unknown order")

    def test_statuses_tracking_and_delivery_through_the_order_life(self):
        self.sync_stores()
        remote, order = self.import_order()
        self.run_jobs()
        picking = order.picking_ids
        picking.carrier_tracking_ref = "SERVI-0099"
        picking.move_ids.quantity = 0
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        self.run_jobs()
        picking.button_validate()
        self.run_jobs()
        self.run_jobs()
        order.action_xmart_delivered()
        history = [entry["status"] for entry in self.remote(remote["orderId"])["history"]]
        self.assertEqual(history, ["New", "Accepted", "InPreparation", "Ready", "Dispatched", "Delivered"])
        self.assertEqual([call["body"] for call in self.calls("POST", "/api/order/status")], [
            {"order_id": remote["orderId"], "status": status}
            for status in ("Accepted", "InPreparation", "Ready", "Dispatched", "Delivered")])
        [tracking] = self.calls("POST", "/api/order/tracking")
        self.assertEqual(tracking["body"]["order_id"], remote["orderId"])
        self.assertEqual(tracking["body"]["tracking_number"], "SERVI-0099")
        self.assertEqual(order.xmart_status, "Delivered")

        order.action_xmart_delivered()  # again: nothing more is sent
        self.assertEqual(len(self.calls("POST", "/api/order/status")), 5)

    def test_cancelled_order_is_cancelled_on_xmart(self):
        self.sync_stores()
        remote, order = self.import_order()
        order._action_cancel()
        self.run_jobs()
        self.assertEqual(self.remote(remote["orderId"])["order"]["status"], "Canceled")

    def test_transfer_pickup_dispatch_and_coupon(self):
        stores = self.sync_stores()
        remote, order = self.import_order()
        wizard = self.env["marketplace.xmart.transfer.wizard"].create({
            "order_id": order.id, "store_id": stores["GYE-01"].id, "reason": "Sin stock en Quito"})
        wizard.action_transfer()
        [transfer] = self.calls("PUT", "/api/order/transfer")
        self.assertEqual({key: transfer["body"][key] for key in ("order", "from_store", "to_store", "transfer_reason")},
                         {"order": remote["orderId"], "from_store": "ST-0001", "to_store": "ST-0002",
                          "transfer_reason": "Sin stock en Quito"})
        self.assertEqual(transfer["body"]["shipping_address"], remote["shippingAddress"])
        self.assertEqual(self.remote(remote["orderId"])["order"]["storeId"], "ST-0002")
        self.assertEqual(order.warehouse_id, self.south)
        live = order.picking_ids.filtered(lambda picking: picking.state != "cancel")
        self.assertEqual(live.picking_type_id.warehouse_id, self.south, "the delivery leaves the new store")

        coupon_wizard = self.env["marketplace.xmart.coupon.wizard"].create({
            "order_id": order.id, "customer_uid": "UID-77", "code": "BIENVENIDA10"})
        coupon_wizard.action_redeem()
        [redeem] = self.calls("POST", "/api/coupons/redeem")
        self.assertEqual(redeem["body"], {"uid": "UID-77", "promotion_code": "BIENVENIDA10",
                                          "order_id": remote["orderId"]})
        self.assertRecordValues(order.xmart_coupon_ids, [{"code": "BIENVENIDA10", "discount": 10.0}])
        with self.assertRaisesRegex(Exception, "already redeemed"):
            order._xmart_redeem("UID-77", "BIENVENIDA10")
        self.assertEqual(len(self.calls("POST", "/api/coupons/redeem")), 1)

        pickup_remote, pickup = self.import_order(order_type="PICKUP")
        pickup.picking_ids.action_xmart_customer_collected()
        self.run_jobs()
        [dispatched] = self.calls("POST", "/api/order/pickup/dispatched")
        self.assertEqual(dispatched["body"], {"order_id": pickup_remote["orderId"]})
        self.assertEqual(pickup.picking_ids.state, "done")
        self.assertEqual(self.remote(pickup_remote["orderId"])["order"]["status"], "Dispatched")
        self.assertFalse(self.calls("POST", "/api/order/tracking"))

    def test_payment_information_is_refreshed_for_the_accountant(self):
        self.sync_stores()
        remote, order = self.import_order()
        order.xmart_payment_status = False
        order.action_xmart_refresh_payment()
        self.assertRecordValues(order, [{"xmart_payment_method": "CARD", "xmart_payment_status": "PAID",
                                         "xmart_payment_amount": remote["total"]}])
        self.assertTrue(order.xmart_paid_at)

    def test_store_is_read_again_and_brand_products_fill_a_list(self):
        stores = self.sync_stores()
        stores["QUI-01"].phone = "changed in Odoo"
        stores["QUI-01"].action_refresh()
        [call] = self.calls("GET", "/api/v3/stores/ST-0001")
        self.assertEqual(call["status"], 200)
        self.assertNotEqual(stores["QUI-01"].phone, "changed in Odoo", "X-Mart's value is back")
        self.assertEqual(stores["QUI-01"].warehouse_id, self.north, "the warehouse stays")

        self.combo.product_tmpl_id.xmart_brand_id = self.brand
        channel = self.env["marketplace.xmart.channel"].create({
            "account_id": self.account.id, "xmart_id": "CH-0001", "name": "App", "brand_id": self.brand.id})
        menu = self.env["marketplace.xmart.list"].create({
            "name": "Menú", "channel_id": channel.id, "store_id": stores["QUI-01"].id})
        menu.action_add_brand_products()
        self.assertEqual(menu.listing_ids.product_id, self.combo)

    def test_an_order_that_does_not_add_up_fails_with_a_message_and_nothing_is_created(self):
        self.sync_stores()
        placed = self.place()
        self.jobs_of("retrieve_order")._process()  # retrieved and stored, not imported yet
        job = self.jobs_of("import_order")
        payload = dict(job.payload, total=job.payload["total"] + 5)
        job.sudo().write({"payload": payload, "state": "pending"})
        self.run_jobs()
        self.assertEqual(job.state, "dead", "a payload that cannot validate gives up at once")
        self.assertIn(placed["order"]["orderNumber"], job.last_error)
        self.assertFalse(self.env["sale.order"].search([("marketplace_account_id", "=", self.account.id)]))
