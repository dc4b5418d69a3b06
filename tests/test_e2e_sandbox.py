"""End to end: the module against the bundled sandbox, over real HTTP."""

import base64
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import MarketplaceCase, Sandbox


@tagged("post_install", "-at_install")
class TestSandboxEndToEnd(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox("--exito-token", "e2e-token")
        cls.addClassCleanup(cls.sandbox.stop)
        cls.account.write({"api_url": cls.sandbox.exito_url, "api_token": "e2e-token"})
        # The sandbox's catalog: the products above plus these, all with their barcodes.
        cls.env["product.product"].create([
            {"name": name, "barcode": ean, "type": "consu", "taxes_id": [(6, 0, cls.iva.ids)]}
            for name, ean in (("Mouse", "7701234500047"), ("Keyboard", "7701234500054"), ("HDMI", "7701234500061"))
        ])

    def setUp(self):
        super().setUp()
        self.http.stop()  # real HTTP here: no mocks
        self.sandbox.post("/_sandbox/faults", {"error_rate": 0, "fail_next": [], "latency_ms": 0})
        self.sandbox.session.delete(self.sandbox.url + "/_sandbox/requests", timeout=10)

    def reset(self, orders, **exito):
        self.sandbox.post("/_sandbox/reset", {"seed": 7, "exito": {"orders": orders, "days": 5, **exito}})
        return {order["id"]: order for order in self.sandbox.get("/_sandbox/exito/orders")}

    def assert_imported_exactly(self, sandbox_orders):
        sale_orders = self.orders_of()
        self.assertEqual(len(sale_orders), len(sandbox_orders))
        self.assertEqual(set(sale_orders.mapped("marketplace_order_ref")), set(sandbox_orders))
        barcodes = {product.id: product.barcode for product in self.env["product.product"].search([])}
        for sale_order in sale_orders:
            order = sandbox_orders[sale_order.marketplace_order_ref]
            self.assertEqual(sale_order.marketplace_order_number, order["orderNumber"])
            self.assertEqual(sale_order.partner_id.vat, order["identificationCard"])
            self.assertEqual(sale_order.partner_id.name, order["clientName"])
            self.assertEqual(sale_order.amount_total, order["costTotalOrder"] + order["costTotalShipping"])
            self.assertEqual(sale_order.state, "sale")
            lines = sale_order.order_line.filtered(lambda line: not line.is_delivery)
            self.assertEqual(
                sorted((barcodes[line.product_id.id], line.product_uom_qty, line.price_unit, line.marketplace_line_ref)
                       for line in lines),
                sorted((product["ean"], product["quantity"], product["costProduct"], product["id"])
                       for product in order["products"]))
            shipping = sale_order.order_line.filtered("is_delivery")
            self.assertEqual(sum(shipping.mapped("price_total")), order["costTotalShipping"])

    def test_orders_over_several_pages_import_once(self):
        sandbox_orders = self.reset(230)
        self.account.action_import_orders()
        self.assert_imported_exactly(sandbox_orders)
        requests = [request for request in self.sandbox.get("/_sandbox/requests")
                    if request["path"].endswith("/orders")]
        self.assertEqual([request["status"] for request in requests], [200, 200, 200])
        self.assertEqual(requests[0]["query"]["paginationToken"], "{}")
        self.assertNotEqual(requests[1]["query"]["paginationToken"], "{}")
        self.assertTrue(self.orders_of().picking_ids, "confirmed orders have their deliveries")

        self.account.action_import_orders()
        self.assertEqual(len(self.orders_of()), 230, "reading again creates nothing")

    def test_every_order_arrives_once_despite_failures(self):
        sandbox_orders = self.reset(150)
        self.env["ir.config_parameter"].sudo().set_param("marketplace_connector.http_timeout", 1)
        self.sandbox.post("/_sandbox/faults", {
            "fail_next": ["500", "429", "timeout", "503", "drop"], "retry_after": 3, "timeout_seconds": 2})

        self.account.action_import_orders()
        fetch = self.jobs_of("fetch_orders")
        self.assertRecordValues(fetch, [{"state": "failed", "attempts": 1}])
        self.assertIn("HTTP 500", fetch.last_error)
        # Later rounds of the scheduler: each retry is due when its delay has passed.
        errors = [fetch.last_error]
        for _round in range(10):
            if fetch.state == "done":
                break
            fetch.next_attempt_date = fields.Datetime.now() - timedelta(seconds=1)
            before = fields.Datetime.now()
            self.run_jobs()
            after = fields.Datetime.now()
            errors.append(fetch.last_error)
            if "429" in (fetch.last_error or ""):
                # The failure is recorded at some second between before and after.
                self.assertTrue(before + timedelta(seconds=3) <= fetch.next_attempt_date
                                <= after + timedelta(seconds=3), "Retry-After honoured")
        self.assertEqual(fetch.state, "done")
        self.assertTrue(any("did not answer within" in (error or "") for error in errors))
        self.assertTrue(any("429" in (error or "") for error in errors))
        self.assert_imported_exactly(sandbox_orders)
        self.assertEqual(set(self.jobs_of().mapped("attempts")), {1}, "every order processed once")

    def test_unknown_ean_waits_then_imports_after_the_product_gets_it(self):
        template = self.reset(1)
        unknown = next(iter(template.values()))
        unknown["products"][0].update(ean="7709876543210", reference="NEW-7709876543210")
        self.sandbox.post("/_sandbox/exito/orders", [unknown])
        self.account.action_import_orders()
        job = self.jobs_of()
        self.assertEqual(job.state, "waiting_products")
        self.assertIn("7709876543210", job.last_error)
        self.assertFalse(self.orders_of())

        self.env["product.product"].create({"name": "New", "barcode": "7709876543210", "type": "consu"})
        self.assertEqual(job.state, "pending")
        self.run_jobs()
        self.assertEqual(job.state, "done")
        self.assert_imported_exactly({unknown["id"]: unknown})

    def test_wrong_token_is_a_clear_error(self):
        self.reset(3)
        self.account.api_token = "wrong"
        self.account.action_import_orders()
        self.assertEqual(self.account.state, "error")
        self.assertIn("refused the credentials", self.account.last_error)
        self.assertFalse(self.orders_of())

    # -- fulfillment, invoices, settlements, cancellations over HTTP ------------------------

    def test_tracking_label_invoice_settlement_and_cancellation_against_the_sandbox(self):
        sandbox_orders = self.reset(2, lines_per_order=2)
        stock = self.account.warehouse_id.lot_stock_id
        for product in self.env["product.product"].search([("barcode", "!=", False), ("is_storable", "=", True)]):
            self.env["stock.quant"]._update_available_quantity(product, stock, 100)
        self.account.action_import_orders()
        shipped, cancelled = self.orders_of().sorted("marketplace_order_ref")

        # Tracking: validating the delivery sends its reference and the line ids.
        picking = shipped.picking_ids
        picking.write({"carrier_tracking_ref": "GUIA-E2E-1"})
        self.account.exito_default_carrier = "SERVIENTREGA"
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.run_jobs()
        remote = self.sandbox.get(f"/_sandbox/exito/orders/{shipped.marketplace_order_ref}")
        self.assertEqual({product["idStatusProduct"] for product in remote["products"]}, {170})
        self.assertEqual({product["tracking"] for product in remote["products"]}, {"GUIA-E2E-1"})
        self.assertEqual(picking.marketplace_tracking_state, "sent")

        # Label: the sandbox's sticker URL, downloaded and attached.
        picking.action_marketplace_label()
        self.assertTrue(picking.marketplace_label_id.raw.startswith(b"%PDF"))

        # Invoice: posted, then uploaded by the job runner.
        for line in shipped.order_line:
            line.qty_delivered = line.product_uom_qty
        invoice = shipped._create_invoices()
        invoice.invoice_pdf_report_file = base64.b64encode(b"%PDF-1.4\n% e2e\n%%EOF\n")
        invoice.action_post()
        self.run_jobs()
        remote = self.sandbox.get(f"/_sandbox/exito/orders/{shipped.marketplace_order_ref}")
        self.assertEqual([upload["accepted"] for upload in remote["sandbox"]["bills"]], [True])

        # Settlements: the shipped order's billing document, linked by order number.
        self.account.action_import_settlements()
        settlement = self.env["marketplace.settlement"].search([("account_id", "=", self.account.id)])
        self.assertEqual(settlement.sale_order_id, shipped)
        [document] = self.sandbox.get("/_sandbox/exito/billing")
        self.assertEqual((settlement.commission, settlement.total), (document["commission"], document["billingTotal"]))

        # Cancellation on Éxito: the scheduled read finds it and cancels the open order.
        self.sandbox.post(f"/_sandbox/exito/orders/{cancelled.marketplace_order_ref}/status", {"idStatusOrder": 80})
        self.env["marketplace.account"]._cron_import_orders()
        self.run_jobs()
        self.assertEqual(cancelled.state, "cancel")
        self.assertEqual(shipped.state, "sale")
        self.assertEqual(len(sandbox_orders), 2)
