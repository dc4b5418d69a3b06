import base64
import io
import json
from urllib.parse import parse_qs, urlsplit

import responses

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path
from odoo.tools.pdf import PdfFileReader

from .common import EXITO_URL, MarketplaceCase, exito_order, orders_page

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def tracking_answer(request):
    """Éxito's answer to a tracking PATCH (seed shape): every product updated."""
    body = json.loads(request.body)
    order_id = request.path_url.split("/")[-2]
    products = [{"idOrder": int(order_id), "idProduct": int(ref), "status": "Updated",
                 "message": f"The product {ref} was updated.", "code": 201} for ref in body["products"]]
    return 200, {}, json.dumps({"status": "Created", "products": products, "errors": 0,
                                "updates": len(products), "total": len(products)})


@tagged("post_install", "-at_install")
class TestExitoFulfillment(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stock = cls.account.warehouse_id.lot_stock_id
        for product in cls.products:
            cls.env["stock.quant"]._update_available_quantity(product, stock, 50)
        cls.carrier = cls.env["delivery.carrier"].create({
            "name": "Servientrega Odoo", "product_id": cls.shipping_product.id,
            "exito_carrier_name": "SERVIENTREGA"})

    def import_order(self, number=1, lines=None):
        lines = lines or [("7752285029933", "smartwatch08", 2, 189900), ("7701234500016", "AUD-BT-01", 1, 129900)]
        self.mock_pages(orders_page([exito_order(number, lines)]))
        self.account.action_import_orders()
        order = self.orders_of().filtered(lambda so: so.marketplace_order_number == str(number))
        self.assertEqual(order.state, "sale")
        return order

    def validate(self, picking, quantities=None):
        """Validate ``picking`` shipping ``quantities`` ({product: qty}, all by default); what
        is not shipped goes to a backorder, as the user's "Create Backorder" choice does."""
        for move in picking.move_ids:
            move.quantity = (quantities or {}).get(move.product_id, move.product_uom_qty)
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            self.env["stock.backorder.confirmation"].with_context(**result["context"]).create({}).process()
        self.assertEqual(picking.state, "done")

    def tracking_calls(self):
        return [json.loads(call.request.body) for call in self.http.calls if call.request.url.split("?")[0]
                .endswith("/tracking")]

    # -- tracking -------------------------------------------------------------------------

    def test_validating_a_delivery_sends_tracking_once_and_a_backorder_sends_the_rest(self):
        order = self.import_order()
        self.http.add_callback(responses.PATCH, f"{EXITO_URL}/dev/api/orders/{order.marketplace_order_ref}/tracking",
                               callback=tracking_answer)
        picking = order.picking_ids
        picking.write({"carrier_id": self.carrier.id, "carrier_tracking_ref": "GUIA-787878"})
        watch_line, phones_line = order.order_line.filtered("marketplace_line_ref")

        self.validate(picking, {self.smartwatch: 2, self.headphones: 0})
        self.assertEqual(self.tracking_calls(), [], "nothing is sent while the user validates")
        self.run_jobs()
        self.assertEqual(self.tracking_calls(), [{"tracking": "GUIA-787878", "carrier": "SERVIENTREGA",
                                                  "products": [watch_line.marketplace_line_ref]}])
        self.assertEqual(picking.marketplace_tracking_state, "sent")
        self.run_jobs()
        self.assertEqual(len(self.tracking_calls()), 1, "sent once")
        self.assertFalse(picking.marketful_order_ref, "no Marketful Events on an Éxito delivery")

        backorder = order.picking_ids - picking
        backorder.carrier_tracking_ref = "GUIA-999"
        self.validate(backorder)
        self.run_jobs()
        self.assertEqual(self.tracking_calls()[1], {"tracking": "GUIA-999", "carrier": "SERVIENTREGA",
                                                    "products": [phones_line.marketplace_line_ref]})
        self.assertTrue(all(order.order_line.filtered("marketplace_line_ref").mapped("marketplace_shipped")))

    def test_a_marketplace_failure_does_not_block_validation_and_is_retried(self):
        order = self.import_order()
        url = f"{EXITO_URL}/dev/api/orders/{order.marketplace_order_ref}/tracking"
        self.http.patch(url, status=503, json={"message": "Service Unavailable"})
        picking = order.picking_ids
        picking.write({"carrier_id": self.carrier.id, "carrier_tracking_ref": "GUIA-1"})
        self.validate(picking)
        self.run_jobs()
        job = self.jobs_of("push_tracking")
        self.assertEqual(job.state, "failed")
        self.assertIn("503", job.last_error)

        self.http.replace(responses.PATCH, url, status=200, json={})
        self.http.remove(responses.PATCH, url)
        self.http.add_callback(responses.PATCH, url, callback=tracking_answer)
        job.next_attempt_date = "2000-01-01"
        self.run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(self.tracking_calls()), 2)
        self.assertEqual(picking.marketplace_tracking_state, "sent")

    def test_a_product_refused_without_a_message_is_named_in_the_user_language(self):
        self.env["res.lang"]._activate_lang("es_CO")
        self.env["ir.module.module"]._load_module_terms(["marketplace_connector"], ["es_CO"])
        order = self.import_order()

        def refused(request):
            ref = json.loads(request.body)["products"][0]
            return 200, {}, json.dumps({"status": "Created", "errors": 1, "updates": 0, "total": 1, "products": [
                {"idOrder": int(order.marketplace_order_ref), "idProduct": int(ref), "status": "Rejected"}]})

        self.http.add_callback(responses.PATCH, f"{EXITO_URL}/dev/api/orders/{order.marketplace_order_ref}/tracking",
                               callback=refused)
        picking = order.picking_ids
        picking.write({"carrier_id": self.carrier.id, "carrier_tracking_ref": "GUIA-5"})
        self.validate(picking)
        self.Job.with_context(lang="es_CO")._run_due_jobs(account_ids=self.account.ids)
        ref = self.tracking_calls()[0]["products"][0]
        self.assertEqual(picking.marketplace_tracking_state, "error")
        self.assertIn(f"El producto {ref} no se actualizó (Rejected).", picking.message_ids[0].body)
        self.assertIn(f"El producto {ref} no se actualizó (Rejected).", picking.activity_ids.note)

    def test_validating_without_the_tracking_reference_is_refused_and_goes_once_it_is_set(self):
        order = self.import_order()
        self.http.add_callback(responses.PATCH, f"{EXITO_URL}/dev/api/orders/{order.marketplace_order_ref}/tracking",
                               callback=tracking_answer)
        picking = order.picking_ids
        picking.carrier_id = self.carrier
        with self.assertRaisesRegex(UserError, "needs the tracking reference"):
            self.validate(picking)
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(self.jobs_of("push_tracking"), "no job that could only fail")
        picking.carrier_tracking_ref = "GUIA-2"
        self.validate(picking)
        self.run_jobs()
        self.assertEqual(self.jobs_of("push_tracking").state, "done")
        self.assertEqual(self.tracking_calls()[0]["tracking"], "GUIA-2")

    def test_an_account_that_sends_no_tracking_validates_without_a_reference(self):
        self.account.push_tracking = False
        order = self.import_order()
        self.validate(order.picking_ids)
        self.assertEqual(order.picking_ids.state, "done")
        self.assertFalse(self.jobs_of("push_tracking"))

    # -- label ----------------------------------------------------------------------------

    def test_label_is_downloaded_once_and_attached_to_the_picking(self):
        order = self.import_order()
        sticker = f"{EXITO_URL}/dev/api/orders/{order.marketplace_order_number}/sticker"
        self.http.get(sticker, json={"errors": [], "data": "http://127.0.0.1:9/s3/Label_1.pdf",
                                     "message": "Operación realizada con éxito", "pendingResponse": False})
        self.http.get("http://127.0.0.1:9/s3/Label_1.pdf", body=PDF, content_type="application/pdf")
        picking = order.picking_ids
        action = picking.action_marketplace_label()
        self.assertEqual(picking.marketplace_label_id.raw, PDF)
        self.assertIn(f"/web/content/{picking.marketplace_label_id.id}", action["url"])
        self.assertNotIn("Authorization", self.http.calls[-1].request.headers, "the label address gets no token")
        picking.action_marketplace_label()
        self.assertEqual(len([call for call in self.http.calls if "sticker" in call.request.url]), 1)

    def test_labels_of_several_deliveries_print_as_one_pdf(self):
        with open(file_path("base/tests/minimal.pdf"), "rb") as pdf:
            label = pdf.read()
        first, second, refused = (self.import_order(number) for number in (1, 2, 3))
        for order, number in ((first, 1), (second, 2)):
            self.http.get(f"{EXITO_URL}/dev/api/orders/{order.marketplace_order_number}/sticker", json={
                "errors": [], "data": f"http://127.0.0.1:9/s3/Label_{number}.pdf", "message": "OK",
                "pendingResponse": False})
            self.http.get(f"http://127.0.0.1:9/s3/Label_{number}.pdf", body=label, content_type="application/pdf")
        self.http.get(f"{EXITO_URL}/dev/api/orders/{refused.marketplace_order_number}/sticker", status=400, json={
            "errors": [{"code": "500", "message": "Sin centro de acopio"}], "data": None, "message": "Error",
            "pendingResponse": False})
        pickings = (first | second | refused).picking_ids
        action = pickings.action_marketplace_labels()
        batch = self.env["marketplace.label.batch"].search([], order="id desc", limit=1)
        self.assertIn(f"/web/content/marketplace.label.batch/{batch.id}/file/", action["url"])
        merged = base64.b64decode(batch.file)
        self.assertTrue(merged.startswith(b"%PDF"))
        self.assertEqual(len(PdfFileReader(io.BytesIO(merged)).pages), 2, "one page per label")
        self.assertIn(refused.picking_ids.name, batch.problems)
        self.assertEqual((first | second).picking_ids.marketplace_label_id.mapped("raw"), [label, label])

    def test_label_refused_shows_the_marketplace_reason(self):
        order = self.import_order()
        self.http.get(f"{EXITO_URL}/dev/api/orders/{order.marketplace_order_number}/sticker", status=400, json={
            "errors": [{"code": "500", "message": "La orden no tiene Centro de Acopio asignado"}],
            "data": None, "message": "Ooops, ocurrió un error.", "pendingResponse": False})
        with self.assertRaisesRegex(UserError, "La orden no tiene Centro de Acopio asignado"):
            order.picking_ids.action_marketplace_label()
        self.assertFalse(order.picking_ids.marketplace_label_id)

    # -- invoices -------------------------------------------------------------------------

    def invoice(self, order):
        for line in order.order_line:
            line.qty_delivered = line.product_uom_qty
        invoice = order._create_invoices()
        invoice.invoice_pdf_report_file = base64.b64encode(PDF)  # as if it had been printed or sent
        return invoice

    def test_posting_an_invoice_uploads_its_pdf_once(self):
        order = self.import_order()
        bill_url = f"{EXITO_URL}/dev/api/orders/bill"
        self.http.patch(bill_url, json={"errors": [], "data": True, "message": "File uploaded successfully."})
        invoice = self.invoice(order)
        invoice.action_post()
        self.assertFalse([call for call in self.http.calls if "bill" in call.request.url], "not while posting")
        self.run_jobs()
        calls = [json.loads(call.request.body) for call in self.http.calls if "bill" in call.request.url]
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0]["IdOrder"], order.marketplace_order_ref)
        self.assertEqual(calls[0]["FileType"], 1)
        self.assertEqual(base64.b64decode(calls[0]["Base64File"]), PDF)
        self.assertEqual(invoice.marketplace_invoice_state, "uploaded")

        invoice.button_draft()
        invoice.action_post()
        self.run_jobs()
        self.assertEqual(len([call for call in self.http.calls if "bill" in call.request.url]), 1, "once")

    def test_already_attached_invoice_counts_as_done(self):
        order = self.import_order()
        self.http.patch(f"{EXITO_URL}/dev/api/orders/bill", status=400, json={
            "errors": [{"code": "400", "message": "This order already has an attached invoice."}],
            "data": False, "message": "This order already has an attached invoice."})
        self.invoice(order).action_post()
        self.run_jobs()
        self.assertEqual(self.jobs_of("upload_invoice").state, "done")

    def test_an_invoice_that_could_not_be_uploaded_says_why(self):
        order = self.import_order()
        self.http.patch(f"{EXITO_URL}/dev/api/orders/bill", status=503, json={"message": "Service Unavailable"})
        invoice = self.invoice(order)
        invoice.action_post()
        self.assertFalse(invoice.marketplace_invoice_error)
        self.run_jobs()
        self.assertEqual(invoice.marketplace_invoice_state, "to_upload")
        invoice.invalidate_recordset(["marketplace_invoice_error"])
        self.assertIn("503", invoice.marketplace_invoice_error)

    # -- order changes --------------------------------------------------------------------

    def test_cancelled_on_exito_cancels_the_order_or_flags_it_when_shipped(self):
        open_order = self.import_order(1)
        shipped_order = self.import_order(2)
        shipped_order.picking_ids.carrier_tracking_ref = "GUIA-3"
        self.account.push_tracking = False
        self.validate(shipped_order.picking_ids)

        cancelled = [dict(exito_order(number, [("7752285029933", "smartwatch08", 2, 189900),
                                               ("7701234500016", "AUD-BT-01", 1, 129900)]),
                          idStatusOrder=80, statusOrder="Cancelado") for number in (1, 2)]
        self.http.reset()

        def orders_by_status(request):
            # Éxito filters by idStatusOrder: only the read of status 80 finds them.
            wanted = parse_qs(urlsplit(request.url).query).get("idStatusOrder", [""])[0]
            return 200, {}, json.dumps(orders_page(cancelled if wanted == "80" else []))

        self.http.add_callback(responses.GET, f"{EXITO_URL}/dev/api/orders", callback=orders_by_status)
        self.env["marketplace.account"]._cron_import_orders()
        self.run_jobs()
        self.assertEqual(open_order.state, "cancel")
        self.assertTrue(any("cancelled order 1" in message.body for message in open_order.message_ids))
        self.assertEqual(shipped_order.state, "sale")
        self.assertTrue(shipped_order.marketplace_cancelled)
        self.assertTrue(shipped_order.activity_ids)
        self.run_jobs()
        self.env["marketplace.account"]._cron_import_orders()
        self.run_jobs()
        self.assertEqual(len(self.jobs_of("order_status")), 2, "a status is applied once per order")

    # -- settlements ----------------------------------------------------------------------

    def test_billing_import_links_commissions_to_orders(self):
        order = self.import_order(704359035, [("7752285029933", "smartwatch08", 1, 104900)])
        with open(file_path("marketplace_connector/marketplaces/tests/fixtures/exito_billing_response.json"),
                  encoding="utf-8") as handle:
            billing = json.load(handle)
        self.http.get(f"{EXITO_URL}/billing/api/", json=dict(billing, paginationToken="{}"))
        self.account.action_import_settlements()
        [query] = [parse_qs(urlsplit(call.request.url).query) for call in self.http.calls
                   if "billing" in call.request.url]
        self.assertEqual((query["idSeller"], query["paginationToken"]), (["11618"], ["{}"]), "learnt from the order")
        self.assertEqual(self.account.exito_seller_id, "11618")
        settlement = self.env["marketplace.settlement"].search([("account_id", "=", self.account.id)])
        self.assertRecordValues(settlement, [{
            "billing_number": "9406165195", "payment_order": "6200006051", "sale_order_id": order.id,
            "commission": 8975, "iva": -1705.25, "total": 95925, "gross_amount": 104900}])
        self.assertEqual(settlement.line_ids.ean, "MP02080000000035")
        self.assertEqual(settlement.currency_id.name, "COP", "Éxito pays in pesos, whatever the company's currency")
        self.assertEqual((order.marketplace_commission, order.marketplace_payout), (8975, 95925))

        self.account.action_import_settlements()
        self.assertEqual(len(self.env["marketplace.settlement"].search([("account_id", "=", self.account.id)])), 1,
                         "read again, recorded once")

    def test_a_settlement_read_before_its_order_is_linked_when_the_order_arrives(self):
        self.account.exito_seller_id = "11618"
        with open(file_path("marketplace_connector/marketplaces/tests/fixtures/exito_billing_response.json"),
                  encoding="utf-8") as handle:
            billing = json.load(handle)
        self.http.get(f"{EXITO_URL}/billing/api/", json=dict(billing, paginationToken="{}"))
        self.account.action_import_settlements()
        settlement = self.env["marketplace.settlement"].search([("account_id", "=", self.account.id)])
        self.assertFalse(settlement.sale_order_id)
        order = self.import_order(704359035, [("7752285029933", "smartwatch08", 1, 104900)])
        self.assertEqual(settlement.sale_order_id, order)
