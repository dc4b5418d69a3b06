from odoo import api, fields, models

#: listing fields through which orders find their products
MATCHING_FIELDS = {"product_id", "ean", "seller_sku", "marketplace_sku", "active"}


class MarketplaceListing(models.Model):
    """A product as it is known on one marketplace account: its ids there, what was last
    sent, and whether the marketplace accepted it."""

    _name = "marketplace.listing"
    _description = "Marketplace Listing"
    _order = "account_id, product_id, id"
    _check_company_auto = True

    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="cascade", check_company=True)
    product_tmpl_id = fields.Many2one(
        related="product_id.product_tmpl_id", store=True, index=True, string="Product Template")
    account_id = fields.Many2one(
        "marketplace.account", required=True, index=True, ondelete="cascade",
        check_company=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True, precompute=True)
    marketplace = fields.Selection(related="account_id.marketplace", store=True)
    active = fields.Boolean(default=True)
    ean = fields.Char(
        string="EAN", index=True, compute="_compute_from_product", store=True, readonly=False,
        help="The barcode the marketplace knows the product by.")
    seller_sku = fields.Char(
        string="Seller SKU", index=True, compute="_compute_from_product", store=True, readonly=False,
        help="The seller's own reference of the product on the marketplace.")
    marketplace_sku = fields.Char(string="Marketplace SKU", index=True, help="The marketplace's SKU of the product.")
    marketplace_product_id = fields.Char(string="Marketplace Product ID", index=True)
    state = fields.Selection(
        selection=[
            ("draft", "Not Sent"),
            ("pending", "Awaiting Approval"),
            ("published", "Published"),
            ("rejected", "Rejected"),
            ("error", "Error"),
        ],
        default="draft", required=True, readonly=True, index=True,
        help="Where the listing stands on the marketplace: set by what the marketplace answers, never by hand.")
    last_pushed_values = fields.Json(readonly=True, copy=False)
    last_push_date = fields.Datetime(readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        ("account_product_uniq", "unique(account_id, product_id)",
         "A product can be listed only once per marketplace account."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        listings = super().create(vals_list)
        listings._resume_orders_waiting()
        return listings

    def write(self, vals):
        res = super().write(vals)
        if MATCHING_FIELDS & set(vals):
            self._resume_orders_waiting()
        return res

    def _resume_orders_waiting(self):
        """A listing may be what orders wait for: run them again (see ``marketplace.job``)."""
        if self:
            self.env["marketplace.job"]._resume_waiting_for_products(self.sudo().company_id)

    @api.depends("product_id")
    def _compute_from_product(self):
        for listing in self:
            listing.ean = listing.ean or listing.product_id.barcode
            listing.seller_sku = listing.seller_sku or listing.product_id.default_code

    @api.depends("product_id", "account_id")
    def _compute_display_name(self):
        for listing in self:
            listing.display_name = f"{listing.account_id.name} / {listing.product_id.display_name}"

    @api.model
    def _resolve_products(self, account, lines):
        """Products of marketplace order lines: first through the account's listings (EAN,
        seller SKU, marketplace SKU), then through product barcodes (EAN), then through products'
        Internal Reference (seller SKU: iMotriz and XStak send the seller's SKUs). Three queries
        per batch at most; products of another company are never matched, nor an Internal
        Reference that two products share.

        :param list lines: ``records.MarketOrderLine``
        :return: ``{id(line): product.product}`` for the lines that were resolved
        """
        eans = {line.ean for line in lines if line.ean}
        seller_skus = {line.seller_sku for line in lines if line.seller_sku}
        marketplace_skus = {line.marketplace_sku for line in lines if line.marketplace_sku}
        listings = self.search_fetch([
            ("account_id", "=", account.id),
            ("product_id.active", "=", True),
            "|", "|",
            ("ean", "in", list(eans)),
            ("seller_sku", "in", list(seller_skus)),
            ("marketplace_sku", "in", list(marketplace_skus)),
        ], ["ean", "seller_sku", "marketplace_sku", "product_id"], order="id")
        by_ean, by_seller_sku, by_marketplace_sku = {}, {}, {}
        for listing in listings:
            for index, key in ((by_ean, listing.ean), (by_seller_sku, listing.seller_sku),
                               (by_marketplace_sku, listing.marketplace_sku)):
                if key:
                    index.setdefault(key, listing.product_id)

        def listed(line):
            return (by_ean.get(line.ean) or by_seller_sku.get(line.seller_sku)
                    or by_marketplace_sku.get(line.marketplace_sku))

        Product = self.env["product.product"]
        company = ("company_id", "in", (False, account.company_id.id))
        unresolved_eans = {line.ean for line in lines if line.ean and not listed(line)}
        by_barcode = {}
        if unresolved_eans:
            products = Product.search_fetch([("barcode", "in", list(unresolved_eans)), company], ["barcode"])
            by_barcode = {product.barcode: product for product in products}
        unresolved_skus = {line.seller_sku for line in lines
                           if line.seller_sku and not listed(line) and not by_barcode.get(line.ean)}
        by_reference = {}
        if unresolved_skus:
            products = Product.search_fetch([("default_code", "in", list(unresolved_skus)), company],
                                            ["default_code"], order="id")
            for reference, same in products.grouped("default_code").items():
                if len(same) == 1:  # a reference two products share designates neither
                    by_reference[reference] = same
        resolved = {}
        for line in lines:
            product = listed(line) or by_barcode.get(line.ean) or by_reference.get(line.seller_sku)
            if product:
                resolved[id(line)] = product
        return resolved
