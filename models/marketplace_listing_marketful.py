import re

from odoo import api, fields, models

from ..marketplaces.base import RequestError
from ..marketplaces.marketful import const as marketful_const
from ..marketplaces.marketful.records import Item
from .marketplace_account_marketful import ITEMS_PER_REQUEST

#: product fields that Marketful's items carry (title, list price, weight)
PRODUCT_FIELDS = {"name", "list_price", "lst_price", "weight", "product_template_attribute_value_ids"}
#: listing fields that Marketful's items carry
LISTING_FIELDS = {"seller_sku", "ean", "product_height", "product_length", "product_width"}


class MarketplaceListing(models.Model):
    """A product registered as an item in Marketful's warehouse: ``marketplace_product_id`` is
    Marketful's item id; ``last_pushed_values`` what Marketful was last told."""

    _inherit = "marketplace.listing"

    @api.model
    def _marketful_skus(self, account, products):
        """SKU of each product at Marketful: its listing's seller SKU, else its internal reference.

        :return: ``{product id: sku}``
        """
        listings = self.search_fetch([("account_id", "=", account.id), ("product_id", "in", products.ids)],
                                     ["product_id", "seller_sku"])
        skus = {listing.product_id.id: listing.seller_sku for listing in listings if listing.seller_sku}
        return {product.id: skus.get(product.id) or product.default_code or "" for product in products}

    def _marketful_item(self):
        """This listing as a Marketful item, and the problems that keep it from being sent."""
        self.ensure_one()
        product = self.product_id
        item = Item(
            sku=(self.seller_sku or "").strip(),
            title=product.with_context(display_default_code=False).display_name or "",
            list_price=product.lst_price,
            height=self.product_height or None,
            width=self.product_width or None,
            length=self.product_length or None,
            weight=product.weight or None,
            ean=(self.ean or "").strip(),
            item_id=self.marketplace_product_id or None,
        )
        problems = []
        if not item.sku:
            problems.append(self.env._("The SKU is missing: give the product an Internal Reference, or the listing a "
                                       "Seller SKU."))
        elif not re.fullmatch(marketful_const.SKU_PATTERN, item.sku):
            problems.append(self.env._("The SKU %(sku)s has special characters: Marketful takes letters, digits, "
                                       "'-' and '_' only.", sku=item.sku))
        return item, problems

    @staticmethod
    def _marketful_values(item):
        """What Marketful was told of an item (compared to decide whether to update it)."""
        return {"title": item.title, "list_price": item.list_price, "sku": item.sku, "height": item.height,
                "width": item.width, "length": item.length, "weigth": item.weight, "ean": item.ean}

    def write(self, vals):
        archived = self.filtered(lambda listing: listing.active) if vals.get("active") is False else self.browse()
        restored = self.filtered(lambda listing: not listing.active) if vals.get("active") else self.browse()
        res = super().write(vals)
        marketful = self.filtered(lambda listing: listing.marketplace == "marketful")
        if archived & marketful:
            (archived & marketful)._marketful_queue_delete()
        if restored & marketful:
            (restored & marketful).action_publish()
        if LISTING_FIELDS & set(vals) and not self.env.context.get("marketful_sync"):
            (marketful - archived).filtered("marketplace_product_id")._marketful_queue_changes()
        return res

    def _marketful_queue_changes(self):
        """Push the listings whose item changed since Marketful was told (a job per account)."""
        for account, listings in self.filtered("active").grouped("account_id").items():
            changed = listings.filtered(
                lambda listing: listing._marketful_values(listing._marketful_item()[0]) != listing.last_pushed_values)
            if changed:
                account._queue_product_push(changed)

    def _marketful_queue_delete(self):
        """Archived listings: remove their items from Marketful (a job per account)."""
        Job = self.env["marketplace.job"].sudo()
        for account, listings in self.filtered("marketplace_product_id").grouped("account_id").items():
            Job.create({
                "name": self.env._("Remove %(count)s items from %(account)s", count=len(listings),
                                   account=account.name),
                "account_id": account.id,
                "job_type": "delete_products",
                "payload": {"items": [{"listing_id": listing.id, "item_id": listing.marketplace_product_id,
                                       "sku": listing.seller_sku} for listing in listings]},
            })
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()


