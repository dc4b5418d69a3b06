"""Marketful in Odoo with Marketful's answers mocked (``responses``): what is sent, and what
the user sees on orders, listings, transfers and the account."""

import json

import responses

from odoo import fields
from odoo.tests import tagged

from .common import MARKETFUL_TOKEN, MARKETFUL_URL, MARKETFUL_USER, MarketfulCase

ORDERS_URL = MARKETFUL_URL + "/shopi_orders/multicanal_api"
GET_ORDERS_URL = MARKETFUL_URL + "/shopi_orders/get_orders"
CREATE_ITEMS_URL = MARKETFUL_URL + "/items/create_item"
UPDATE_ITEM_URL = MARKETFUL_URL + "/items/update_item"
DELETE_ITEM_URL = MARKETFUL_URL + "/items/delete_item"
STOCK_URL = MARKETFUL_URL + "/items/get_stock"
ENTRY_URL = MARKETFUL_URL + "/entradas/nueva_entrada_api"
WEBHOOKS_URL = MARKETFUL_URL + "/webhooks/consultar"


@tagged("post_install", "-at_install")
class TestMarketful(MarketfulCase):

    def setUp(self):
        super().setUp()
        self.http = responses.RequestsMock(assert_all_requests_are_fired=False)
        self.http.start()
        self.addCleanup(self.http.stop)
        self.addCleanup(self.http.reset)

    def sent(self, url):
        return [json.loads(call.request.body) for call in self.http.calls if call.request.url.startswith(url)
                and call.request.method == "POST"]

    # -- fulfillment ----------------------------------------------------------------------

    def test_confirmed_order_is_queued_then_sent_with_the_seed_fields(self):
        order = self.make_order()
        job = self.jobs_of("push_fulfillment")
        self.assertEqual((job.state, order.marketful_state), ("pending", "to_send"))
        self.assertFalse(self.http.calls, "nothing is sent while the user confirms")

        self.http.post(ORDERS_URL, json={"message": "Success", "description": "Order created successfully",
                                         "order": {"order_id": 5021, "fulfillment_status": "pendiente"}})
        self.run_jobs()
        [body] = self.sent(ORDERS_URL)
        self.assertEqual(body, {"order": {
            "contact_info": {
                "num_orden": order.name, "orden_id": order.name, "customer": "María López Hernández",
                "carrier_name": "Estafeta", "telefono": "+52 55 1234 5678", "calle": "Av. Insurgentes Sur",
                "no_exterior": "1602", "no_interior": "4", "colonia": "Crédito Constructor",
                "ciudad": "Ciudad de México", "estado": "MX-DF", "codigo_postal": "03940", "canal": "Odoo",
                "tipo_envio": "económico", "asegurado": False},
            "items": [{"sku": "PRO20PRO", "cantidad": 2}, {"sku": "PLR-12", "cantidad": 1}]}})
        headers = self.http.calls[0].request.headers
        self.assertEqual((headers["Authorization"], headers["User"]), (MARKETFUL_TOKEN, MARKETFUL_USER))
        self.assertRecordValues(order, [{"marketful_state": "sent", "marketful_order_ref": "5021",
                                         "marketful_status": "pendiente", "marketful_channel": "Odoo"}])
        # Its delivery offers Marketful Events (shown only for orders Marketful took)
        self.assertEqual(order.picking_ids.marketful_order_ref, "5021")
        self.assertEqual(job.state, "done")
        self.assertFalse(job.awaiting_answer_since)

    def test_channel_carrier_type_and_insurance_come_from_the_configuration(self):
        team = self.env["crm.team"].create({"name": "Mostrador"})
        self.account.write({"marketful_insured": True, "marketful_channel_ids": [
            fields.Command.create({"name": "Tienda Física", "team_id": team.id})]})
        self.estafeta.marketful_shipping_type = "dia_siguiente"
        order = self.make_order(confirm=False)
        order.team_id = team
        order.action_confirm()
        self.http.post(ORDERS_URL, json={"message": "Success", "order": {"order_id": 5022}})
        self.run_jobs()
        info = self.sent(ORDERS_URL)[0]["order"]["contact_info"]
        self.assertEqual((info["canal"], info["tipo_envio"], info["asegurado"], info["carrier_name"]),
                         ("Tienda Física", "dia_siguiente", True, "Estafeta"))

    def test_other_warehouses_are_not_sent(self):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [fields.Command.create({"product_id": self.pens.id, "product_uom_qty": 1})]})
        self.assertNotEqual(order.warehouse_id, self.warehouse)
        order.action_confirm()
        self.assertFalse(order.marketful_state)
        self.assertFalse(self.jobs_of("push_fulfillment"))

    def test_incomplete_address_is_refused_before_any_call_then_sent_once_fixed(self):
        self.customer.write({"street2": False, "street": "Av. Insurgentes Sur"})
        order = self.make_order()
        self.run_jobs()
        job = self.jobs_of("push_fulfillment")
        self.assertEqual(job.state, "failed")
        self.assertIn("colonia", job.last_error)
        self.assertIn("no_exterior", job.last_error)
        self.assertFalse(self.http.calls, "nothing sent")
        self.assertIn("colonia", order.marketful_problem, "the order says what is missing")

        self.http.post(ORDERS_URL, json={"message": "Success", "order": {"order_id": 5030}})
        self.customer.write({"street": "Av. Insurgentes Sur 1602", "street2": "Crédito Constructor"})
        self.assertEqual(job.state, "pending", "fixing the address retries at once")
        self.run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(order.marketful_order_ref, "5030")
        self.assertFalse(order.marketful_problem)

    def test_foreign_state_is_refused(self):
        self.customer.write({"state_id": self.env.ref("base.state_us_5").id, "country_id": self.env.ref("base.us").id})
        self.make_order()
        self.run_jobs()
        self.assertIn("estado", self.jobs_of("push_fulfillment").last_error)
        self.assertFalse(self.http.calls)

    def test_lost_answer_is_looked_up_before_sending_again(self):
        order = self.make_order()
        self.http.post(ORDERS_URL, body=ConnectionError("connection reset"))
        self.run_jobs()
        job = self.jobs_of("push_fulfillment")
        self.assertEqual(job.state, "failed")
        self.assertTrue(job.awaiting_answer_since, "the job knows the order may have arrived")

        # Marketful did store it: the retry finds it and sends nothing.
        self.http.get(GET_ORDERS_URL, json={"message": "Success", "orden": {
            "order_id": 5040, "num_orden": order.name, "orden_id": order.name, "canal": "Odoo",
            "fulfillment_status": "pendiente"}})
        self.make_due(job)
        self.run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(self.sent(ORDERS_URL)), 1, "sent once")
        [lookup] = [call for call in self.http.calls if call.request.url.startswith(GET_ORDERS_URL)]
        self.assertIn(f"orden={order.name}", lookup.request.url)
        self.assertIn("canal=Odoo", lookup.request.url)
        self.assertEqual(order.marketful_order_ref, "5040")

    def test_lost_answer_of_an_order_that_never_arrived_is_sent_again(self):
        order = self.make_order()
        self.http.post(ORDERS_URL, body=ConnectionError("connection reset"))
        self.run_jobs()
        job = self.jobs_of("push_fulfillment")
        self.http.get(GET_ORDERS_URL, status=404, json={"message": "Orden no encontrada"})
        self.http.replace("POST", ORDERS_URL, json={"message": "Success", "order": {"order_id": 5041}})
        self.make_due(job)
        self.run_jobs()
        self.assertEqual((job.state, order.marketful_order_ref), ("done", "5041"))
        self.assertEqual(len(self.sent(ORDERS_URL)), 2)

    def test_refusal_clears_the_mark(self):
        self.make_order()
        self.http.post(ORDERS_URL, status=400, json={"message": "Invalid order", "errors": ["items[0]: Item X"]})
        self.run_jobs()
        job = self.jobs_of("push_fulfillment")
        self.assertEqual(job.state, "dead", "a 400 can never succeed as it is: it gives up at once")
        self.assertIn("Invalid order", job.last_error)
        self.assertFalse(job.awaiting_answer_since, "Marketful answered: it kept nothing")

    # -- credentials ----------------------------------------------------------------------

    def test_refused_credentials_pause_the_account_until_fixed(self):
        first, second = self.make_order(), self.make_order()
        self.http.post(ORDERS_URL, status=403, json={"message": "User Not Found"})
        self.run_jobs()
        self.assertEqual(self.account.state, "error")
        self.assertTrue(self.account.credentials_refused)
        self.assertIn("access token and the user id", self.account.last_error)
        self.assertNotIn(MARKETFUL_TOKEN, self.account.last_error)
        calls = len(self.http.calls)
        self.assertEqual(calls, 1, "one refusal, not one per job")
        [activity] = self.account.activity_ids
        self.assertEqual(activity.summary, "Marketplace credentials refused")

        jobs = self.jobs_of("push_fulfillment")
        self.make_due(jobs)
        self.run_jobs()
        self.assertEqual(len(self.http.calls), calls, "no storm: the account's jobs wait")

        # The admin pastes the right user id: the waiting jobs run at once.
        self.http.replace("POST", ORDERS_URL, json={"message": "Success", "order": {"order_id": 5050}})
        self.account.marketful_user_id = "the-right-user"
        self.assertFalse(self.account.credentials_refused)
        self.run_jobs()
        self.assertEqual(set(jobs.mapped("state")), {"done"})
        self.assertEqual({first.marketful_state, second.marketful_state}, {"sent"})

    def test_test_connection_lists_the_webhooks_and_resumes(self):
        self.account.sudo().write({"credentials_refused": True, "state": "error"})
        self.http.get(WEBHOOKS_URL, json={"message": "Success", "webhooks": [
            {"id": 3, "url": "https://other.example/hook", "tipo": "order/created"}]})
        self.account.action_test_connection()
        self.assertRecordValues(self.account, [{"state": "connected", "credentials_refused": False}])
        self.assertRecordValues(self.account.marketful_webhook_ids, [
            {"webhook_id": "3", "topic": "order/created", "url": "https://other.example/hook", "is_odoo": False}])

    # -- items ----------------------------------------------------------------------------

    def listings(self, products=None):
        return self.env["marketplace.listing"].create([
            {"account_id": self.account.id, "product_id": product.id} for product in products or self.products])

    def test_item_batch_saves_the_valid_ones_and_shows_why_the_other_failed(self):
        listings = self.listings()
        self.http.post(CREATE_ITEMS_URL, status=201, json={
            "message": "The following Items could not be saved",
            "items_saved": [{"item_id": 7101, "sku": "PRO20PRO"}, {"item_id": 7102, "sku": "PLR-12"}],
            "items_errors": [{"index": 1, "sku": "PRO10PRO", "errors": ["ean must be a string of 6 to 14 digits"]}]})
        self.http.get(STOCK_URL, status=402, json={"message": "Item PRO10PRO not found"})
        listings.action_publish()
        self.run_jobs()
        [body] = self.sent(CREATE_ITEMS_URL)
        self.assertEqual(body["items"][0], {"title": "Proteína 2 kg", "list_price": 899.0, "sku": "PRO20PRO",
                                            "height": 1.0, "width": 1.0, "length": 1.0, "weigth": 2.2,
                                            "ean": "7501234500011"})
        self.assertRecordValues(listings, [
            {"state": "published", "marketplace_product_id": "7101", "last_error": False},
            {"state": "error", "marketplace_product_id": False,
             "last_error": "ean must be a string of 6 to 14 digits"},
            {"state": "published", "marketplace_product_id": "7102", "last_error": False},
        ])

    def test_sku_with_special_characters_is_refused_in_odoo(self):
        self.pens.default_code = "ABC/12"
        [listing] = self.listings(self.pens)
        listing.action_publish()
        self.run_jobs()
        self.assertEqual(listing.state, "error")
        self.assertIn("special characters", listing.last_error)
        self.assertFalse(self.http.calls)

    def test_changes_are_pushed_and_archiving_deletes(self):
        [listing] = self.listings(self.pens)
        listing.write({"marketplace_product_id": "7103", "state": "published", "last_pushed_values": {}})
        self.http.post(UPDATE_ITEM_URL, json={"message": "Success", "description": "Item Updated"})
        self.pens.list_price = 399.0
        self.run_jobs()
        [update] = self.sent(UPDATE_ITEM_URL)
        self.assertEqual((update["item_id"], update["list_price"], update["sku"]), ("7103", 399.0, "PLR-12"))

        self.run_jobs()
        self.pens.weight = 0.3  # unchanged value: nothing to send
        self.run_jobs()
        self.assertEqual(len(self.sent(UPDATE_ITEM_URL)), 1)

        self.http.post(DELETE_ITEM_URL, json={"message": "Success", "description": "Item 7103 deleted"})
        self.pens.product_tmpl_id.active = False
        self.run_jobs()
        self.assertEqual(self.sent(DELETE_ITEM_URL), [{"item_id": "7103"}])
        self.assertRecordValues(listing, [{"active": False, "marketplace_product_id": False, "state": "draft"}])

    def test_item_already_at_marketful_is_adopted(self):
        [listing] = self.listings(self.pens)
        self.http.post(CREATE_ITEMS_URL, status=401, json={
            "message": "Incomplete data", "description": "No item was saved",
            "items_errors": [{"index": 0, "sku": "PLR-12", "errors": ["sku PLR-12 already registered"]}]})
        self.http.get(STOCK_URL, json={"message": "Success", "sku": "PLR-12", "item_id": 7003,
                                       "available_quantity": 4})
        self.http.post(UPDATE_ITEM_URL, json={"message": "Success"})
        listing.action_publish()
        self.run_jobs()
        self.assertRecordValues(listing, [{"state": "published", "marketplace_product_id": "7003"}])
        self.assertEqual(self.sent(UPDATE_ITEM_URL)[0]["item_id"], "7003", "Odoo's values replace Marketful's")

    # -- entry orders ---------------------------------------------------------------------

    def receipt(self, lines):
        picking = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.in_type_id.id,
            "partner_id": self.customer.id,
            "move_ids": [fields.Command.create({
                "name": product.name, "product_id": product.id, "product_uom_qty": qty,
                "location_id": self.warehouse.in_type_id.default_location_src_id.id,
                "location_dest_id": self.warehouse.lot_stock_id.id}) for product, qty in lines],
        })
        picking.action_confirm()
        return picking

    def test_validated_receipt_announces_an_entry_order(self):
        picking = self.receipt([(self.protein_2kg, 5), (self.pens, 50)])
        self.assertEqual(picking.marketful_account_id, self.account)
        picking.button_validate()
        self.http.post(ENTRY_URL, json={"message": "Success", "order_token": "ab12cd",
                                        "description": "Order created successfully"})
        self.run_jobs()
        self.assertEqual(self.sent(ENTRY_URL), [{"entry_order": {"PRO20PRO": 5, "PLR-12": 50}}])
        self.assertRecordValues(picking, [{"marketful_entry_state": "sent", "marketful_entry_token": "ab12cd"}])

    def test_refused_items_are_listed_on_the_transfer(self):
        picking = self.receipt([(self.protein_2kg, 5), (self.protein_1kg, 3)])
        picking.button_validate()
        self.http.post(ENTRY_URL, status=401, json={
            "message": "The following items were not found or their inventory is less than or equal to zero",
            "items": ["PRO10PRO"]})
        self.run_jobs()
        job = self.jobs_of("push_entry")
        self.assertEqual(job.state, "failed")
        self.assertIn("PRO10PRO", job.last_error)
        self.assertFalse(job.awaiting_answer_since)
        self.assertRecordValues(picking, [{"marketful_entry_state": "refused", "marketful_entry_rejected": "PRO10PRO"}])

    def test_lost_entry_answer_asks_a_person(self):
        picking = self.receipt([(self.pens, 2)])
        picking.button_validate()
        self.http.post(ENTRY_URL, body=ConnectionError("reset"))
        self.run_jobs()
        job = self.jobs_of("push_entry")
        self.make_due(job)
        self.run_jobs()
        self.assertEqual(job.state, "dead", "it cannot be looked up: a person decides")
        self.assertIn("was lost", job.last_error)
        self.assertEqual(len(self.sent(ENTRY_URL)), 1)
        self.assertTrue(self.account.activity_ids)

        # The admin checked Marketful: not there. Announce again.
        self.http.replace("POST", ENTRY_URL, json={"message": "Success", "order_token": "ff00"})
        picking.action_marketful_announce()
        self.assertEqual(picking.marketful_entry_token, "ff00")
        self.assertEqual(len(self.sent(ENTRY_URL)), 2)

    # -- webhooks -------------------------------------------------------------------------

    def test_shipment_event_for_an_order_odoo_does_not_know_yet_fetches_it(self):
        order = self.make_order()
        self.http.post(ORDERS_URL, body=ConnectionError("reset"))
        self.run_jobs()  # sent, answer lost: Odoo has no Marketful id yet
        self.assertFalse(order.marketful_order_ref)
        self.http.get(MARKETFUL_URL + "/shipment_events/get_events", json={"message": "Success", "orden": {
            "order_id": 5060, "num_orden": order.name, "canal": "Odoo", "events": [{
                "id": 90001, "order_id": 5060, "status": "enviado", "carrier_name": "Estafeta",
                "tracking_number": "EST-778899"}]}})
        self.http.get(GET_ORDERS_URL, json={"message": "Success", "orden": {
            "order_id": 5060, "num_orden": order.name, "orden_id": order.name, "canal": "Odoo"}})
        event = {"tipo": "shipment_event/created", "webhook_id": 1, "user": MARKETFUL_USER, "data": {
            "id": 90001, "order_id": 5060, "status": "enviado", "description": "Pedido enviado",
            "carrier_name": "Estafeta", "tracking_number": "EST-778899", "created_at": "2026-12-03T10:00:00-06:00"}}
        account = self.env["marketplace.account"]._ingress_find(self.account.sudo().callback_token, "marketful")
        ids = self.Job.sudo()._ingress_insert(account, self.account._marketful_webhook_jobs(
            "shipment_event/created", event, json.dumps(event).encode()))
        self.assertEqual(len(ids), 1)
        job = self.Job.browse(ids)
        job._process()
        self.assertEqual(job.state, "done")
        picking = order.picking_ids
        self.assertRecordValues(picking, [{"carrier_tracking_ref": "EST-778899", "carrier_id": self.estafeta.id}])
        self.assertEqual(order.marketful_state, "shipped")
        self.assertIn("EST-778899", picking.message_ids[0].body)

    def test_a_new_account_never_takes_the_main_warehouse_by_default(self):
        company = self.env["res.company"].create({"name": "Sin almacén Marketful"})
        account = self.env["marketplace.account"].with_company(company).create({
            "name": "Marketful 2", "marketplace": "marketful", "company_id": company.id})
        self.assertFalse(account.warehouse_id, "every order of the main warehouse would go to Marketful")
        exito = self.env["marketplace.account"].with_company(company).create({
            "name": "Éxito 2", "marketplace": "exito", "company_id": company.id})
        self.assertTrue(exito.warehouse_id)
