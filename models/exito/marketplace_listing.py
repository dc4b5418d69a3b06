import base64
import hashlib

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.image import image_process

from ...marketplaces.base import Problem
from ...marketplaces.exito import mapping as exito_mapping
from ...marketplaces.records import ComboComponent, Dimensions, Offer, ProductListing
from ..access import USER, guard


class MarketplaceListing(models.Model):
    """What Éxito needs to know of a product (content, specs, combo components) and where its
    offer stands (last price and stock sent, answer of the marketplace)."""

    _inherit = "marketplace.listing"

    # Content (Éxito's product fields)
    exito_category = fields.Char(string="Éxito Category ID", help="Category id on Éxito (e.g. 27193).")
    exito_category_id = fields.Many2one(
        "marketplace.exito.category", string="Éxito Category", compute="_compute_exito_category_id",
        inverse="_inverse_exito_category_id", domain="[('account_id', '=', account_id)]",
        help="One of the categories whose specifications the account loaded; type a new category id to add it.")
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
    offer_price = fields.Float(string="Price Sent", readonly=True, copy=False)
    offer_stock = fields.Integer(string="Stock Sent", readonly=True, copy=False)
    offer_date = fields.Datetime(string="Offer Sent On", readonly=True, copy=False)
    offer_message = fields.Char(readonly=True, copy=False)
    pending_price = fields.Float(string="Price Awaiting Approval", readonly=True, copy=False)

    # -- category -------------------------------------------------------------------------

    @api.depends("account_id", "exito_category")
    def _compute_exito_category_id(self):
        listings = self.filtered("exito_category")
        categories = self.env["marketplace.exito.category"].search([
            ("account_id", "in", listings.account_id._origin.ids),
            ("code", "in", listings.mapped("exito_category"))]) if listings else ()
        by_key = {(category.account_id.id, category.code): category for category in categories}
        for listing in self:
            listing.exito_category_id = by_key.get((listing.account_id._origin.id, listing.exito_category), False)

    def _inverse_exito_category_id(self):
        for listing in self:
            listing.exito_category = listing.exito_category_id.code or False

    @api.model_create_multi
    def create(self, vals_list):
        listings = super().create(vals_list)
        listings._exito_remember_categories()
        return listings

    def write(self, vals):
        res = super().write(vals)
        if vals.get("exito_category"):
            self._exito_remember_categories()
        return res

    def _exito_remember_categories(self):
        """The Éxito categories these listings name become choices of their account's listings."""
        Category = self.env["marketplace.exito.category"].sudo()
        listings = self.filtered(lambda listing: listing.marketplace == "exito" and listing.exito_category)
        if not listings:
            return
        wanted = {(listing.account_id.id, listing.exito_category) for listing in listings}
        known = Category.search_fetch([("account_id", "in", listings.account_id.ids),
                                       ("code", "in", listings.mapped("exito_category"))], ["account_id", "code"])
        wanted -= {(category.account_id.id, category.code) for category in known}
        Category.create([{"account_id": account_id, "code": code} for account_id, code in sorted(wanted)])

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
            groups = ", ".join(dict.fromkeys(spec.group for spec in specs if spec.group))
            self.env["marketplace.exito.category"]._remember(listing.account_id, listing.exito_category, groups)
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
