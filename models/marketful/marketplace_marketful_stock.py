from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from ..access import STOCK_MANAGER, guard


class MarketplaceMarketfulStock(models.Model):
    """Marketful's available quantity of a product next to the warehouse's quantity in Odoo.
    Differences are only applied (as an inventory adjustment) by a person."""

    _name = "marketplace.marketful.stock"
    _description = "Marketful Stock Comparison"
    _order = "state, product_id"
    _check_company_auto = True

    account_id = fields.Many2one("marketplace.account", required=True, index=True, ondelete="cascade",
                                 readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    warehouse_id = fields.Many2one(related="account_id.warehouse_id", string="Warehouse")
    listing_id = fields.Many2one("marketplace.listing", readonly=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", required=True, readonly=True, index=True, ondelete="cascade")
    sku = fields.Char(string="SKU", readonly=True)
    marketful_qty = fields.Float(string="Marketful Quantity", readonly=True, digits="Product Unit of Measure")
    odoo_qty = fields.Float(string="Odoo Quantity", readonly=True, digits="Product Unit of Measure",
                            help="On hand in the warehouse when Marketful was read.")
    difference = fields.Float(readonly=True, digits="Product Unit of Measure", help="Marketful minus Odoo.")
    state = fields.Selection(
        selection=[("differs", "Differs"), ("unknown", "Not at Marketful"), ("applied", "Applied"),
                   ("match", "Matches")],
        readonly=True, required=True, default="match")
    message = fields.Char(readonly=True)
    check_date = fields.Datetime(string="Compared On", readonly=True)

    _sql_constraints = [
        ("account_product_uniq", "unique(account_id, product_id)", "One comparison line per product and account."),
    ]

    @api.model
    def _record(self, account, listings, quantities, problems):
        """Store what Marketful answered for ``listings`` next to the warehouse's quantities."""
        products = listings.product_id
        stock_location = account.warehouse_id.lot_stock_id
        on_hand = {product.id: product.qty_available
                   for product in products.with_context(location=stock_location.id)}
        existing = {line.product_id.id: line for line in self.search(
            [("account_id", "=", account.id), ("product_id", "in", products.ids)])}
        now = fields.Datetime.now()
        create = []
        for listing in listings:
            product = listing.product_id
            values = {"account_id": account.id, "listing_id": listing.id, "product_id": product.id,
                      "sku": listing.seller_sku or listing.ean, "odoo_qty": on_hand[product.id], "check_date": now}
            if listing.id in problems:
                values.update(state="unknown", message=problems[listing.id], marketful_qty=0, difference=0)
            else:
                difference = quantities[listing.id] - on_hand[product.id]
                same = float_is_zero(difference, precision_rounding=product.uom_id.rounding)
                values.update(marketful_qty=quantities[listing.id], difference=difference, message=False,
                              state="match" if same else "differs")
            if product.id in existing:
                existing[product.id].write(values)
            else:
                create.append(values)
        self.create(create)

    @guard(STOCK_MANAGER)
    def action_apply(self):
        """Set the warehouse's on-hand quantities to Marketful's (an inventory adjustment):
        inventory managers, on the lines of their company's accounts."""
        lines = self.filtered(lambda line: line.state == "differs")
        if not lines:
            raise UserError(self.env._("Select lines whose quantities differ."))
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)
        quants = Quant
        for line in lines:
            location = line.account_id.warehouse_id.lot_stock_id
            product = line.product_id.with_context(location=location.id)
            current = product.qty_available
            if float_compare(current, line.odoo_qty, precision_rounding=product.uom_id.rounding):
                raise UserError(self.env._(
                    "The stock of %(product)s changed since Marketful was compared (now %(quantity)s): compare again "
                    "first.", product=product.display_name, quantity=current))
            quant = Quant._gather(product, location, strict=True)[:1]
            here = quant.quantity if quant else 0
            target = here + line.difference
            if float_compare(target, 0, precision_rounding=product.uom_id.rounding) < 0:
                raise UserError(self.env._(
                    "%(product)s is kept in sublocations, lots or packages of %(location)s: adjust it by hand to "
                    "%(quantity)s.", product=product.display_name, location=location.display_name,
                    quantity=line.marketful_qty))
            if quant:
                quant.inventory_quantity = target
            else:
                quant = Quant.create({"product_id": product.id, "location_id": location.id,
                                      "inventory_quantity": target})
            quants |= quant
        result = quants.with_context(inventory_name=self.env._("Marketful stock comparison")).action_apply_inventory()
        if isinstance(result, dict):
            return result  # Odoo asks the user first (lots, or a conflict)
        for line in lines.sudo():  # comparison lines are the system's record: users only read them
            line.write({"state": "applied", "odoo_qty": line.marketful_qty, "difference": 0})
        return True
