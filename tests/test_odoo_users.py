"""Odoo keeps working for the people who use its own apps without any Marketplaces group: a
salesperson, a warehouse worker and an invoicing user open marketplace orders, their deliveries,
products and invoices the way the web client does (the action's views, then ``web_search_read``
of the list and kanban and ``web_read`` of the form with the fields those views hold), and do
their usual work on them; a customer opens his order in the portal."""

import base64

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

from .common import EXITO_URL, MarketfulCase, MarketplaceCase, XmartCase, exito_order, orders_page

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

SALESPERSON = "sales_team.group_sale_salesman_all_leads"
STOCK_USER = "stock.group_stock_user"
BILLING_USER = "account.group_account_invoice"


def fields_spec(node, models, model_name):
    """The ``web_read`` specification the web client builds from a view's ``arch``: every field
    of this level, many2ones with their display name, x2manys with the fields of their sub-view."""
    model_fields = models[model_name]["fields"]
    level = node.xpath("count(ancestor::field)")
    spec = {}
    for field_node in node.xpath(f".//field[count(ancestor::field) = {level}]"):
        name = field_node.get("name")
        info = model_fields.get(name, {})
        field_spec = spec.setdefault(name, {})
        if info.get("type") == "many2one":
            field_spec.setdefault("fields", {})["display_name"] = {}
        elif info.get("type") in ("one2many", "many2many"):
            subviews = [child for child in field_node if child.tag in ("list", "kanban")]
            if subviews:
                field_spec.setdefault("fields", {}).update(fields_spec(subviews[0], models, info["relation"]))
                field_spec["limit"] = 40
            else:
                field_spec.setdefault("fields", {})["display_name"] = {}
    return spec


class OpensLikeTheWebClient:
    """Opening records as a given user, the way the web client does."""

    def as_user(self, user, records):
        """``records`` as ``user`` in a fresh request: nothing cached, so that every value read
        is checked against his rights (values the test's setup cached would skip the checks)."""
        self.env.invalidate_all()
        return records.with_user(user)

    def open_action(self, user, action, record, form=True):
        """Load the views of window ``action`` (an xml id or an action dict) as ``user``, find
        ``record`` in its list and kanban views and read it with its form view's fields.

        :param bool form: whether to open the form too (Odoo's own sale order form is not for
            warehouse or invoicing users once ``sale_management`` is installed: its options
            model is not theirs to read, with or without this module)
        :return: the form's values (the list's when ``form`` is false)
        """
        if isinstance(action, str):
            action = self.env["ir.actions.act_window"]._for_xml_id(action)
        self.assertEqual(record._name, action["res_model"])
        model = self.as_user(user, self.env[action["res_model"]])
        views = [[view_id, view_type] for view_id, view_type in action["views"]]
        if not any(view_type == "form" for _view_id, view_type in views):
            views.append([False, "form"])
        search_view = action.get("search_view_id")
        views.append([search_view and search_view[0], "search"])
        loaded = model.get_views(views, {"toolbar": True, "load_filters": True})
        values = {}
        for view_type in ("list", "kanban"):
            if view_type in loaded["views"]:
                spec = fields_spec(etree.fromstring(loaded["views"][view_type]["arch"]), loaded["models"], model._name)
                found = model.web_search_read([("id", "=", record.id)], spec, limit=80)
                self.assertEqual([row["id"] for row in found["records"]], record.ids,
                                 f"{user.login} finds {record.display_name} in the {view_type} view")
                values.update(found["records"][0])
        if not form:
            return values
        spec = fields_spec(etree.fromstring(loaded["views"]["form"]["arch"]), loaded["models"], model._name)
        [values] = model.browse(record.id).web_read(spec)
        self.assertEqual(values["id"], record.id)
        return values

    def open_form(self, user, record):
        """Open ``record`` from a link (a many2one, a smart button): its default form view."""
        return self.open_action(user, self.as_user(user, record).get_formview_action(), record)

    def assert_no_marketplace_data(self, values):
        leaked = sorted(name for name in values if name.startswith(("marketplace", "marketful", "xmart", "exito")))
        self.assertFalse(leaked, "a user outside the Marketplaces groups gets no marketplace data")


