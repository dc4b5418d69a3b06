import base64
import hashlib
import math

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.image import image_process

from ..marketplaces.base import Problem
from ..marketplaces.exito import const as exito_const
from ..marketplaces.exito import mapping as exito_mapping
from ..marketplaces.records import ComboComponent, Dimensions, Offer, ProductListing
from .access import USER, guard
from .marketplace_job import LATER


class MarketplaceListing(models.Model):
    """What Éxito needs to know of a product (content, specs, combo components) and where its
    offer stands (last price and stock sent, answer of the marketplace)."""

    _inherit = "marketplace.listing"

    # Content (Éxito's product fields)
    exito_category = fields.Char(string="Éxito Category ID", help="Category id on Éxito (e.g. 27193).")
    brand = fields.Char()
    keywords = fields.Char(help="Comma-separated search words (at most 500 characters).")
    exito_product_type = fields.Selection(
        selection=[("Technology", "Technology"), ("Clothing", "Clothing")], string="Product Type",
        default="Technology", help="Clothing products are variants of a parent reference with a size and a colour.")
    parent_reference = fields.Char(
        help="Variants of one product share it (Éxito's ParentReference). Defaults to the template's reference.")
    package_height = fields.Float(string="Package Height (cm)", default=1)
    package_length = fields.Float(string="Package Length (cm)", default=1)
    package_width = fields.Float(string="Package Width (cm)", default=1)
    package_weight = fields.Float(
        string="Package Weight (kg)", help="Empty: the product's weight.")
    product_height = fields.Float(string="Product Height (cm)", default=1)
    product_length = fields.Float(string="Product Length (cm)", default=1)
    product_width = fields.Float(string="Product Width (cm)", default=1)
    spec_ids = fields.One2many("marketplace.listing.spec", "listing_id", string="Specifications")
    component_ids = fields.One2many(
        "marketplace.listing.component", "listing_id", string="Combo Components",
        help="A combo is sold as one product made of these components (Éxito's EanCombo).")
    moderation_reason = fields.Char(readonly=True, copy=False)
    moderation_date = fields.Datetime(readonly=True, copy=False)

    # Offer
    offer_state = fields.Selection(
        selection=[
            ("to_send", "To Send"),
            ("sent", "Sent"),
            ("active", "Active"),
            ("needs_approval", "Needs Price Approval"),
            ("error", "Refused"),
        ],
        string="Offer", readonly=True, copy=False, index=True)
    offer_dirty = fields.Boolean(
        readonly=True, copy=False, default=True,
        help="Stock or price may have changed since the last offer was sent.")
    offer_price = fields.Float(string="Price Sent", readonly=True, copy=False)
    offer_stock = fields.Integer(string="Stock Sent", readonly=True, copy=False)
    offer_date = fields.Datetime(string="Offer Sent On", readonly=True, copy=False)
    offer_message = fields.Char(readonly=True, copy=False)
    pending_price = fields.Float(string="Price Awaiting Approval", readonly=True, copy=False)

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS marketplace_listing_offer_dirty_index "
            "ON marketplace_listing (account_id) WHERE offer_dirty AND active")

    # -- catalog --------------------------------------------------------------------------

    def _exito_attribute_value(self, attribute):
        values = self.product_id.product_template_attribute_value_ids.filtered(
            lambda value: value.attribute_id == attribute)
        return values[:1].name or ""

    def _exito_listing_record(self):
        """This listing as the ``ProductListing`` Éxito's products API takes."""
        self.ensure_one()
        product, account = self.product_id, self.account_id
        images = self._exito_image_urls()
        clothing = self.exito_product_type == "Clothing"
        weight = product.weight or 0
        return ProductListing(
            ean=self.ean or "",
            seller_sku=self.seller_sku or "",
            name=product.name or "",
            category=self.exito_category or "",
            brand=self.brand or "",
            description=product.description_sale or product.name or "",
            keywords=self.keywords or "",
            product_type=self.exito_product_type or "Technology",
            package=Dimensions(height=self.package_height, length=self.package_length, width=self.package_width,
                               weight=self.package_weight or weight),
            product=Dimensions(height=self.product_height, length=self.product_length, width=self.product_width,
                               weight=weight),
            images=images,
            logistics_exito=account.exito_logistics,
            combo_eans=[component.product_id.barcode or "" for component in self.component_ids],
            features=[(spec.label or spec.name, spec.value) for spec in self.spec_ids if spec.value],
            parent_reference=(self.parent_reference or product.product_tmpl_id.default_code
                              or f"T{product.product_tmpl_id.id}") if clothing else "",
            son_reference=(self.ean or "") if clothing else "",
            size=self._exito_attribute_value(account.exito_size_attribute_id) if clothing else "",
            color=self._exito_attribute_value(account.exito_color_attribute_id) if clothing else "",
            hex_colour_name=self._exito_attribute_value(account.exito_color_attribute_id) if clothing else "",
        )

    def _translate_problems(self, problems):
        """Rules the marketplace's mapping found broken, in the user's language."""
        return [self.env._(problem.template, **problem.params) if isinstance(problem, Problem)
                else str(problem) for problem in problems]

    def _exito_image_urls(self):
        """Public addresses of the product's image as a JPEG (Éxito and X-Mart fetch image URLs
        without credentials, and product images are not public in Odoo): a public copy is kept on
        the listing and made again only when the product's image changes (its digest is kept in
        the copy's description, so an unchanged image is never converted again)."""
        self.ensure_one()
        if not self.product_id.image_1920:
            return []
        source = base64.b64decode(self.product_id.image_1920)
        digest = hashlib.sha1(source).hexdigest()
        name = f"{self.seller_sku or self.ean or self.id}.jpg".replace("/", "-")
        Attachment = self.env["ir.attachment"].sudo()
        attachment = Attachment.search([("res_model", "=", self._name), ("res_id", "=", self.id),
                                        ("res_field", "=", False), ("public", "=", True)], limit=1)
        if not attachment or attachment.description != digest or attachment.name != name:
            values = {"name": name, "raw": image_process(source, output_format="JPEG"), "description": digest}
            if attachment:
                attachment.write(values)
            else:
                attachment = Attachment.create({**values, "mimetype": "image/jpeg", "public": True,
                                                "res_model": self._name, "res_id": self.id})
        return [f"{self.get_base_url()}/web/content/{attachment.id}/{name}"]

    def _exito_problems(self, record):
        problems = self._translate_problems(exito_mapping.validate_listing(record))
        missing = self.spec_ids.filtered(lambda spec: spec.required and not spec.value)
        if missing:
            problems.append(self.env._("Required specifications without a value: %(specs)s",
                                       specs=", ".join(missing.mapped("name"))))
        return problems

    @guard(USER, "write")
    def action_publish(self):
        """Send the listings' content to the marketplace (in batches it accepts)."""
        for account, listings in self.grouped("account_id").items():
            account._queue_product_push(listings)
        return True

    @guard(USER, "write")
    def action_load_specs(self):
        """Show the specifications the listing's category asks for."""
        for listing in self:
            if not listing.exito_category:
                raise UserError(self.env._("Set the Éxito category of %(listing)s first.",
                                           listing=listing.display_name))
            with listing.account_id._get_client() as client:
                specs = client.get_category_specs(listing.exito_category)
            known = {spec.name: spec for spec in listing.spec_ids}
            commands = []
            for spec in specs:
                values = {"name": spec.name, "label": spec.label, "group": spec.group, "required": spec.required,
                          "allowed_values": ", ".join(spec.values)}
                if spec.name in known:
                    commands.append(fields.Command.update(known[spec.name].id, values))
                else:
                    commands.append(fields.Command.create(values))
            listing.spec_ids = commands
        return True

    # -- offers ---------------------------------------------------------------------------

    @guard(USER, "write")
    def action_approve_price(self):
        """The seller confirms a price change over 30%: send it again with PriceApproval."""
        listings = self.filtered(lambda listing: listing.offer_state == "needs_approval")
        for account, group in listings.grouped("account_id").items():
            account._queue_offer_jobs(group, price_approval=True)
        return True

    @guard(USER, "write")
    def action_push_offer(self):
        """Send the offers of these listings now, changed or not."""
        for account, listings in self.grouped("account_id").items():
            account._queue_offer_jobs(listings)
        return True

    def _offer_values(self):
        """``{listing id: (price, stock)}`` of the offers of these listings (see
        :meth:`MarketplaceAccount._offer_values_by_product`)."""
        result = {}
        for account, listings in self.grouped("account_id").items():
            values = account._offer_values_by_product(listings.product_id.ids)
            for listing in listings:
                result[listing.id] = values[listing.product_id.id]
        return result

    def _exito_offer(self, price, stock, stock_changed, combo_prices=None):
        self.ensure_one()
        account = self.account_id
        return Offer(
            ean=self.ean or "",
            price=price,
            stock=stock,
            seller_sku=self.seller_sku or "",
            # Éxito's DiscountPrice is the "before" price shown struck through: never below Price.
            discount_price=max(round(self.product_id.lst_price), price),
            freight_cost=account.exito_freight_cost or 0.0,
            promise_delivery=account.exito_promise_delivery or "",
            periodicity=int(account.exito_periodicity or 1),
            warranty=account.exito_warranty or None,
            free_shipping=account.exito_free_shipping,
            envios_exito=account.exito_envios_exito,
            freight_calculator=account.exito_freight_calculator,
            logistics_exito=account.exito_logistics,
            stock_changed=stock_changed,
            city_code=account.exito_dane_code or "",
            address=account.exito_dispatch_address or "",
            combo=[ComboComponent(ean=component.product_id.barcode or "", price=combo_prices[component.id],
                                  quantity=int(component.quantity))
                   for component in self.component_ids] if combo_prices else [],
        )

    def _combo_prices(self, price):
        """Component prices of a combo: the components' list prices scaled so that their sum
        (times quantity) equals the combo's price, as Éxito requires; the last absorbs rounding."""
        self.ensure_one()
        components = self.component_ids
        if not components:
            return None
        weights = [max(component.product_id.lst_price, 1) * component.quantity for component in components]
        total_weight = sum(weights)
        prices, allotted = {}, 0
        for component, weight in zip(components[:-1], weights[:-1], strict=False):
            unit = round(price * weight / total_weight / component.quantity)
            prices[component.id] = unit
            allotted += unit * component.quantity
        last = components[-1]
        prices[last.id] = (price - allotted) / last.quantity
        return prices


