import re

from odoo import api, models

from ...marketplaces.marketful import const as marketful_const
from ...marketplaces.marketful.records import Item

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
