from odoo import fields, models


class XmartCoupon(models.Model):
    """A local coupon redeemed on X-Mart for an order."""

    _name = "marketplace.xmart.coupon"
    _description = "X-Mart Coupon Redemption"
    _order = "id desc"

    order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    customer_uid = fields.Char(string="UID", required=True, help="The customer's identifier the coupon was given to.")
    code = fields.Char(string="Promotion Code", required=True)
    coupon_ref = fields.Char(string="X-Mart Coupon ID")
    discount = fields.Monetary()
    redeemed_at = fields.Datetime(string="Redeemed On")