@tagged("post_install", "-at_install")
class TestOdooUsersOnExitoOrders(OpensLikeTheWebClient, MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stock = cls.account.warehouse_id.lot_stock_id
        for product in cls.products:
            cls.env["stock.quant"]._update_available_quantity(product, stock, 50)
        cls.carrier = cls.env["delivery.carrier"].create({
            "name": "Servientrega Odoo", "product_id": cls.shipping_product.id, "exito_carrier_name": "SERVIENTREGA"})
        cls.salesperson = new_test_user(cls.env, login="mc_salesperson", groups=SALESPERSON)
        cls.stock_user = new_test_user(cls.env, login="mc_stock_user", groups=STOCK_USER)
        cls.billing_user = new_test_user(cls.env, login="mc_billing_user", groups=BILLING_USER)

    def setUp(self):
        super().setUp()
        self.mock_pages(orders_page([exito_order(1, [("7752285029933", "smartwatch08", 2, 189900)])]))
        self.account.action_import_orders()
        self.order = self.orders_of()
        self.assertEqual(self.order.state, "sale")
        self.picking = self.order.picking_ids
        self.picking.write({"carrier_id": self.carrier.id, "carrier_tracking_ref": "GUIA-1"})

    def ship(self, user):
        picking = self.as_user(user, self.picking)
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(self.picking.state, "done")

    def invoice(self):
        invoice = self.order._create_invoices()
        invoice.invoice_pdf_report_file = base64.b64encode(PDF)  # as if it had been printed or sent
        return invoice

    def test_salesperson_opens_the_order_its_delivery_invoice_and_product(self):
        self.ship(self.env.user)
        invoice = self.invoice()
        invoice.action_post()
        user = self.salesperson
        for action in ("sale.action_orders", "sale.action_quotations_with_onboarding"):
            self.assert_no_marketplace_data(self.open_action(user, action, self.order))
        self.assertEqual(self.open_form(user, self.order)["name"], self.order.name)
        order = self.as_user(user, self.order)
        self.assert_no_marketplace_data(self.open_action(user, order.action_view_delivery(), self.picking))
        self.assert_no_marketplace_data(self.open_action(user, order.action_view_invoice(), invoice))
        self.assert_no_marketplace_data(
            self.open_action(user, "sale.product_template_action", self.smartwatch.product_tmpl_id))
        self.assert_no_marketplace_data(self.open_form(user, self.smartwatch))
        [every_field] = self.as_user(user, self.order).read()
        self.assert_no_marketplace_data(every_field)  # a read of all fields (an export, a Form) skips them

    def test_stock_user_opens_validates_and_prints_the_label_of_the_delivery(self):
        user = self.stock_user
        values = self.open_action(user, "stock.action_picking_tree_all", self.picking)
        self.assertEqual(values["marketplace_account_id"]["display_name"], self.account.name,
                         "the warehouse sees that a marketplace waits for this delivery")
        self.assertFalse(values["marketplace_tracking_state"])
        self.assert_no_marketplace_data(self.open_action(user, "sale.action_orders", self.order, form=False))
        self.open_action(user, "stock.product_template_action_product", self.smartwatch.product_tmpl_id)

        self.ship(user)
        self.assertEqual(self.picking.marketplace_tracking_state, "to_send", "the tracking waits for the job runner")
        self.assertTrue(self.jobs_of("push_tracking"))

        sticker = f"{EXITO_URL}/dev/api/orders/{self.order.marketplace_order_number}/sticker"
        self.http.get(sticker, json={"errors": [], "data": "http://127.0.0.1:9/s3/Label_1.pdf",
                                     "message": "Operación realizada con éxito", "pendingResponse": False})
        self.http.get("http://127.0.0.1:9/s3/Label_1.pdf", body=PDF, content_type="application/pdf")
        action = self.as_user(user, self.picking).action_marketplace_label()
        self.assertEqual(self.picking.marketplace_label_id.raw, PDF)
        self.assertIn(f"/web/content/{self.picking.marketplace_label_id.id}", action["url"])
        self.assertEqual(self.as_user(user, self.picking.marketplace_label_id).raw, PDF, "and may download it")

    def test_label_is_not_fetched_for_someone_who_may_not_change_the_delivery(self):
        viewer = new_test_user(self.env, login="mc_stock_viewer", groups="base.group_user")
        calls = len(self.http.calls)
        with self.assertRaises(AccessError):
            self.as_user(viewer, self.picking).action_marketplace_label()
        self.assertEqual(len(self.http.calls), calls, "the marketplace was not called")

    def test_invoicing_user_opens_and_posts_the_invoice(self):
        self.ship(self.env.user)
        invoice = self.invoice()
        user = self.billing_user
        self.open_action(user, "account.action_move_out_invoice_type", invoice)
        self.assert_no_marketplace_data(self.open_action(user, "sale.action_orders", self.order, form=False))
        self.open_form(user, self.picking)
        self.open_action(user, "account.product_product_action_sellable", self.smartwatch.product_tmpl_id)

        self.as_user(user, invoice).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.marketplace_invoice_state, "to_upload")
        self.assertEqual(self.open_action(user, "account.action_move_out_invoice_type", invoice)
                         ["marketplace_invoice_state"], "to_upload", "the accountant sees that it waits for upload")
        self.http.patch(f"{EXITO_URL}/dev/api/orders/bill",
                        json={"errors": [], "data": True, "message": "File uploaded successfully."})
        self.run_jobs()
        self.assertEqual(invoice.marketplace_invoice_state, "uploaded")

    def test_salesperson_works_quotations_with_taxes(self):
        # Lines of every order go through the module's tax override, whoever edits them.
        order = self.as_user(self.salesperson, self.env["sale.order"]).create({
            "partner_id": self.salesperson.partner_id.id,
            "order_line": [Command.create({"product_id": self.smartwatch.id, "product_uom_qty": 1})]})
        self.assertEqual(order.order_line.tax_id, self.iva, "an ordinary order keeps its taxes")
        line = self.as_user(self.salesperson, order.order_line)
        line.product_id = self.headphones
        self.assertEqual(line.tax_id, self.iva)
        order = self.as_user(self.salesperson, order)
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(order.state, "cancel")


