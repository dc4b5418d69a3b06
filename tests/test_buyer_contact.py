"""Odoo never contacts marketplace buyers: no mail, SMS or portal invitation in any flow
(confirmation, delivery, invoice), while a hand-made order for the same partner is ordinary Odoo."""

import base64
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MarketplaceCase, exito_order, orders_page

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestBuyerContact(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stock = cls.account.warehouse_id.lot_stock_id
        for product in cls.products:
            cls.env["stock.quant"]._update_available_quantity(product, stock, 50)
        cls.company.stock_move_email_validation = True  # stock's delivery mail to the customer

    def import_order(self, confirm=True):
        self.account.auto_confirm = confirm
        self.mock_pages(orders_page([exito_order(4242, [("7752285029933", "smartwatch08", 1, 189900)])]))
        self.account.action_import_orders()
        order = self.orders_of()
        order.partner_id.write({"email": "buyer@example.com", "mobile": "+57 300 123 4567"})
        return order

    def hand_made_order(self, partner):
        """An ordinary order of the same partner, made in Odoo."""
        order = self.SaleOrder.create({
            "partner_id": partner.id, "warehouse_id": self.account.warehouse_id.id,
            "order_line": [Command.create({"product_id": self.smartwatch.id, "product_uom_qty": 1})]})
        order.with_context(send_email=True).action_confirm()
        return order

    def notified(self, records, partner):
        """Notifications (mail, SMS, inbox) of ``partner`` about ``records``."""
        messages = self.env["mail.message"].search([("model", "=", records._name), ("res_id", "in", records.ids)])
        return self.env["mail.notification"].search(
            [("mail_message_id", "in", messages.ids), ("res_partner_id", "=", partner.id)])

    def validate(self, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def invoice(self, order):
        invoice = order._create_invoices()
        invoice.invoice_pdf_report_file = base64.b64encode(PDF)  # as if printed: sending needs no rendering
        invoice.action_post()
        return invoice

    # -- confirmation ---------------------------------------------------------------------

    def test_confirmation_neither_subscribes_nor_mails_the_buyer(self):
        order = self.import_order(confirm=False)
        buyer = order.partner_id
        order.with_context(send_email=True).action_confirm()  # by hand, asking for the confirmation mail
        self.assertNotIn(buyer, order.message_partner_ids)
        self.assertFalse(self.notified(order, buyer))
        self.assertFalse(order.message_ids.filtered(lambda message: message.message_type == "comment"),
                         "no confirmation mail posted")

        mine = self.hand_made_order(buyer)
        self.assertIn(buyer, mine.message_partner_ids, "a hand-made order is ordinary Odoo")
        self.assertTrue(self.notified(mine, buyer))

    def test_a_message_posted_on_a_marketplace_order_never_reaches_the_buyer(self):
        order = self.import_order()
        buyer = order.partner_id
        # A person may share the order with its buyer (the portal shows it to followers): Odoo's mails
        # and SMS still leave the buyer out.
        order.message_subscribe(partner_ids=buyer.ids)
        self.assertIn(buyer, order.message_partner_ids)
        order.message_post(body="Your order is on its way", partner_ids=buyer.ids,
                           message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertFalse(self.notified(order, buyer))
        mine = self.hand_made_order(buyer)
        mine.message_post(body="Your order is on its way", partner_ids=buyer.ids,
                          message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertTrue(self.notified(mine, buyer))

    # -- delivery -------------------------------------------------------------------------

    def test_validating_a_delivery_neither_mails_nor_texts_the_buyer(self):
        order = self.import_order()
        buyer = order.partner_id
        picking = order.picking_ids
        picking.carrier_tracking_ref = "GUIA-9"  # Éxito needs it to validate
        self.assertNotIn(buyer, picking.message_partner_ids)
        seen = []
        StockPicking = type(self.env["stock.picking"])
        original = StockPicking._pre_action_done_hook

        def spy(pickings):
            seen.append(pickings.env.context.get("skip_sms"))
            return original(pickings)

        with patch.object(StockPicking, "_pre_action_done_hook", spy):
            self.validate(picking)
        # stock_sms offers and sends its SMS unless skip_sms (it is not a dependency of the module).
        self.assertEqual(seen, [True])
        self.assertNotIn(buyer, picking.message_partner_ids)
        self.assertFalse(self.notified(picking, buyer), "no delivery mail")
        # An SMS is a message of type sms to the same recipients: the buyer is never one of them.
        picking.message_post(body="Delivered", partner_ids=buyer.ids, message_type="comment",
                             subtype_xmlid="mail.mt_comment")
        self.assertFalse(self.notified(picking, buyer))

        mine = self.hand_made_order(buyer).picking_ids
        seen.clear()
        with patch.object(StockPicking, "_pre_action_done_hook", spy):
            self.validate(mine)
        self.assertEqual(seen, [None])
        self.assertIn(buyer, mine.message_partner_ids)
        self.assertTrue(self.notified(mine, buyer), "the delivery mail of a hand-made order goes out")

    # -- invoice --------------------------------------------------------------------------

    def test_posting_and_sending_an_invoice_never_mails_the_buyer(self):
        order = self.import_order()
        buyer = order.partner_id
        for line in order.order_line:
            line.qty_delivered = line.product_uom_qty
        invoice = self.invoice(order)
        self.assertTrue(invoice.message_partner_ids, "Odoo subscribes the customer when posting, as usual")
        Send = self.env["account.move.send"]
        self.assertEqual(Send._get_default_sending_method(invoice), "manual")
        self.assertFalse(Send._is_applicable_to_move("email", invoice))
        Send._generate_and_send_invoices(invoice, sending_methods=["email"])
        self.assertFalse(self.notified(invoice, buyer))
        invoice.message_post(body="Your invoice", message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertFalse(self.notified(invoice, buyer), "a follower, never a recipient")

        mine = self.hand_made_order(buyer)
        for line in mine.order_line:
            line.qty_delivered = line.product_uom_qty
        my_invoice = self.invoice(mine)
        self.assertIn(buyer, my_invoice.message_partner_ids)
        self.assertEqual(Send._get_default_sending_method(my_invoice), "email")
        Send._generate_and_send_invoices(my_invoice, sending_methods=["email"])
        self.assertTrue(self.notified(my_invoice, buyer))

    # -- portal ---------------------------------------------------------------------------

    def test_a_marketplace_only_buyer_is_not_invited_to_the_portal(self):
        buyer = self.import_order().partner_id
        wizard = self.env["portal.wizard"].with_context(active_ids=buyer.ids, active_model="res.partner").create({})
        with self.assertRaisesRegex(UserError, "bought through a marketplace only"):
            wizard.user_ids.action_grant_access()
        self.assertFalse(buyer.user_ids)

        self.hand_made_order(buyer)
        wizard.user_ids.action_grant_access()
        self.assertTrue(buyer.user_ids, "a customer of the seller's own may be invited")
