import ast
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MarketplaceCase, exito_order, orders_page


@tagged("post_install", "-at_install")
class TestOverview(MarketplaceCase):
    """Marketplaces > Overview: per account, what arrived today, what is to ship, due today and late,
    each figure opening its list; the ship-by list of deliveries; sales per account in Odoo's analysis."""

    def import_orders(self, count):
        lines = [("7752285029933", "smartwatch08", 1, 189900)]
        self.mock_pages(orders_page([exito_order(number, lines) for number in range(1, count + 1)]))
        self.account.action_import_orders()
        orders = self.orders_of().sorted("marketplace_order_number")
        self.assertEqual(len(orders), count)
        return orders

    def figures(self):
        self.account.invalidate_recordset()
        return {name: self.account[f"overview_{name}"] for name in ("orders_today", "to_ship", "due_today", "late")}

    def records_behind(self, figure):
        action = self.account.with_context(overview_figure=figure).action_overview_open()
        return self.env[action["res_model"]].search(action["domain"])

    def test_each_figure_counts_and_opens_what_needs_doing(self):
        late, due_today, later, shipped = self.import_orders(4)
        now = fields.Datetime.now()
        _start, end_of_day = self.account._overview_day()
        late.marketplace_max_delivery_date = now - timedelta(hours=3)
        due_today.marketplace_max_delivery_date = now + (end_of_day - now) / 2
        later.marketplace_max_delivery_date = end_of_day + timedelta(days=2)
        shipped.marketplace_max_delivery_date = now - timedelta(hours=1)
        shipped.picking_ids.carrier_tracking_ref = "GUIA-1"
        for move in shipped.picking_ids.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        shipped.picking_ids.with_context(skip_backorder=True).button_validate()
        self.assertEqual(shipped.picking_ids.state, "done")
        (late | due_today).date_order = now
        (later | shipped).date_order = now - timedelta(days=2)

        self.assertEqual(self.figures(), {"orders_today": 2, "to_ship": 3, "due_today": 1, "late": 1})
        self.assertEqual(self.records_behind("orders_today"), late | due_today)
        self.assertEqual(self.records_behind("to_ship"), (late | due_today | later).picking_ids)
        self.assertEqual(self.records_behind("due_today"), due_today.picking_ids)
        self.assertEqual(self.records_behind("late"), late.picking_ids)
        self.assertEqual(late.picking_ids.marketplace_deliver_before, late.marketplace_max_delivery_date)

    def test_the_ship_by_list_holds_marketplace_deliveries_only(self):
        order = self.import_orders(1)
        manual = self.SaleOrder.create({
            "partner_id": self.env["res.partner"].create({"name": "Walk-in"}).id,
            "order_line": [(0, 0, {"product_id": self.smartwatch.id, "product_uom_qty": 1})],
        })
        manual.action_confirm()
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_marketplace_deliveries")
        pickings = self.env["stock.picking"].search(ast.literal_eval(action["domain"]))
        self.assertIn(order.picking_ids, pickings)
        self.assertNotIn(manual.picking_ids, pickings)

    def test_the_last_payout_and_the_jobs_needing_attention_are_on_the_card(self):
        self.env["marketplace.settlement"].create({
            "account_id": self.account.id, "ref": "S-1", "payment_date": "2026-11-20 10:00:00"})
        self.env["marketplace.settlement"].create({
            "account_id": self.account.id, "ref": "S-2", "payment_date": "2026-11-27 10:00:00"})
        self.assertEqual(self.account.overview_last_payout_date, fields.Datetime.to_datetime("2026-11-27 10:00:00"))

    def test_sales_analysis_by_account_in_the_company_currency(self):
        orders = self.import_orders(2)
        rows = self.env["sale.report"].search([("marketplace_account_id", "=", self.account.id)])
        self.assertEqual(set(rows.mapped("order_reference")), set(orders))
        expected = sum(order.amount_untaxed / order.currency_rate for order in orders)
        self.assertAlmostEqual(sum(rows.mapped("price_subtotal")), expected, delta=0.02 * len(rows))
        self.assertEqual(rows.currency_id, self.env.company.currency_id)

    def test_a_user_outside_the_marketplace_groups_cannot_open_a_figure(self):
        salesman = new_test_user(self.env, "overview_salesman", groups="sales_team.group_sale_salesman_all_leads")
        with self.assertRaises(AccessError):
            self.account.with_user(salesman).with_context(overview_figure="late").action_overview_open()