class MarketplaceListingSpec(models.Model):
    _name = "marketplace.listing.spec"
    _description = "Marketplace Listing Specification"
    _order = "required desc, id"

    listing_id = fields.Many2one("marketplace.listing", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="listing_id.company_id", store=True)
    group = fields.Char()
    name = fields.Char(required=True)
    label = fields.Char()
    required = fields.Boolean(readonly=True)
    allowed_values = fields.Char(readonly=True)
    value = fields.Char()


class MarketplaceListingComponent(models.Model):
    _name = "marketplace.listing.component"
    _description = "Marketplace Combo Component"

    listing_id = fields.Many2one("marketplace.listing", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="listing_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True)
    quantity = fields.Integer(default=1, required=True)


class MarketplaceAccount(models.Model):
    _inherit = "marketplace.account"

    # Offer defaults (Éxito's offer fields)
    auto_push_offers = fields.Boolean(
        string="Send Offers Automatically", default=True,
        help="A scheduled action sends price and stock of published listings when they change.")
    stock_buffer = fields.Float(
        string="Safety Stock", help="Units kept back: the marketplace sees the free quantity minus this.")
    exito_promise_delivery = fields.Char(
        string="Promise Delivery", default="1 a 10", help="Delivery promise, e.g. '1 a 10'.")
    exito_periodicity = fields.Selection(
        selection=[("1", "Business Days"), ("2", "Hours")], string="Promise In", default="1")
    exito_warranty = fields.Integer(string="Warranty", default=1, help="Warranty sent with offers.")
    exito_freight_cost = fields.Float(string="Average Freight Cost")
    exito_free_shipping = fields.Boolean(string="Free Shipping")
    exito_envios_exito = fields.Boolean(string="Envíos Éxito", help="Éxito ships the orders (IsEnviosExito).")
    exito_freight_calculator = fields.Boolean(
        string="Freight Calculator", help="Éxito computes the freight (IsFreightCalculator).")
    exito_logistics = fields.Boolean(
        string="Éxito Logistics", help="Products are stored and shipped by Éxito (IsLogisticsExito).")
    exito_dane_code = fields.Char(string="Dispatch City (DANE)", help="Custom city of the offers (DaneCode).")
    exito_dispatch_address = fields.Char(string="Dispatch Address")
    exito_size_attribute_id = fields.Many2one("product.attribute", string="Size Attribute")
    exito_color_attribute_id = fields.Many2one("product.attribute", string="Colour Attribute")

    # -- prices ---------------------------------------------------------------------------

    def _offer_values_by_product(self, product_ids):
        """``{product id: (price, stock)}``: price from the account's pricelist in whole pesos
        (api-notes: Éxito's Price is an integer), stock as the free quantity (on hand minus
        reserved) of the account's warehouse minus the safety stock. Stock is one SQL query over
        quants for all products (the ORM's ``free_qty`` is computed product by product)."""
        self.ensure_one()
        product_ids = list(product_ids)
        free = {}
        if self.warehouse_id and product_ids:
            parent_path = self.warehouse_id.view_location_id.parent_path
            self.env["stock.quant"].flush_model(["quantity", "reserved_quantity", "location_id", "product_id"])
            self.env.cr.execute(SQL(
                """SELECT quant.product_id, SUM(quant.quantity - quant.reserved_quantity)
                     FROM stock_quant quant JOIN stock_location location ON location.id = quant.location_id
                    WHERE quant.product_id = ANY(%s) AND location.usage = 'internal'
                      AND location.parent_path LIKE %s
                 GROUP BY quant.product_id""", product_ids, f"{parent_path}%"))
            free = dict(self.env.cr.fetchall())
        prices = self._offer_prices(self.env["product.product"].browse(product_ids))
        buffer = self.stock_buffer or 0
        return {product_id: (round(prices[product_id]), max(0, math.floor(free.get(product_id, 0) - buffer)))
                for product_id in product_ids}

    def _offer_prices(self, products):
        """``{product id: price}`` in the account's pricelist, as ``_get_products_price`` gives it.

        Odoo evaluates a pricelist product by product (about 0.2 ms each: 4 s for 20,000 listings).
        Products that no rule of the pricelist can concern are priced here in bulk, the way Odoo
        prices them without a rule (sales price plus attribute extras, converted to the pricelist's
        currency); the others go through Odoo's own computation.
        """
        self.ensure_one()
        if not products:
            return {}
        now = fields.Datetime.now()
        pricelist = self.pricelist_id
        self.env["product.product"].flush_model(["product_tmpl_id", "product_template_attribute_value_ids"])
        self.env["product.template"].flush_model(["list_price", "categ_id"])
        self.env["product.template.attribute.value"].flush_model(["price_extra"])
        self.env.cr.execute(SQL(
            """SELECT product.id, template.id, category.parent_path,
                      template.list_price + COALESCE(SUM(value.price_extra), 0)
                 FROM product_product product
                 JOIN product_template template ON template.id = product.product_tmpl_id
                 JOIN product_category category ON category.id = template.categ_id
            LEFT JOIN product_variant_combination combination ON combination.product_product_id = product.id
            LEFT JOIN product_template_attribute_value value
                   ON value.id = combination.product_template_attribute_value_id
                WHERE product.id = ANY(%s)
             GROUP BY product.id, template.id, category.parent_path""", products.ids))
        rows = self.env.cr.fetchall()
        # Every rule of the pricelist valid today, whatever it applies to: a superset of the rules
        # Odoo would consider, found without reading 20,000 products through the ORM (an extra
        # rule only sends its products through Odoo's own computation).
        rules = self.env["product.pricelist.item"].with_context(active_test=False).search([
            ("pricelist_id", "=", pricelist.id),
            "|", ("date_start", "=", False), ("date_start", "<=", now),
            "|", ("date_end", "=", False), ("date_end", ">=", now),
        ]) if pricelist else self.env["product.pricelist.item"]
        if any(rule.applied_on == "3_global" for rule in rules):
            ruled = set(products.ids)
        else:
            variant_ids, template_ids = set(rules.product_id.ids), set(rules.product_tmpl_id.ids)
            category_paths = tuple(rule.categ_id.parent_path for rule in rules
                                   if rule.applied_on == "2_product_category")
            ruled = {product_id for product_id, template_id, path, _price in rows
                     if product_id in variant_ids or template_id in template_ids or path.startswith(category_paths)}
        currency = pricelist.currency_id or self.company_id.currency_id
        rate = self.company_id.currency_id._convert(1.0, currency, self.company_id, now, round=False)
        prices = {product_id: price * rate for product_id, _template, _path, price in rows if product_id not in ruled}
        if ruled:
            prices.update(pricelist.with_company(self.company_id)._get_products_price(
                products.browse(ruled), 1.0, date=now))
        return prices

    # -- products -------------------------------------------------------------------------

    def _queue_product_push(self, listings):
        """Queue the publication of ``listings`` in requests of at most 400 products."""
        self.ensure_one()
        limit = exito_const.MAX_PRODUCTS_PER_REQUEST
        Job = self.env["marketplace.job"].sudo()
        jobs = Job.create([{
            "name": self.env._("Publish %(count)s products on %(account)s", count=len(chunk), account=self.name),
            "account_id": self.id,
            "job_type": "push_products",
            "payload": {"listing_ids": chunk.ids},
        } for chunk in (listings[index:index + limit] for index in range(0, len(listings), limit))])
        listings.write({"state": "draft", "last_error": False})
        self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()
        return jobs

    def _push_products(self, job):
        if self.marketplace != "exito":
            return super()._push_products(job)
        listings = self.env["marketplace.listing"].browse(job.payload["listing_ids"]).exists()
        client = self._get_client()
        if client.get_bulk_status().active:
            return LATER  # Éxito takes no new products while a bulk process runs
        ready, records = self.env["marketplace.listing"], []
        for listing in listings:
            record = listing._exito_listing_record()
            problems = listing._exito_problems(record)
            if problems:
                listing.write({"state": "error", "last_error": "\n".join(problems)})
            else:
                ready |= listing
                records.append(record)
        if not records:
            return None
        result = client.create_products(records)
        refused = {issue.ean: issue.message for issue in result.issues}
        now = fields.Datetime.now()
        for listing, record in zip(ready, records, strict=True):
            if record.ean in refused or listing.ean in refused:
                listing.write({"state": "error", "last_error": refused.get(record.ean) or refused[listing.ean]})
            else:
                listing.write({"state": "pending", "last_error": False, "last_push_date": now,
                               "last_pushed_values": exito_mapping.listing_payload(record)})
        self.env["marketplace.job"].sudo().create({
            "name": self.env._("Check publication on %(account)s", account=self.name),
            "account_id": self.id,
            "job_type": "poll_products",
            "dedupe_key": f"poll_products:{job.id}",
            "payload": {"listing_ids": ready.ids},
            "next_attempt_date": now,
        })
        return None

    def _poll_products(self, job):
        if self.marketplace != "exito":
            return super()._poll_products(job)
        with self._get_client() as client:
            status = client.get_bulk_status()
        if status.active:
            return LATER
        listings = self.env["marketplace.listing"].browse(job.payload["listing_ids"]).exists()
        by_ean = {listing.ean: listing for listing in listings}
        for issue in status.issues:
            if issue.ean in by_ean:
                by_ean[issue.ean].write({"state": "error", "last_error": issue.message})
        return None

    # -- offers ---------------------------------------------------------------------------

    @api.model
    def _cron_push_offers(self, full=False):
        """Scheduled action: send the offers whose price or stock changed.

        :param bool full: compare every published listing, not only those marked dirty (the
            daily check catches what no hook saw: a price computed from a date, a currency rate)
        """
        accounts = self.search([("auto_push_offers", "=", True), ("marketplace", "=", "exito")])
        for account in accounts:
            account._queue_changed_offers(full=full)
        if accounts:
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()

    def _queue_changed_offers(self, full=False):
        """Queue offer jobs for the published listings whose price or stock differ from what
        was last sent. Only listings marked dirty (stock moved, price edited) are looked at,
        unless ``full``. The comparison runs on plain rows: 20,000 listings in a few queries,
        without loading them as records.

        :return: the listings queued
        """
        self.ensure_one()
        Listing = self.env["marketplace.listing"]
        Listing.flush_model()
        self.env.cr.execute(SQL(
            """SELECT id, product_id, offer_date IS NOT NULL, offer_price, offer_stock, offer_dirty
                 FROM marketplace_listing
                WHERE account_id = %s AND active AND state = 'published'
                  AND offer_state IS DISTINCT FROM 'needs_approval' %s
             ORDER BY id""",
            self.id, SQL("") if full else SQL("AND offer_dirty")))
        rows = self.env.cr.fetchall()
        values = self._offer_values_by_product({row[1] for row in rows})
        changed_ids = [listing_id for listing_id, product_id, sent, price, stock, _dirty in rows
                       if not sent or (price, stock) != values[product_id]]
        dirty_ids = [row[0] for row in rows if row[5]]
        if dirty_ids:
            self.env.cr.execute(SQL("UPDATE marketplace_listing SET offer_dirty = FALSE WHERE id = ANY(%s)", dirty_ids))
            Listing.invalidate_model(["offer_dirty"])
        changed = Listing.browse(changed_ids)
        if changed:
            self._queue_offer_jobs(changed)
        return changed

    def _queue_offer_jobs(self, listings, price_approval=False):
        """Queue offer jobs in requests within Éxito's row limit (combo components count)."""
        self.ensure_one()
        limit = exito_const.MAX_OFFERS_PER_REQUEST
        chunks, chunk, rows = [], [], 0
        for listing in listings:
            size = 1 + len(listing.component_ids)
            if chunk and rows + size > limit:
                chunks.append(chunk)
                chunk, rows = [], 0
            chunk.append(listing.id)
            rows += size
        if chunk:
            chunks.append(chunk)
        listings.offer_state = "to_send"
        return self.env["marketplace.job"].sudo().create([{
            "name": self.env._("Send %(count)s offers to %(account)s", count=len(ids), account=self.name),
            "account_id": self.id,
            "job_type": "push_offers",
            "payload": {"listing_ids": ids, "price_approval": price_approval},
        } for ids in chunks])

    def _push_offers(self, job):
        if self.marketplace != "exito":
            return super()._push_offers(job)
        listings = self.env["marketplace.listing"].browse(job.payload["listing_ids"]).exists()
        values = listings._offer_values()
        offers, problems = [], {}
        for listing in listings:
            price, stock = values[listing.id]
            offer = listing._exito_offer(price, stock, stock_changed=not listing.offer_date
                                         or stock != listing.offer_stock,
                                         combo_prices=listing._combo_prices(price))
            issues = listing._translate_problems(exito_mapping.validate_offer(offer))
            if issues:
                problems[listing.id] = "\n".join(issues)
            offers.append((listing, offer))
        for listing_id, message in problems.items():
            self.env["marketplace.listing"].browse(listing_id).write(
                {"offer_state": "error", "offer_message": message})
        offers = [(listing, offer) for listing, offer in offers if listing.id not in problems]
        if not offers:
            return None
        with self._get_client() as client:
            result = client.push_offers([offer for _listing, offer in offers],
                                        price_approval=bool(job.payload.get("price_approval")))
        issues = {issue.ean: issue for issue in result.issues}
        now = fields.Datetime.now()
        refused = []
        for listing, offer in offers:
            issue = issues.get(offer.ean)
            if issue and issue.needs_price_approval:
                listing.write({"offer_state": "needs_approval", "offer_message": issue.message,
                               "pending_price": offer.price})
                refused.append(listing)
            elif issue:
                listing.write({"offer_state": "error", "offer_message": issue.message, "offer_date": now,
                               "offer_price": offer.price, "offer_stock": offer.stock})
                refused.append(listing)
            else:
                listing.write({"offer_state": "sent", "offer_message": False, "offer_date": now,
                               "offer_price": offer.price, "offer_stock": offer.stock, "pending_price": 0})
        if refused:
            self._schedule_unique_activity(
                self.env._("Offers need attention"),
                "; ".join(f"{listing.display_name}: {listing.offer_message}" for listing in refused))
        return None

    # -- callbacks ------------------------------------------------------------------------

    def _exito_callback_jobs(self, job_type, body, raw):
        """The job an Éxito callback makes (``product_callback`` or ``offer_callback``), for the
        ingress path to store; none for a body with nothing to apply.

        Éxito's callbacks name no push: the dedupe key is the body's digest and the time the listings
        it names were last sent. A replay is the same key (stored once, never applied again); the
        same answer to a later push is a new one.

        :raise PayloadError: on a body of the wrong shape
        """
        self.ensure_one()
        if job_type == "product_callback":
            results = exito_mapping.moderation_results(body)
            skus = [result.seller_sku for result in results if result.seller_sku]
            domain = ["|", ("ean", "in", [result.ean for result in results]), ("seller_sku", "in", skus)]
            sent_field = "last_push_date"
        else:
            results = exito_mapping.offer_notifications(body)
            domain = [("ean", "in", [note.ean for note in results])]
            sent_field = "offer_date"
        if not results:
            return []
        listings = self.env["marketplace.listing"].sudo().search_fetch(
            [("account_id", "=", self.id), *domain], [sent_field])
        sent = max(filter(None, listings.mapped(sent_field)), default=None)
        return [{
            "name": self.env._("%(marketplace)s callback (%(count)s items)",
                               marketplace=self._marketplace_label(), count=len(results)),
            "job_type": job_type,
            "dedupe_key": f"{job_type}:{hashlib.sha256(raw).hexdigest()}:{sent.isoformat() if sent else '-'}",
            "payload": body,
            "priority": 5,
        }]

    def _apply_product_callback(self, job):
        if self.marketplace != "exito":
            return super()._apply_product_callback(job)
        results = exito_mapping.moderation_results(job.payload)
        Listing = self.env["marketplace.listing"]
        skus = [result.seller_sku for result in results if result.seller_sku]
        listings = Listing.search([("account_id", "=", self.id), "|",
                                   ("ean", "in", [result.ean for result in results]), ("seller_sku", "in", skus)])
        by_sku = {listing.seller_sku: listing for listing in listings if listing.seller_sku}
        by_ean = {listing.ean: listing for listing in listings if listing.ean}
        now = fields.Datetime.now()
        rejected = []
        for result in results:
            listing = by_sku.get(result.seller_sku) or by_ean.get(result.ean)
            if not listing:
                continue
            values = {"state": "published" if result.approved else "rejected", "moderation_date": now,
                      "moderation_reason": False if result.approved else (result.reason or result.comment),
                      "offer_dirty": True}
            if result.approved and result.ean and result.ean != listing.ean:
                values["marketplace_sku"] = result.ean  # a generic EAN Éxito assigned
                if not listing.ean:
                    values["ean"] = result.ean  # offers go out under it
            listing.write(values)
            if not result.approved:
                rejected.append(f"{listing.display_name}: {result.reason or result.comment}")
        if rejected:
            self._schedule_unique_activity(self.env._("Listings rejected by the marketplace"), "; ".join(rejected))
        if self.auto_push_offers and any(result.approved for result in results):
            self._queue_changed_offers()  # an approved product can sell at once
        return None

    def _apply_offer_callback(self, job):
        if self.marketplace != "exito":
            return super()._apply_offer_callback(job)
        notifications = exito_mapping.offer_notifications(job.payload)
        listings = self.env["marketplace.listing"].search(
            [("account_id", "=", self.id), ("ean", "in", [note.ean for note in notifications])])
        by_ean = {listing.ean: listing for listing in listings}
        messages = {}
        for note in notifications:
            messages.setdefault(note.ean, []).append(note)
        refused = []
        for ean, notes in messages.items():
            listing = by_ean.get(ean)
            if not listing:
                continue
            errors = [note.message for note in notes if not note.ok]
            if errors:
                listing.write({"offer_state": "error", "offer_message": "; ".join(errors)})
                refused.append(f"{listing.display_name}: {'; '.join(errors)}")
            else:
                listing.write({"offer_state": "active", "offer_message": False})
        if refused:
            self._schedule_unique_activity(self.env._("Offers need attention"), "; ".join(refused))
        return None


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(self, product_id, location_id, *args, **kwargs):
        result = super()._update_available_quantity(product_id, location_id, *args, **kwargs)
        self.env["marketplace.listing"]._mark_offer_dirty(product_id)
        return result

    @api.model
    def _update_reserved_quantity(self, product_id, location_id, *args, **kwargs):
        result = super()._update_reserved_quantity(product_id, location_id, *args, **kwargs)
        self.env["marketplace.listing"]._mark_offer_dirty(product_id)
        return result


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def write(self, vals):
        res = super().write(vals)
        if "list_price" in vals:
            self.env["marketplace.listing"]._mark_offer_dirty(self.product_variant_ids)
        return res


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items.pricelist_id._marketplace_mark_offers_dirty()
        return items

    def write(self, vals):
        pricelists = self.pricelist_id
        res = super().write(vals)
        (pricelists | self.pricelist_id)._marketplace_mark_offers_dirty()
        return res

    def unlink(self):
        pricelists = self.pricelist_id
        res = super().unlink()
        pricelists._marketplace_mark_offers_dirty()
        return res


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    def _marketplace_mark_offers_dirty(self):
        """A rule of these pricelists changed: every offer priced with them is looked at again."""
        if not self.ids:
            return
        self.env["marketplace.listing"].flush_model(["offer_dirty"])
        self.env.cr.execute(SQL(
            """UPDATE marketplace_listing SET offer_dirty = TRUE
                WHERE NOT offer_dirty AND account_id IN (
                      SELECT id FROM marketplace_account WHERE pricelist_id = ANY(%s))""", self.ids))
        if self.env.cr.rowcount:
            self.env["marketplace.listing"].invalidate_model(["offer_dirty"])


class MarketplaceListingDirty(models.Model):
    _inherit = "marketplace.listing"

    @api.model
    def _mark_offer_dirty(self, products):
        """Stock of ``products`` moved: their offers must be looked at again (one UPDATE, no ORM
        cache involved; the cron reads the flag with a query)."""
        if not products:
            return
        self.flush_model(["offer_dirty"])
        self.env.cr.execute(SQL(
            "UPDATE marketplace_listing SET offer_dirty = TRUE WHERE product_id = ANY(%s) AND NOT offer_dirty",
            list(products.ids)))
        if self.env.cr.rowcount:
            self.invalidate_model(["offer_dirty"])