class MarketplaceAccount(models.Model):
    _inherit = "marketplace.account"

    def _queue_product_push(self, listings):
        if self.marketplace != "marketful":
            return super()._queue_product_push(listings)
        Job = self.env["marketplace.job"].sudo()
        jobs = Job.create([{
            "name": self.env._("Register %(count)s items on %(account)s", count=len(chunk), account=self.name),
            "account_id": self.id,
            "job_type": "push_products",
            "payload": {"listing_ids": chunk.ids},
        } for chunk in (listings[index:index + ITEMS_PER_REQUEST]
                        for index in range(0, len(listings), ITEMS_PER_REQUEST))])
        self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()
        return jobs

    def _push_products(self, job):
        if self.marketplace != "marketful":
            return super()._push_products(job)
        listings = self.env["marketplace.listing"].browse(job.payload["listing_ids"]).exists().filtered("active")
        creates, updates = [], []
        for listing in listings:
            item, problems = listing._marketful_item()
            if problems:
                listing.with_context(marketful_sync=True).write({"state": "error", "last_error": "\n".join(problems)})
            elif not listing.marketplace_product_id:
                creates.append((listing, item))
            elif listing._marketful_values(item) != listing.last_pushed_values or listing.state != "published":
                updates.append((listing, item))
        with self._get_client() as client:
            if creates:
                updates += self._marketful_create_items(client, creates)
            for listing, item in updates:
                self._marketful_update_item(client, listing, item)
        return None

    def _marketful_saved(self, listing, item, item_id):
        listing.with_context(marketful_sync=True).write({
            "marketplace_product_id": item_id, "state": "published", "last_error": False,
            "last_push_date": fields.Datetime.now(), "last_pushed_values": listing._marketful_values(item)})

    def _marketful_create_items(self, client, creates):
        """Register new items; Marketful saves what it can and says why it refused the others.

        :return: items Marketful already had under their SKU (an earlier answer lost): to update
        """
        adopted = []
        results = {result.sku: result for result in client.create_items([item for _listing, item in creates])}
        for listing, item in creates:
            result = results.get(item.sku)
            if result and result.saved and result.item_id:
                self._marketful_saved(listing, item, result.item_id)
                continue
            known = self._marketful_known_item(client, item.sku)
            if known:
                item.item_id = known
                listing.with_context(marketful_sync=True).marketplace_product_id = known
                adopted.append((listing, item))
                continue
            reason = (result.reason if result else "") or self.env._("Marketful did not save this item.")
            listing.with_context(marketful_sync=True).write({"state": "error", "last_error": reason})
        return adopted

    @staticmethod
    def _marketful_known_item(client, sku):
        """Marketful's item id of ``sku``, when Marketful has that SKU."""
        try:
            return client.get_stock(sku).item_id or None
        except RequestError as error:
            if error.code == "not_found":
                return None
            raise

    def _marketful_update_item(self, client, listing, item):
        try:
            client.update_item(item)
        except RequestError as error:
            message = self.env["marketplace.job"]._describe_error(error)
            values = {"state": "error", "last_error": message}
            if error.code == "not_found":
                values.update(marketplace_product_id=False, last_pushed_values=False, last_error=self.env._(
                    "Marketful no longer has this item: press Publish to register it again."))
            listing.with_context(marketful_sync=True).write(values)
        else:
            self._marketful_saved(listing, item, listing.marketplace_product_id)

    def _delete_products(self, job):
        if self.marketplace != "marketful":
            return self._unsupported(self.env._("removing products"))
        Listing = self.env["marketplace.listing"].with_context(active_test=False, marketful_sync=True)
        with self._get_client() as client:
            for entry in job.payload["items"]:
                try:
                    client.delete_item(entry["item_id"])
                except RequestError as error:
                    if error.code != "not_found":
                        raise
                listing = Listing.browse(entry["listing_id"]).exists()
                if listing and not listing.active and listing.marketplace_product_id == str(entry["item_id"]):
                    listing.write({"marketplace_product_id": False, "state": "draft", "last_pushed_values": False})
        return None


class ProductProduct(models.Model):
    _inherit = "product.product"

    def write(self, vals):
        res = super().write(vals)
        if (PRODUCT_FIELDS | {"active"}) & set(vals):
            self._marketful_sync_listings(vals)
        return res

    def _marketful_sync_listings(self, vals):
        """Products changed: archive or restore their Marketful items, or push what changed."""
        listings = self.env["marketplace.listing"].with_context(active_test=False).sudo().search(
            [("product_id", "in", self.ids), ("marketplace", "=", "marketful")])
        if "active" in vals:
            listings.filtered(lambda listing: listing.active != bool(vals["active"])).active = bool(vals["active"])
        if PRODUCT_FIELDS & set(vals):
            listings.filtered(lambda listing: listing.active and listing.marketplace_product_id
                              )._marketful_queue_changes()


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def write(self, vals):
        res = super().write(vals)
        if (PRODUCT_FIELDS | {"active"}) & set(vals):
            self.with_context(active_test=False).product_variant_ids._marketful_sync_listings(vals)
        return res
