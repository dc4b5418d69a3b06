from odoo import fields, models

from ...marketplaces.xmart.records import CatalogList, ListProduct, Schedule
from ..access import MANAGER, guard
from .marketplace_xmart_store import _hours


class XmartList(models.Model):
    """A list X-Mart sells on a channel: the products (listings of the account) with their
    prices, taxes, stock of the store's warehouse and images. X-Mart replaces a list with what is
    sent, so the whole list is sent, and only when its content changed (content hash)."""

    _name = "marketplace.xmart.list"
    _description = "X-Mart List"
    _order = "channel_id, name"
    _check_company_auto = True

    account_id = fields.Many2one("marketplace.account", related="channel_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    channel_id = fields.Many2one("marketplace.xmart.channel", string="Sales Channel", required=True,
                                 ondelete="cascade", check_company=True)
    store_id = fields.Many2one(
        "marketplace.xmart.store", required=True, check_company=True,
        help="The list sells this store's stock (its warehouse's free quantity).")
    name = fields.Char(required=True)
    xmart_id = fields.Char(string="X-Mart List ID", readonly=True, copy=False)
    listing_ids = fields.Many2many(
        "marketplace.listing", string="Products", check_company=True,
        domain="[('account_id', '=', account_id)]")
    content_hash = fields.Char(readonly=True, copy=False, help="Digest of the list as last sent.")
    last_push_date = fields.Datetime(string="Sent On", readonly=True, copy=False)
    sync_id = fields.Char(string="Synchronization", readonly=True, copy=False)
    sync_status = fields.Selection(
        selection=[("PROCESSING", "Processing"), ("FINISHED", "Finished"), ("FAILED", "Failed")],
        string="Synchronization Status", readonly=True, copy=False)
    sync_date = fields.Datetime(string="Synchronized On", readonly=True, copy=False)
    sync_errors = fields.Text(string="Synchronization Errors", readonly=True, copy=False)

    def _xmart_catalog(self):
        """The list as X-Mart takes it, from Odoo's current products, prices and stock, and the
        listings left out of it with the reason (they cannot be sold as they are).

        :return: ``(CatalogList, {listing: reason})``
        """
        self.ensure_one()
        account = self.account_id
        listings = self.listing_ids.filtered("active").sorted(lambda listing: (listing.seller_sku or "", listing.id))
        products = listings.product_id
        prices = account._xmart_prices(products)
        warehouse = self.store_id.warehouse_id
        free = {product.id: product.free_qty
                for product in products.with_context(warehouse_id=warehouse.id)} if warehouse else {}
        currency = account.pricelist_id.currency_id.name or account.company_id.currency_id.name
        # The products sell while the store is open on the list's channel (no hours: always).
        schedules = [Schedule(day=line.day, start=_hours(line.open_from), end=_hours(line.open_to))
                     for line in self.store_id.schedule_ids if line.channel_id == self.channel_id]
        lines, categories, refused = [], {}, {}
        for listing in listings:
            product = listing.product_id
            if not listing.seller_sku:
                refused[listing] = self.env._("The SKU is missing: give the product an Internal Reference, or the "
                                              "listing a Seller SKU.")
                continue
            if prices[product.id] < 0:
                refused[listing] = self.env._("The price %(price)s is below zero: check the account's pricelist.",
                                              price=prices[product.id])
                continue
            categories[str(product.categ_id.id)] = product.categ_id.name
            stock = max(free.get(product.id, 0.0), 0.0)
            lines.append(ListProduct(
                sku=listing.seller_sku or "", name=product.with_context(display_default_code=False).display_name,
                price=prices[product.id], currency=currency, description=product.description_sale or "",
                category_id=str(product.categ_id.id), ean=listing.ean or "",
                tax_rate=sum(tax.amount for tax in product.taxes_id if tax.amount_type == "percent"),
                stock=stock, available=stock > 0, schedules=schedules, images=listing._exito_image_urls()))
        catalog = CatalogList(name=self.name, vendor_id=self.channel_id.brand_id.identifier,
                              channel_id=self.channel_id.xmart_id, store_id=self.store_id.xmart_id or "",
                              products=lines, categories=sorted(categories.items()), list_id=self.xmart_id or "")
        return catalog, refused

    @guard(MANAGER, "write")
    def action_add_brand_products(self):
        """Add the products of the channel's brand (X-Mart Brand on the product), creating their
        listings on the account when they have none."""
        Listing = self.env["marketplace.listing"]
        for lst in self:
            products = self.env["product.product"].search(
                [("product_tmpl_id.xmart_brand_id", "=", lst.channel_id.brand_id.id), ("sale_ok", "=", True)])
            listings = Listing.search([("account_id", "=", lst.account_id.id), ("product_id", "in", products.ids)])
            listings |= Listing.create([{"account_id": lst.account_id.id, "product_id": product.id}
                                        for product in products - listings.product_id])
            lst.listing_ids = [fields.Command.link(listing.id) for listing in listings]
        return True

    @guard(MANAGER, "write")
    def action_push(self):
        """Send the lists whose content changed (unchanged ones are not sent again)."""
        for account, lists in self.grouped("account_id").items():
            account._xmart_queue_lists(lists)
        self.env["marketplace.job"]._run_due_jobs(account_ids=self.account_id.ids, time_limit=30)
        return True
