from odoo import api, fields, models

from ..marketplaces.xmart import mapping as xmart_mapping
from ..marketplaces.xmart.records import CatalogList, ListProduct, Schedule
from .access import MANAGER, guard
from .marketplace_job import LATER
from .sale_order import MARKETPLACE_USERS
from .xmart_store import _hours


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
        "marketplace.xmart.store", string="Store", required=True, check_company=True,
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


class MarketplaceAccount(models.Model):
    _inherit = "marketplace.account"

    def _xmart_prices(self, products):
        """Prices of ``products`` with their taxes included (X-Mart's priceInfo.price), from the
        account's pricelist."""
        self.ensure_one()
        pricelist = self.pricelist_id
        base = (pricelist.with_company(self.company_id)._get_products_price(products, 1.0) if pricelist
                else {product.id: product.lst_price for product in products})
        currency = pricelist.currency_id or self.company_id.currency_id
        prices = {}
        for product in products:
            taxes = product.taxes_id.filtered(lambda tax: tax.company_id == self.company_id)
            total = taxes.compute_all(base[product.id], currency=currency, product=product)["total_included"]
            prices[product.id] = currency.round(total)
        return prices

    @api.model
    def _cron_xmart_lists(self):
        """Scheduled action: send every X-Mart list whose content changed."""
        for account in self.search([("marketplace", "=", "xmart")]):
            account._xmart_queue_lists(account.xmart_list_ids)

    def _xmart_queue_lists(self, lists):
        Job = self.env["marketplace.job"].sudo()
        waiting = Job.search([("account_id", "=", self.id), ("job_type", "=", "push_list"),
                              ("state", "in", ("pending", "failed"))])
        queued = {list_id for job in waiting for list_id in job.payload.get("list_ids", [])}
        todo = [lst.id for lst in lists if lst.id not in queued]
        if todo:
            Job.create({"name": self.env._("Send %(count)s lists to %(account)s", count=len(todo), account=self.name),
                        "account_id": self.id, "job_type": "push_list", "payload": {"list_ids": todo}})
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()

    def _push_list(self, job):
        """Send each list of ``job`` whose content changed since it was last sent; a check of its
        synchronization report follows."""
        lists = self.env["marketplace.xmart.list"].browse(job.payload["list_ids"]).exists()
        sent = []
        with self._get_client() as client:
            for lst in lists:
                catalog, refused = lst._xmart_catalog()
                for listing, reason in refused.items():
                    listing.write({"state": "error", "last_error": reason})
                digest = xmart_mapping.list_hash(catalog)
                if lst.xmart_id and digest == lst.content_hash:
                    continue
                result = client.put_list(catalog)
                lst.write({"xmart_id": result.list_id, "content_hash": digest, "last_push_date": fields.Datetime.now(),
                           "sync_id": result.sync_id, "sync_status": "PROCESSING", "sync_errors": False})
                sent.append(lst.id)
        if sent:
            self.env["marketplace.job"].sudo().create({
                "name": self.env._("Check the synchronization of %(count)s lists", count=len(sent)),
                "account_id": self.id, "job_type": "poll_list", "dedupe_key": f"poll_list:{job.id}",
                "payload": {"list_ids": sent}})
        return None

    def _poll_list(self, job):
        """Read the synchronization report of the lists; their per-product errors land on the
        listings. :data:`LATER` while X-Mart is still processing."""
        lists = self.env["marketplace.xmart.list"].browse(job.payload["list_ids"]).exists()
        waiting = []
        with self._get_client() as client:
            for lst in lists:
                report = client.get_sync_report(lst.xmart_id)
                if report.status == "PROCESSING":
                    waiting.append(lst.id)
                    continue
                errors = {error.product_id: error.message for error in report.errors}
                lst.write({"sync_status": report.status, "sync_date": fields.Datetime.now(),
                           "sync_errors": "\n".join(f"{sku}: {message}" for sku, message in errors.items()) or False})
                for listing in lst.listing_ids:
                    if listing.seller_sku in errors:
                        listing.write({"state": "error", "last_error": errors[listing.seller_sku]})
                    elif report.status == "FINISHED":
                        listing.write({"state": "published", "last_error": False,
                                       "last_push_date": lst.last_push_date})
        if waiting:
            job.payload = dict(job.payload, list_ids=waiting)
            return LATER
        return None


class ProductTemplate(models.Model):
    _inherit = "product.template"

    xmart_brand_id = fields.Many2one(
        "marketplace.xmart.brand", string="X-Mart Brand", groups=MARKETPLACE_USERS,
        help="The X-Mart brand that sells this product: Add the Brand's Products on a list of the brand's channel "
             "puts it in the list.")