@tagged("post_install", "-at_install")
class TestOdooUsersOnXmartOrders(OpensLikeTheWebClient, XmartCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.auto_confirm = False  # quotations: the salesperson confirms them
        cls.store = cls.env["marketplace.xmart.store"].create({
            "account_id": cls.account.id, "brand_id": cls.brand.id, "code": "QUI-01", "name": "Quito Norte",
            "xmart_id": "ST-0001", "warehouse_id": cls.north.id})
        cls.salesperson = new_test_user(cls.env, login="mc_xm_salesperson", groups=SALESPERSON)
        cls.stock_user = new_test_user(cls.env, login="mc_xm_stock_user", groups=STOCK_USER)
        cls.billing_user = new_test_user(cls.env, login="mc_xm_billing_user", groups=BILLING_USER)

    def import_order(self, number, order_type="DELIVERY"):
        """An X-Mart order as its retrieval stores it, imported; with a coupon redeemed for it."""
        payload = {
            "orderId": f"XM-{number}", "orderNumber": str(number), "storeId": "ST-0001", "channelId": "CH-0001",
            "vendorId": "BR-001", "status": "New", "orderType": order_type, "createdAt": "2026-11-20T10:15:00-05:00",
            "currency": "USD",
            "customer": {"name": "María José Andrade", "documentType": "CI", "document": f"17123456{number}",
                         "email": "mj.andrade@example.ec", "phone": "+593991234567"},
            "billing": {"finalConsumer": False, "name": "María José Andrade", "documentType": "CI",
                        "document": f"17123456{number}", "address": "Av. Amazonas N34-120"},
            "shippingAddress": order_type == "DELIVERY" and {
                "address": "Av. Amazonas N34-120", "cityId": "UIO", "cityName": "Quito", "sectorId": "SEC-12",
                "sectorName": "La Carolina"} or None,
            "items": [{"itemId": "IT-1", "productId": "COMBO-FAM", "name": "Combo familiar", "quantity": 1,
                       "unitPrice": 20.0, "total": 20.0, "modifiers": []},
                      {"itemId": "IT-2", "productId": "GASEOSA-1L", "name": "Gaseosa 1 L", "quantity": 2,
                       "unitPrice": 1.5, "total": 3.0, "modifiers": []}],
            "subtotal": 23.0, "deliveryFee": 0, "discount": 0, "total": 23.0,
            "_payment": {"method": "CARD", "status": "PAID", "amount": 23.0, "paid_at": "2026-11-20T15:16:00+00:00"},
        }
        self.Job.create({"name": f"X-Mart order {number}", "account_id": self.account.id, "job_type": "import_order",
                         "dedupe_key": f"order:XM-{number}", "payload": payload})
        self.run_jobs()
        order = self.env["sale.order"].search([("marketplace_order_ref", "=", f"XM-{number}")])
        self.assertEqual(len(order), 1, self.jobs_of("import_order").mapped("last_error"))
        self.env["marketplace.xmart.coupon"].create({
            "order_id": order.id, "customer_uid": "UID-77", "code": "BIENVENIDA10", "coupon_ref": "CP-1",
            "discount": 10.0, "redeemed_at": fields.Datetime.now()})
        return order

    def test_salesperson_stock_and_invoicing_users_open_an_order_with_a_coupon(self):
        order = self.import_order(1)
        self.assertTrue(order.xmart_coupon_ids)
        order.action_confirm()
        picking = order.picking_ids
        for action in ("sale.action_orders", "sale.action_quotations_with_onboarding"):
            self.assert_no_marketplace_data(self.open_action(self.salesperson, action, order))
        self.assert_no_marketplace_data(self.open_action(
            self.salesperson, self.as_user(self.salesperson, order).action_view_delivery(), picking))
        self.assert_no_marketplace_data(self.open_action(self.stock_user, "sale.action_orders", order, form=False))
        self.open_action(self.stock_user, "stock.action_picking_tree_all", picking)
        self.assert_no_marketplace_data(self.open_action(self.billing_user, "sale.action_orders", order, form=False))
        self.assert_no_marketplace_data(self.open_action(
            self.salesperson, "sale.product_template_action", self.combo.product_tmpl_id))

    def test_salesperson_cancels_and_store_clerk_hands_over_a_pickup_order(self):
        order = self.import_order(2)
        self.as_user(self.salesperson, order).action_confirm()
        self.as_user(self.salesperson, order)._action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(sorted(job.payload["status"] for job in self.jobs_of("push_status")),
                         ["Accepted", "Canceled", "InPreparation"], "X-Mart hears of what the salesperson did")

        pickup = self.import_order(3, order_type="PICKUP")
        pickup.action_confirm()
        picking = pickup.picking_ids
        values = self.open_action(self.stock_user, "stock.action_picking_tree_all", picking)
        self.assertEqual(values["xmart_order_type"], "PICKUP", "the clerk sees that the customer collects it")
        self.as_user(self.stock_user, picking).action_xmart_customer_collected()
        self.assertEqual(picking.state, "done")

    def test_inventory_administrator_duplicates_a_brand_product_and_a_mapped_carrier(self):
        inventory_admin = new_test_user(self.env, login="mc_xm_inventory_admin", groups="stock.group_stock_manager")
        template = self.combo.product_tmpl_id
        template.xmart_brand_id = self.brand
        copy = self.as_user(inventory_admin, template).copy()
        self.assertEqual(copy.sudo().xmart_brand_id, self.brand, "the duplicate sells under the same brand")
        self.assert_no_marketplace_data(self.open_form(inventory_admin, copy))

        carrier = self.env["delivery.carrier"].create({
            "name": "Servientrega", "product_id": self.combo.id, "exito_carrier_name": "SERVIENTREGA"})
        duplicate = self.as_user(inventory_admin, carrier).copy()
        self.assertEqual(duplicate.exito_carrier_name, "SERVIENTREGA")
        self.assert_no_marketplace_data(self.open_form(inventory_admin, duplicate))


@tagged("post_install", "-at_install")
class TestOdooUsersOnMarketfulOrders(OpensLikeTheWebClient, MarketfulCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(cls.env, login="mc_mf_salesperson", groups=SALESPERSON)
        cls.stock_user = new_test_user(cls.env, login="mc_mf_stock_user", groups=STOCK_USER)
        for product in cls.products:
            cls.env["stock.quant"]._update_available_quantity(product, cls.warehouse.lot_stock_id, 10)

    def test_salesperson_confirms_an_order_fulfilled_by_marketful_and_stock_user_ships_it(self):
        order = self.as_user(self.salesperson, self.make_order(confirm=False))
        order.action_confirm()
        self.assertEqual(order.sudo().marketful_state, "to_send", "the order goes to Marketful whoever confirms")
        self.assertTrue(self.jobs_of("push_fulfillment"))
        self.assert_no_marketplace_data(self.open_action(self.salesperson, "sale.action_orders", order))
        picking = order.sudo().picking_ids
        self.assert_no_marketplace_data(self.open_action(self.salesperson, order.action_view_delivery(), picking))
        self.open_action(self.stock_user, "stock.action_picking_tree_all", picking)
        self.assert_no_marketplace_data(self.open_action(self.stock_user, "sale.action_orders", order, form=False))
        self.assert_no_marketplace_data(self.open_form(self.salesperson, self.estafeta))

    def test_stock_user_receives_goods_into_the_marketful_warehouse(self):
        suppliers = self.env.ref("stock.stock_location_suppliers")
        receipt = self.as_user(self.stock_user, self.env["stock.picking"]).create({
            "picking_type_id": self.warehouse.in_type_id.id,
            "move_ids": [Command.create({"name": "Proteína", "product_id": self.protein_2kg.id, "product_uom_qty": 5,
                                         "location_id": suppliers.id,
                                         "location_dest_id": self.warehouse.lot_stock_id.id})]})
        receipt.action_confirm()
        self.open_action(self.stock_user, "stock.action_picking_tree_all", receipt)
        receipt.move_ids.write({"quantity": 5, "picked": True})
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(receipt.sudo().marketful_entry_state, "to_send", "Marketful is told what arrives")


@tagged("post_install", "-at_install")
class TestPortalCustomerOpensHisMarketplaceOrder(HttpCase, MarketplaceCase):

    def test_customer_opens_his_order_delivery_and_invoice_in_the_portal(self):
        self.http.add_passthru(self.base_url())
        self.mock_pages(orders_page([exito_order(7, [("7752285029933", "smartwatch08", 1, 189900)])]))
        self.account.action_import_orders()
        order = self.orders_of()
        customer = new_test_user(self.env, login="mc_portal", groups="base.group_portal",
                                 partner_id=order.partner_id.id)
        # Imported orders do not make their buyers followers; a seller who shares the order does.
        order.message_subscribe(partner_ids=customer.partner_id.ids)
        order.picking_ids.carrier_tracking_ref = "GUIA-7"
        order.picking_ids.move_ids.write({"quantity": 1, "picked": True})
        order.picking_ids.button_validate()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["marketplace.xmart.coupon"].create({
            "order_id": order.id, "customer_uid": "UID-1", "code": "ANY", "discount": 1})

        self.authenticate(customer.login, customer.login)
        for url in (f"/my/orders/{order.id}", f"/my/picking/pdf/{order.picking_ids.id}", f"/my/invoices/{invoice.id}",
                    "/my/orders"):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 200, url)
        self.assertIn(order.name, self.url_open(f"/my/orders/{order.id}").text)
        # What the portal page asks over RPC for the order is his to read; the marketplace's data is not.
        values = self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "sale.order", "method": "web_read", "args": [order.ids, {"name": {}, "amount_total": {}}],
            "kwargs": {}})
        self.assertEqual(values[0]["name"], order.name)
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.make_jsonrpc_request("/web/dataset/call_kw", {
                "model": "sale.order", "method": "read", "args": [order.ids, ["marketplace_order_ref"]], "kwargs": {}})
