from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .res_partner import NO_BUYER_FOLLOWERS, recipients_without_buyers, subscriptions_without_buyers

#: Who sees what the module adds to Odoo's own models. A field of ``sale.order`` (or of another
#: Odoo model) without ``groups`` is read by everyone who reads the model (salespeople, portal
#: customers through their order, the web client's every form): marketplace data stays with the
#: people who work the marketplaces, and the module's code that runs for any user reads it with
#: ``sudo()`` for its own bookkeeping only.
MARKETPLACE_USERS = "marketplace_connector.group_marketplace_user"
#: What the warehouse needs of a marketplace delivery (its label, whether tracking went out).
STOCK_OR_MARKETPLACE_USERS = "stock.group_stock_user," + MARKETPLACE_USERS
#: What the accountant needs of a marketplace invoice (whether it was uploaded).
BILLING_OR_MARKETPLACE_USERS = "account.group_account_invoice," + MARKETPLACE_USERS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    marketplace_account_id = fields.Many2one(
        "marketplace.account", readonly=True, copy=False, index=True,
        check_company=True, groups=MARKETPLACE_USERS)
    marketplace = fields.Selection(related="marketplace_account_id.marketplace", store=True, groups=MARKETPLACE_USERS)
    marketplace_order_ref = fields.Char(
        string="Marketplace Order ID", readonly=True, copy=False, index=True, groups=MARKETPLACE_USERS,
        help="The marketplace's own id of the order.")
    marketplace_order_number = fields.Char(
        readonly=True, copy=False, index=True, groups=MARKETPLACE_USERS,
        help="The order number the marketplace shows to the seller and the buyer.")
    marketplace_status = fields.Char(readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketplace_channel = fields.Char(string="Sales Channel", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketplace_delivery_type = fields.Char(
        string="Delivery Type", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketplace_max_delivery_date = fields.Datetime(
        string="Deliver Before", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketplace_label_url = fields.Char(string="Shipping Label", readonly=True, copy=False, groups=MARKETPLACE_USERS)

    _sql_constraints = [
        ("marketplace_order_uniq", "unique(marketplace_account_id, marketplace_order_ref)",
         "This marketplace order has already been imported."),
    ]

    def _prepare_confirmation_values(self):
        # Odoo dates a confirmed order "now"; a marketplace order keeps the date the buyer
        # placed it on the marketplace (self may hold several orders: only when all are; read as
        # superuser, since any salesperson confirms orders).
        values = super()._prepare_confirmation_values()
        if self and all(order.marketplace_account_id for order in self.sudo()):
            values.pop("date_order", None)
        return values

    @api.model
    def _marketplace_find_orders(self, account, refs):
        """Sale orders already imported for these marketplace order ids, by id."""
        if not refs:
            return {}
        orders = self.with_context(active_test=False).search_fetch(
            [("marketplace_account_id", "=", account.id), ("marketplace_order_ref", "in", list(refs))],
            ["marketplace_order_ref"])
        return {order.marketplace_order_ref: order for order in orders}

    marketplace_cancelled = fields.Boolean(
        string="Cancelled on Marketplace", readonly=True, copy=False, groups=MARKETPLACE_USERS,
        help="The marketplace cancelled this order after it had shipped or been invoiced: check it.")

    # -- Odoo never contacts marketplace buyers (models/res_partner.py says how) ---------------

    def _marketplace_buyers(self):
        """The commercial partners of the buyers of the marketplace orders in ``self`` (empty for
        hand-made orders), read as superuser: whoever confirms, the buyers stay uncontacted."""
        orders = self.sudo().filtered("marketplace_account_id")
        return (orders.partner_id | orders.partner_invoice_id | orders.partner_shipping_id).commercial_partner_id

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # Confirming a marketplace order (imported or by hand) does not make its buyer a follower:
        # followers receive Odoo's mails (and the recipients net below would drop them anyway).
        groups = subscriptions_without_buyers(self, partner_ids)
        if groups is None:
            return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)
        for orders, partners in groups:
            if partners or subtype_ids:
                super(SaleOrder, orders).message_subscribe(partner_ids=partners, subtype_ids=subtype_ids)
        return True

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        return recipients_without_buyers(self, recipients)

    def action_confirm(self):
        if self._marketplace_buyers():
            return super(SaleOrder, self.with_context(**{NO_BUYER_FOLLOWERS: True})).action_confirm()
        return super().action_confirm()

    def _action_confirm(self):
        # The deliveries of marketplace orders are created here, before they know their order
        # (stock.picking._marketplace_buyers): they are told whose buyers not to subscribe.
        marketplace = self.filtered(lambda order: order._marketplace_buyers())
        if not marketplace:
            return super()._action_confirm()
        others = self - marketplace
        if others:
            super(SaleOrder, others)._action_confirm()
        buyers = marketplace._marketplace_buyers()
        return super(SaleOrder, marketplace.with_context(marketplace_confirming_buyer_ids=buyers.ids))._action_confirm()

    def _send_order_notification_mail(self, mail_template):
        # The order confirmation (and payment) mails are the marketplace's to send.
        if self._marketplace_buyers():
            return None
        return super()._send_order_notification_mail(mail_template)

    def _marketplace_cancel(self, order, message):
        """The marketplace cancelled the order: cancel it in Odoo, or flag it (with an activity)
        when goods already left or an invoice is posted, which a person must sort out."""
        self.ensure_one()
        self.marketplace_status = order.status
        if self.state == "cancel":
            return
        shipped = self.picking_ids.filtered(lambda picking: picking.state == "done")
        invoiced = self.invoice_ids.filtered(lambda move: move.state == "posted")
        if shipped or invoiced:
            self.marketplace_cancelled = True
            self.message_post(body=message + " " + self.env._(
                "The order was already shipped or invoiced, so it was left as it is."))
            self.activity_schedule(
                "mail.mail_activity_data_todo", user_id=(self.user_id or self.marketplace_account_id._responsible()).id,
                summary=self.env._("Cancelled on the marketplace after shipping"), note=message)
            return
        self._action_cancel()
        self.message_post(body=message)

    def _marketplace_check_total(self, order):
        """The Odoo order must total what the buyer paid on the marketplace.

        :param records.MarketOrder order: the marketplace order this sale order was made from
        :raise UserError: when the totals differ
        """
        self.ensure_one()
        if float_compare(self.amount_total, order.grand_total, precision_rounding=self.currency_id.rounding):
            raise UserError(self.env._(
                "Order %(number)s totals %(odoo)s in Odoo but %(marketplace)s on the marketplace. Marketplace "
                "prices include taxes: check the taxes of its products (only percentage, division and fixed "
                "taxes can be included in a price).",
                number=order.number, odoo=self.amount_total, marketplace=order.grand_total))


class SaleOrderSettlement(models.Model):
    _inherit = "sale.order"

    marketplace_settlement_ids = fields.One2many(
        "marketplace.settlement", "sale_order_id", string="Settlements", groups=MARKETPLACE_USERS)
    marketplace_commission = fields.Monetary(
        compute="_compute_marketplace_payout", currency_field="currency_id",
        groups=MARKETPLACE_USERS)
    marketplace_payout = fields.Monetary(
        compute="_compute_marketplace_payout", currency_field="currency_id",
        groups=MARKETPLACE_USERS)

    @api.depends("marketplace_settlement_ids.commission", "marketplace_settlement_ids.total")
    def _compute_marketplace_payout(self):
        for order in self:
            order.marketplace_commission = sum(order.marketplace_settlement_ids.mapped("commission"))
            order.marketplace_payout = sum(order.marketplace_settlement_ids.mapped("total"))
