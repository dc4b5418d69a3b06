import json
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo import Command
from odoo.tests import tagged

from ..models import marketplace_account
from .common import EXITO_TOKEN, MarketplaceCase, exito_order, orders_page, seed_page


@tagged("post_install", "-at_install")
class TestExitoImport(MarketplaceCase):

    def sent_queries(self):
        return [{key: values[0] for key, values in parse_qs(urlsplit(call.request.url).query).items()}
                for call in self.http.calls]

    def test_seed_order_imports_with_partner_lines_prices_and_total(self):
        """The seed's own example: one watch at 9000 plus 20000 shipping, with 19% IVA on both
        the product and the shipping product; the Odoo order totals what the buyer paid."""
        self.mock_pages(dict(seed_page(), paginationToken="{}"))
        self.account.action_import_orders()

        [query] = self.sent_queries()
        self.assertEqual(query, {"culture": "es-CO", "limit": "100", "paginationToken": "{}",
                                 "idStatusOrder": "35", "dateOrderInitial": "2026/11/01"})
        self.assertEqual(self.http.calls[0].request.headers["Authorization"], EXITO_TOKEN)

        order = self.orders_of()
        self.assertEqual(len(order), 1)
        self.assertRecordValues(order, [{
            "marketplace_order_ref": "636979560820957673",
            "marketplace_order_number": "678930321",
            "client_order_ref": "678930321",
            "marketplace_status": "FacturadoEnviado",
            "marketplace_channel": "Exito.com",
            "marketplace_delivery_type": "Standar",
            "marketplace_label_url":
                "https://s3.amazonaws.com/seller-center-exito-staging/sticker-dev/Label_1077223218333_100004.pdf",
            "company_id": self.company.id,
            "pricelist_id": self.pricelist.id,
            "currency_id": self.cop.id,
            "state": "sale",
            "amount_total": 29000.0,
        }])
        self.assertEqual(str(order.date_order), "2019-07-05 11:18:14")
        self.assertEqual(str(order.marketplace_max_delivery_date), "2019-07-19 00:00:00")
        partner = order.partner_id
        self.assertRecordValues(partner, [{
            "name": "Leo", "vat": "1017142034", "phone": "2222222", "street": "cra 1 n 1-1",
            "city": "Florencia", "company_id": self.company.id,
        }])
        self.assertEqual(partner.country_id.code, "CO")
        self.assertEqual(partner.state_id.name, "Caquetá")
        self.assertEqual(order.partner_shipping_id, partner)

        product_line = order.order_line.filtered(lambda line: not line.is_delivery)
        self.assertRecordValues(product_line, [{
            "product_id": self.smartwatch.id, "product_uom_qty": 1.0, "price_unit": 9000.0,
            "marketplace_line_ref": "636979560820957718", "price_total": 9000.0,
        }])
        shipping_line = order.order_line.filtered("is_delivery")
        self.assertRecordValues(shipping_line, [{
            "product_id": self.shipping_product.id, "price_unit": 20000.0, "price_total": 20000.0}])
        # 19% IVA inside the prices: 29000 / 1.19 = 24369.75 untaxed.
        self.assertAlmostEqual(order.amount_untaxed, 24369.75, places=2)
        self.assertAlmostEqual(order.amount_tax, 4630.25, places=2)
        for line in order.order_line:
            self.assertTrue(line.tax_id.price_include)
            self.assertEqual(line.tax_id.amount, 19.0)
        # Confirmed, so the delivery exists.
        self.assertEqual(order.picking_ids.move_ids.product_id, self.smartwatch)
        self.assertIn("Imported from Grupo Éxito order 678930321.", str(order.message_ids.mapped("body")))
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", order.id)]),
                         "no mail per imported order")
        job = self.jobs_of()
        self.assertRecordValues(job, [{"state": "done", "res_model": "sale.order", "res_id": order.id,
                                       "dedupe_key": "order:636979560820957673"}])
        self.assertEqual(self.account.state, "connected")
        self.assertTrue(self.account.last_sync_date)

    def test_pages_import_every_order_once_and_a_second_read_creates_none(self):
        watch, phones = ("7752285029933", "smartwatch08"), ("7701234500016", "AUD-BT-01")
        orders = [exito_order(100 + n, [(*watch, 1, 189900), (*phones, 2, 129900)], shipping=9900)
                  for n in range(12)]
        token_1 = '{"Id":{"N":"637000000000000104"},"IdSeller":{"N":"11618"}}'
        token_2 = '{"Id":{"N":"637000000000000109"},"IdSeller":{"N":"11618"}}'
        pages = (orders_page(orders[:5], token_1), orders_page(orders[5:10], token_2), orders_page(orders[10:]))
        self.mock_pages(*pages)
        self.account.action_import_orders()

        self.assertEqual([query["paginationToken"] for query in self.sent_queries()], ["{}", token_1, token_2])
        sale_orders = self.orders_of()
        self.assertEqual(len(sale_orders), 12)
        self.assertEqual(sorted(sale_orders.mapped("marketplace_order_number")), [str(100 + n) for n in range(12)])
        for sale_order in sale_orders:
            self.assertEqual(sale_order.amount_total, 189900 + 2 * 129900 + 9900)
            self.assertEqual(len(sale_order.order_line), 3)
            self.assertEqual(sale_order.state, "sale")

        self.http.reset()
        self.mock_pages(*pages)
        self.account.action_import_orders()
        self.assertEqual(len(self.http.calls), 3)
        self.assertEqual(len(self.orders_of()), 12)
        self.assertEqual(len(self.jobs_of()), 12)

    def test_unknown_ean_waits_with_a_clear_message_then_imports_after_the_fix(self):
        self.mock_pages(orders_page([exito_order(200, [("7709999999999", "NEW-01", 1, 50000)])]))
        self.account.action_import_orders()

        job = self.jobs_of()
        self.assertRecordValues(job, [{"state": "waiting_products", "attempts": 0}])
        self.assertIn("7709999999999", job.last_error)
        self.assertIn("barcode", job.last_error)
        self.assertFalse(self.orders_of())
        self.assertFalse(self.env["res.partner"].search([("vat", "=", "1000000200")]), "nothing half-created")

        self.charger.barcode = "7709999999999"
        self.assertEqual(job.state, "pending", "the fix makes it due at once, no retry needed")
        self.run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(self.orders_of().order_line.product_id, self.charger)

    def test_listing_seller_sku_resolves_a_product_without_barcode(self):
        product = self.env["product.product"].create({"name": "No barcode", "type": "consu"})
        self.env["marketplace.listing"].create({
            "account_id": self.account.id, "product_id": product.id, "seller_sku": "SELLER-42"})
        self.mock_pages(orders_page([exito_order(210, [("", "SELLER-42", 3, 1000)])]))
        self.account.action_import_orders()
        self.assertEqual(self.orders_of().order_line.product_id, product)

    def test_one_bad_order_does_not_hold_back_the_batch(self):
        good = [exito_order(300 + n, [("7701234500023", "PAR-PORT-02", 1, 219900)]) for n in range(3)]
        bad = exito_order(310, [("7701234500023", "PAR-PORT-02", 1, 219900)])
        del bad["clientName"]
        self.mock_pages(orders_page([*good, bad]))
        self.account.action_import_orders()

        self.assertEqual(len(self.orders_of()), 3)
        # a payload that cannot validate gives up at once: no attempt can change it
        failed = self.jobs_of().filtered(lambda job: job.state == "dead")
        self.assertEqual(failed.dedupe_key, f"order:{bad['id']}")
        self.assertIn("clientName: Field required", failed.last_error)
        self.assertEqual(failed.payload, bad, "the raw payload is kept for a retry")

        # A manager corrects the payload and retries.
        fixed = dict(bad, clientName="Carlos Pérez")
        failed.action_correct_payload(json.dumps(fixed))
        failed.action_retry()
        self.run_jobs()
        self.assertEqual(failed.state, "done")
        self.assertEqual(len(self.orders_of()), 4)

    def test_order_whose_taxes_cannot_be_included_fails_alone_and_creates_nothing(self):
        group = self.env["account.tax"].create({
            "name": "Group tax", "amount_type": "group", "type_tax_use": "sale",
            "children_tax_ids": [Command.create({
                "name": "Child 8%", "amount": 8.0, "amount_type": "percent", "type_tax_use": "none",
                "price_include_override": "tax_excluded"})],
        })
        self.speaker.taxes_id = group
        good = exito_order(400, [("7752285029933", "smartwatch08", 1, 189900)])
        bad = exito_order(401, [("7701234500023", "PAR-PORT-02", 1, 219900)])
        self.mock_pages(orders_page([good, bad]))
        self.account.action_import_orders()

        self.assertEqual(self.orders_of().mapped("marketplace_order_number"), ["400"])
        bad_job = self.jobs_of().filtered(lambda job: job.dedupe_key == f"order:{bad['id']}")
        self.assertEqual(bad_job.state, "failed")
        self.assertIn("totals", bad_job.last_error)
        self.assertIn("219900", bad_job.last_error)

    def test_known_buyer_is_reused_and_a_new_address_gets_a_delivery_contact(self):
        line = [("7752285029933", "smartwatch08", 1, 189900)]
        first = exito_order(500, line, identification="52123456", name="Luisa Fernanda Ríos")
        second = exito_order(501, line, identification="52123456", name="Luisa Fernanda Ríos")
        third = exito_order(502, line, identification="52123456", name="Luisa Fernanda Ríos",
                            address="Carrera 7 # 72-41 Apto 302, BOGOTA D.C., BOGOTA D.C., Colombia",
                            code_dane="11001000")
        self.mock_pages(orders_page([first]))
        self.account.action_import_orders()
        self.http.reset()
        self.mock_pages(orders_page([second, third]))
        self.account.action_import_orders()

        orders = self.orders_of().sorted("marketplace_order_number")
        buyer = orders[0].partner_id
        self.assertEqual(orders.partner_id, buyer, "one partner for the buyer")
        self.assertEqual(orders[1].partner_shipping_id, buyer)
        delivery = orders[2].partner_shipping_id
        self.assertRecordValues(delivery, [{
            "parent_id": buyer.id, "type": "delivery", "street": "Carrera 7 # 72-41 Apto 302",
            "city": "Bogotá, D.C."}])
        self.assertEqual(delivery.state_id.code, "DC")

    def test_quotations_when_confirmation_is_off(self):
        self.account.auto_confirm = False
        self.mock_pages(orders_page([exito_order(600, [("7752285029933", "smartwatch08", 1, 189900)])]))
        self.account.action_import_orders()
        self.assertEqual(self.orders_of().state, "draft")

    def test_pricelist_in_another_currency_is_explained(self):
        # Saving refuses it now (tests/test_account_setup.py); an account saved before that check
        # still explains itself at import.
        usd = self.env["product.pricelist"].create({"name": "USD", "currency_id": self.env.ref("base.USD").id})
        self.env.cr.execute("UPDATE marketplace_account SET pricelist_id = %s WHERE id = %s", [usd.id, self.account.id])
        self.account.invalidate_recordset(["pricelist_id"])
        self.mock_pages(orders_page([exito_order(700, [("7752285029933", "smartwatch08", 1, 189900)])]))
        self.account.action_import_orders()
        job = self.jobs_of()
        self.assertEqual(job.state, "failed")
        self.assertIn("choose a pricelist in COP", job.last_error)

    def test_test_connection(self):
        self.http.get("http://127.0.0.1:9/exito/dev/api/orders", json=orders_page([]))
        action = self.account.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(self.http.calls[0].request.url.split("?")[1].count("limit=1"), 1)

        self.http.replace("GET", "http://127.0.0.1:9/exito/dev/api/orders", status=401,
                          json={"message": "Unauthorized"})
        action = self.account.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("refused the credentials", action["params"]["message"])
        self.assertEqual(self.account.state, "error")

    def test_import_button_says_why_reading_failed(self):
        self.http.get("http://127.0.0.1:9/exito/dev/api/orders", status=500, json={
            "errors": [{"code": "500", "message": "Internal server error"}], "data": None,
            "message": "Ooops, ocurrió un error."})
        action = self.account.action_import_orders()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("0 new orders imported.", action["params"]["message"])
        self.assertIn("Reading Éxito test failed: Éxito failed on its side (HTTP 500): Internal server error",
                      action["params"]["message"])

    def test_a_large_backlog_goes_on_in_the_background(self):
        orders = [exito_order(800 + n, [("7752285029933", "smartwatch08", 1, 189900)]) for n in range(150)]
        self.mock_pages(orders_page(orders))
        with patch.object(marketplace_account, "IMPORT_TIME_LIMIT", 0):
            action = self.account.action_import_orders()
        # Only the read of the page fits: its 150 orders are stored and left to the runner.
        self.assertEqual(action["params"]["message"],
                         "0 new orders imported. 150 more are being imported in the background.")
        self.assertEqual(len(self.jobs_of().filtered(lambda job: job.state == "pending")), 150)
        self.assertEqual(self.jobs_of("fetch_orders").state, "done")
        runner = self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", runner.id)]), "the runner is woken up")

    def test_analytic_distribution_models_still_apply(self):
        plan = self.env["account.analytic.plan"].create({"name": "Channels"})
        analytic = self.env["account.analytic.account"].create({"name": "Éxito sales", "plan_id": plan.id})
        self.env["account.analytic.distribution.model"].create({
            "product_id": self.smartwatch.id, "analytic_distribution": {str(analytic.id): 100}})
        self.mock_pages(orders_page([exito_order(900, [("7752285029933", "smartwatch08", 1, 189900),
                                                       ("7701234500016", "AUD-BT-01", 1, 129900)])]))
        self.account.action_import_orders()
        lines = self.orders_of().order_line
        self.assertEqual(lines.filtered(lambda line: line.product_id == self.smartwatch).analytic_distribution,
                         {str(analytic.id): 100})
        self.assertFalse(lines.filtered(lambda line: line.product_id == self.headphones).analytic_distribution)

    def test_buyers_do_not_follow_orders_and_deliveries_say_where_they_come_from(self):
        self.mock_pages(orders_page([exito_order(n, [("7752285029933", "smartwatch08", 1, 189900)])
                                     for n in (1, 2)]))
        self.account.action_import_orders()
        orders = self.orders_of()
        self.assertEqual(len(orders), 2)
        for order in orders:
            self.assertNotIn(order.partner_id, order.message_partner_ids, "Odoo must not mail marketplace buyers")
            picking = order.picking_ids
            notes = picking.message_ids.filtered(lambda message: "has been created from" in (message.body or ""))
            self.assertEqual(len(notes), 1)
            self.assertIn(f'data-oe-id="{order.id}"', notes.body)
            self.assertNotIn(order.partner_id, picking.message_partner_ids)
        # Elsewhere Odoo behaves as usual: a quotation confirmed by hand subscribes its customer.
        manual = self.env["sale.order"].create({
            "partner_id": orders[0].partner_id.id, "order_line": [Command.create({"product_id": self.charger.id})]})
        manual.action_confirm()
        self.assertIn(manual.partner_id, manual.message_partner_ids)
        self.assertIn(manual.partner_id, manual.picking_ids.message_partner_ids)
