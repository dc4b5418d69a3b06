from odoo import fields, models


class MarketplaceSettlementLine(models.Model):
    _name = "marketplace.settlement.line"
    _description = "Marketplace Settlement Line"

    settlement_id = fields.Many2one("marketplace.settlement", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="settlement_id.company_id", store=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    ref = fields.Char(string="Marketplace ID")
    name = fields.Char(string="Product")
    ean = fields.Char(string="EAN")
    quantity = fields.Float()
    price = fields.Monetary(string="Unit Price")
    commission = fields.Monetary()
    shipping_cost = fields.Monetary(string="Shipping")
