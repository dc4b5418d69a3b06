from odoo import Command, api, fields, models


def _naive(moment):
    return moment and moment.replace(tzinfo=None, microsecond=0)


class MarketplaceSettlement(models.Model):
    """A marketplace's billing document: what it pays the seller for one order in one
    payment, after its commission (Éxito's billing API)."""

    _name = "marketplace.settlement"
    _description = "Marketplace Settlement"
    _order = "payment_date desc, id desc"
    _check_company_auto = True
    _rec_name = "billing_number"

    account_id = fields.Many2one(
        "marketplace.account", required=True, index=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id",
        help="The marketplace's currency: the one of the account's pricelist.")
    ref = fields.Char(string="Marketplace ID", required=True, readonly=True)
    billing_number = fields.Char(readonly=True, index=True)
    payment_order = fields.Char(readonly=True, index=True)
    concept = fields.Char(readonly=True)
    payment_date = fields.Datetime(readonly=True)
    order_number = fields.Char(string="Marketplace Order Number", readonly=True, index=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True, index=True, check_company=True)
    gross_amount = fields.Monetary(string="Sales", readonly=True, aggregator="sum",
                                   help="What the buyers paid for the lines and shipping.")
    commission = fields.Monetary(readonly=True, aggregator="sum")
    iva = fields.Monetary(string="IVA", readonly=True, aggregator="sum", help="Tax on the commission, as reported.")
    total = fields.Monetary(string="Net Payout", readonly=True, aggregator="sum",
                            help="What the marketplace pays the seller (its billing total).")
    line_ids = fields.One2many("marketplace.settlement.line", "settlement_id", string="Lines", readonly=True)

    _sql_constraints = [
        ("account_ref_uniq", "unique(account_id, ref)", "This settlement is already recorded."),
    ]

    @api.depends("account_id.pricelist_id.currency_id", "company_id.currency_id")
    def _compute_currency_id(self):
        for settlement in self:
            account = settlement.account_id
            settlement.currency_id = account.pricelist_id.currency_id or account.company_id.currency_id

    @api.model
    def _marketplace_store(self, account, settlements):
        """Record settlements read from the marketplace (known ones are left alone) and link
        them to the sale orders by order number.

        :param list settlements: ``records.Settlement``
        :return: the new settlements
        """
        known = set(self.search([("account_id", "=", account.id),
                                 ("ref", "in", [settlement.ref for settlement in settlements])]).mapped("ref"))
        settlements = [settlement for settlement in settlements if settlement.ref not in known]
        numbers = {settlement.order_number for settlement in settlements if settlement.order_number}
        orders = {order.marketplace_order_number: order for order in self.env["sale.order"].search(
            [("marketplace_account_id", "=", account.id), ("marketplace_order_number", "in", list(numbers))])}
        return self.create([{
            "account_id": account.id,
            "ref": settlement.ref,
            "billing_number": settlement.billing_number,
            "payment_order": settlement.payment_order,
            "concept": settlement.concept,
            "payment_date": _naive(settlement.payment_date),
            "order_number": settlement.order_number,
            "sale_order_id": orders.get(settlement.order_number, self.env["sale.order"]).id,
            "gross_amount": sum(line.price * line.quantity + (line.total_shipping_cost or 0)
                                for line in settlement.lines),
            "commission": settlement.commission,
            "iva": settlement.iva,
            "total": settlement.total,
            "line_ids": [Command.create({
                "ref": line.ref,
                "name": line.name,
                "ean": line.ean,
                "quantity": line.quantity,
                "price": line.price,
                "commission": line.commission,
                "shipping_cost": line.total_shipping_cost,
            }) for line in settlement.lines],
        } for settlement in settlements])


    @api.model
    def _marketplace_link_orders(self, account, sale_orders):
        """Link settlements read before their orders were imported (one query per batch)."""
        numbers = [number for number in sale_orders.mapped("marketplace_order_number") if number]
        if not numbers:
            return
        settlements = self.search([("account_id", "=", account.id), ("sale_order_id", "=", False),
                                   ("order_number", "in", numbers)])
        by_number = {order.marketplace_order_number: order for order in sale_orders}
        for settlement in settlements:
            settlement.sale_order_id = by_number[settlement.order_number]
