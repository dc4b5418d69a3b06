from odoo import fields, models
from odoo.exceptions import UserError

from ...marketplaces.base import MarketplaceError
from ...marketplaces.xmart import const as xmart_const
from ..access import USER, guard
from ..sale_order import MARKETPLACE_USERS
from .marketplace_account import STATUS_SELECTION, _odoo_datetime


class SaleOrder(models.Model):
    _inherit = "sale.order"

    xmart_store_id = fields.Many2one(
        "marketplace.xmart.store", string="X-Mart Store", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    xmart_order_type = fields.Selection(
        selection=[("DELIVERY", "Delivery"), ("PICKUP", "Pickup")], string="X-Mart Order Type", readonly=True,
        copy=False, groups=MARKETPLACE_USERS)
    xmart_status = fields.Selection(
        STATUS_SELECTION, string="Status Sent to X-Mart", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    xmart_final_consumer = fields.Boolean(
        string="Invoice as Final Consumer", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    xmart_shipping_address = fields.Json(readonly=True, copy=False, groups=MARKETPLACE_USERS)
    xmart_payment_method = fields.Char(string="Payment Method", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    xmart_payment_status = fields.Char(string="Payment Status", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    xmart_payment_amount = fields.Monetary(string="Amount Paid", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    xmart_paid_at = fields.Datetime(string="Paid On", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    xmart_coupon_ids = fields.One2many(
        "marketplace.xmart.coupon", "order_id", string="Coupons", readonly=True, groups=MARKETPLACE_USERS)

    def action_confirm(self):
        # Queued before the confirmation, which reserves the goods (In Preparation): X-Mart hears
        # the statuses in the order they happen.
        # Any salesperson confirms orders: the module's bookkeeping reads its fields as superuser.
        xmart = self.sudo().filtered(lambda order: order.marketplace == "xmart" and order.state in ("draft", "sent"))
        if xmart:
            self.env["marketplace.account"]._xmart_queue_status(xmart, xmart_const.STATUS_ACCEPTED)
        return super().action_confirm()

    def _action_cancel(self):
        res = super()._action_cancel()
        xmart = self.sudo().filtered(lambda order: order.marketplace == "xmart" and order.xmart_status not in (
            xmart_const.STATUS_DELIVERED, xmart_const.STATUS_CANCELED))
        if xmart:
            self.env["marketplace.account"]._xmart_queue_status(xmart, xmart_const.STATUS_CANCELED)
        return res

    @guard(USER, "write")
    def action_xmart_delivered(self):
        """The buyer received the order (Odoo has no event for it): tell X-Mart."""
        self.env["marketplace.account"]._xmart_queue_status(self, xmart_const.STATUS_DELIVERED)
        self.env["marketplace.job"]._run_due_jobs(account_ids=self.marketplace_account_id.ids, time_limit=30)
        return True

    @guard(USER, "write")
    def action_xmart_refresh_payment(self):
        """Read the payment information of the orders from X-Mart again."""
        for order in self.filtered(lambda order: order.marketplace == "xmart"):
            try:
                with order.marketplace_account_id._get_client() as client:
                    payment = client.get_payment(order.marketplace_order_ref)
            except MarketplaceError as error:
                raise UserError(self.env["marketplace.job"]._describe_error(error)) from None
            order.write({"xmart_payment_method": payment.method, "xmart_payment_status": payment.status,
                         "xmart_payment_amount": payment.amount, "xmart_paid_at": _odoo_datetime(payment.paid_at)})
        return True

    def _xmart_transfer(self, store, reason):
        """Move an X-Mart order to another store: X-Mart first, then the deliveries in Odoo are
        made again from the new store's warehouse."""
        self.ensure_one()
        if self.marketplace != "xmart":
            raise UserError(self.env._("%(order)s is not an X-Mart order.", order=self.name))
        if store.account_id != self.marketplace_account_id:
            raise UserError(self.env._("%(store)s is not a store of the order's X-Mart account.", store=store.name))
        if store == self.xmart_store_id:
            raise UserError(self.env._("The order is already in %(store)s.", store=store.name))
        if not store.xmart_id or not store.warehouse_id:
            raise UserError(self.env._("%(store)s has no X-Mart id or no warehouse yet.", store=store.name))
        if self.picking_ids.filtered(lambda picking: picking.state == "done"):
            raise UserError(self.env._("Part of %(order)s already left the warehouse: it cannot change store.",
                                       order=self.name))
        try:
            with self.marketplace_account_id._get_client() as client:
                client.transfer_order(self.marketplace_order_ref, self.xmart_store_id.xmart_id, store.xmart_id,
                                      self.env.user.name, reason, self.xmart_shipping_address or None)
        except MarketplaceError as error:
            raise UserError(self.env["marketplace.job"]._describe_error(error)) from None
        previous = self.xmart_store_id
        self.picking_ids.filtered(lambda picking: picking.state != "cancel").action_cancel()
        self.write({"xmart_store_id": store.id, "warehouse_id": store.warehouse_id.id})
        self.order_line._action_launch_stock_rule()
        self.message_post(body=self.env._(
            "Transferred on X-Mart from %(from)s to %(to)s: %(reason)s", to=store.name, reason=reason,
            **{"from": previous.name or "-"}))

    def _xmart_redeem(self, uid, code):
        """Redeem a local coupon for this order on X-Mart and record it."""
        self.ensure_one()
        uid, code = (uid or "").strip(), (code or "").strip()
        if not uid or not code:
            raise UserError(self.env._("Give the customer's UID and the promotion code."))
        if self.xmart_coupon_ids.filtered(lambda coupon: coupon.code == code and coupon.customer_uid == uid):
            raise UserError(self.env._("Coupon %(code)s was already redeemed for this order.", code=code))
        try:
            with self.marketplace_account_id._get_client() as client:
                result = client.redeem_coupon(uid, code, self.marketplace_order_ref)
        except MarketplaceError as error:
            raise UserError(self.env["marketplace.job"]._describe_error(error)) from None
        # What X-Mart answered is recorded by the system: users only read redemptions.
        coupon = self.env["marketplace.xmart.coupon"].sudo().create({
            "order_id": self.id, "customer_uid": uid, "code": code, "coupon_ref": result.coupon_id,
            "discount": result.discount, "redeemed_at": _odoo_datetime(result.redeemed_at)})
        self.message_post(body=self.env._("Coupon %(code)s redeemed on X-Mart (discount %(discount)s).",
                                          code=code, discount=result.discount))
        return coupon.sudo(False)
