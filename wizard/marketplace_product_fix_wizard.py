from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.access import USER, check_readable, guard
from ..models.marketplace_job import WAITING_PRODUCTS

#: states of the jobs the wizard fixes: waiting for products, or made due again by a product saved since
WAITING = (WAITING_PRODUCTS, "pending")


class MarketplaceProductFixWizard(models.TransientModel):
    """The products that orders wait for (``marketplace.job`` in state *Waiting for Products*), one
    line per SKU/EAN and account over all the jobs chosen: a person creates the products (named and
    priced as the orders said) or links each line to an existing product; either way a listing ties
    the product to the SKU/EAN on the account, and the jobs run again at once."""

    _name = "marketplace.product.fix.wizard"
    _description = "Fix the Products of Marketplace Orders"

    job_ids = fields.Many2many("marketplace.job", string="Jobs", required=True)
    line_ids = fields.One2many(
        "marketplace.product.fix.wizard.line", "wizard_id", string="Products",
        compute="_compute_line_ids", store=True, readonly=False)
    is_storable = fields.Boolean(
        string="Track Inventory", default=True,
        help="The products Create Products makes track their stock (the stock marketplaces are told).")
    can_create_products = fields.Boolean(
        readonly=True, default=lambda self: self.env["product.product"].has_access("create"),
        help="Whether the user may create products in Odoo (else only Link to Existing Product is offered).")

    @api.constrains("job_ids")
    def _check_jobs_readable(self):
        check_readable(self, "job_ids")

    @api.depends("job_ids")
    def _compute_line_ids(self):
        for wizard in self:
            lines = {}
            for job in wizard.job_ids.filtered(lambda job: job.state in WAITING):
                for missing in job.missing_products or []:
                    key = (job.account_id.id, missing.get("seller_sku") or "", missing.get("ean") or "",
                           missing.get("marketplace_sku") or "")
                    if key in lines:
                        lines[key]["orders"] += f", {job.name}"
                        continue
                    lines[key] = {
                        "account_id": job.account_id.id,
                        "orders": job.name,
                        "seller_sku": key[1],
                        "ean": key[2],
                        "marketplace_sku": key[3],
                        "name": missing.get("name") or key[1] or key[2] or key[3],
                        "price": missing.get("price") or 0.0,
                    }
            wizard.line_ids = [Command.clear()] + [Command.create(values) for values in lines.values()]

    @guard(USER, "write", related=[("job_ids", "read")])
    def action_create_products(self):
        """Create a product for each line without one (name, Internal Reference = the SKU, barcode =
        the EAN, sales price = the order's unit price), link every line to its product with a
        listing, and run the jobs again.

        :raise AccessError: when the user may not create products in Odoo (Link stays available)
        :raise UserError: when every line already has a product
        """
        self.ensure_one()
        if not self.env["product.product"].has_access("create"):
            raise AccessError(self.env._(
                "You are not allowed to create products. Choose an existing product on each line and press "
                "Link to Existing Product, or ask someone who manages products."))
        jobs = self._waiting_jobs()
        to_create = self.line_ids.filtered(lambda line: not line.product_id)
        if not to_create:
            raise UserError(self.env._("Every line has a product already: press Link to Existing Product."))
        products = self.env["product.product"].create([line._product_values() for line in to_create])
        for line, product in zip(to_create, products, strict=True):
            line.product_id = product
        self.line_ids._link_listings()
        return self._run_jobs(jobs)

    @guard(USER, "write", related=[("job_ids", "read")])
    def action_link_products(self):
        """Tie each line that has a product to it with a listing on the account (SKU, EAN as the
        order said), and run the jobs again; lines without a product keep waiting.

        :raise UserError: when no line has a product
        """
        self.ensure_one()
        jobs = self._waiting_jobs()
        lines = self.line_ids.filtered("product_id")
        if not lines:
            raise UserError(self.env._("Choose an existing product on the lines to link first."))
        lines._link_listings()
        return self._run_jobs(jobs)

    def _waiting_jobs(self):
        # Taken before the products change. Saving a product or listing anywhere makes waiting jobs
        # due (pending) until the runner tries them: those are the wizard's to run too.
        return self.job_ids.sudo().filtered(lambda job: job.state in WAITING)

    def _run_jobs(self, jobs):
        """Run ``jobs`` at once and say how many orders were imported and how many still wait."""
        jobs._run_now()
        done = jobs.filtered(lambda job: job.state == "done")
        message = self.env._("%(count)s orders imported.", count=len(done))
        if jobs - done:
            message += " " + self.env._("%(count)s still wait for products or failed (see Jobs).",
                                        count=len(jobs - done))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Products fixed"),
                "message": message,
                "type": "warning" if jobs - done else "success",
                "sticky": bool(jobs - done),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class MarketplaceProductFixWizardLine(models.TransientModel):
    """One SKU/EAN of an account that orders wait for."""

    _name = "marketplace.product.fix.wizard.line"
    _description = "Product of Marketplace Orders to Fix"

    wizard_id = fields.Many2one("marketplace.product.fix.wizard", required=True, ondelete="cascade")
    account_id = fields.Many2one("marketplace.account", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id")
    orders = fields.Char(help="The jobs of the orders that wait for this product.")
    seller_sku = fields.Char(
        string="SKU", help="The seller's SKU the order named: the new product's Internal Reference, and the "
                           "listing's seller SKU.")
    ean = fields.Char(
        string="EAN", help="The barcode the order named: the new product's barcode, and the listing's EAN.")
    marketplace_sku = fields.Char(string="Marketplace SKU")
    name = fields.Char(string="Product Name", required=True)
    price = fields.Float(string="Sales Price", digits="Product Price", help="The unit price the order said.")
    product_id = fields.Many2one(
        "product.product", string="Existing Product",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Link the order lines to this product; empty: Create Products makes one.")

    @api.constrains("wizard_id", "account_id", "product_id")
    def _check_targets_readable(self):
        check_readable(self, "wizard_id", "account_id", "product_id")

    def _product_values(self):
        self.ensure_one()
        return {
            "name": self.name,
            "default_code": self.seller_sku or False,
            "barcode": self.ean or False,
            "list_price": self.price,
            "type": "consu",
            "is_storable": self.wizard_id.is_storable,
        }

    def _link_listings(self):
        """A listing per line (account, product, SKU and EAN as the order said); an existing
        listing of the product on the account takes the keys it lacks.

        :raise UserError: when the product's listing on the account names another SKU or EAN
        """
        Listing = self.env["marketplace.listing"]
        existing = Listing.with_context(active_test=False).search(
            [("account_id", "in", self.account_id.ids), ("product_id", "in", self.product_id.ids)])
        listings = {(listing.account_id.id, listing.product_id.id): listing for listing in existing}
        to_write, to_create = {}, {}
        for line in self:
            keys = {"seller_sku": line.seller_sku, "ean": line.ean, "marketplace_sku": line.marketplace_sku}
            keys = {field: value for field, value in keys.items() if value}
            pair = (line.account_id.id, line.product_id.id)
            listing = listings.get(pair)
            known = to_create.get(pair) or {**{field: listing[field] for field in keys if listing and listing[field]},
                                            **to_write.get(pair, {})}
            clash = {field: value for field, value in keys.items() if known.get(field) and known[field] != value}
            if clash:
                raise UserError(self.env._(
                    "%(product)s is already listed on %(account)s as %(keys)s: an order line naming %(new)s cannot "
                    "be linked to it. Choose another product, or change that listing.",
                    product=line.product_id.display_name, account=line.account_id.name,
                    keys=", ".join(known[field] for field in clash), new=", ".join(clash.values())))
            if listing:
                to_write.setdefault(pair, {}).update(keys)
            else:
                to_create.setdefault(pair, {"account_id": pair[0], "product_id": pair[1]}).update(keys)
        for pair, values in to_write.items():
            listings[pair].write({**values, "active": True})
        return Listing.create(list(to_create.values()))
