import hashlib
import math
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ...marketplaces.base import Problem
from ...marketplaces.exito import const as exito_const
from ...marketplaces.exito import mapping as exito_mapping
from ...marketplaces.records import OrderQuery, Shipment
from ..access import USER, guard
from ..marketplace_job import AGAIN, LATER

#: days of orders in which cancellations are looked for
CANCELLATION_WINDOW_DAYS = 30


class MarketplaceAccount(models.Model):
    """Grupo Éxito: what the seller center adds to an account (fulfillment, invoices,
    settlements, callbacks). Catalog and offers are in ``MarketplaceAccountCatalog`` below."""

    _inherit = "marketplace.account"

    exito_order_status = fields.Selection(
        selection=[(exito_const.STATUS_ASSIGNED, "Assigned (new orders)"), (exito_const.STATUS_SENT, "Sent")],
        string="Éxito Orders to Import", default=exito_const.STATUS_ASSIGNED,
        help="Éxito's idStatusOrder filter: Assigned orders are the new ones waiting for the seller.")
    exito_seller_id = fields.Char(
        string="Éxito Seller ID",
        help="Your idSeller on Éxito, needed to read settlements. Filled from the first imported order.")
    exito_default_carrier = fields.Char(
        string="Default Carrier on Éxito",
        help="Carrier name sent with tracking when the delivery's carrier has no Éxito name.")

    # Callbacks: Éxito calls these URLs with Basic auth (seed: notifyproduct, notifyoffer).
    callback_username = fields.Char(
        groups="base.group_system", copy=False,
        help="User name Éxito sends (Basic auth) when it calls the callback URLs.")
    callback_password = fields.Char(
        groups="base.group_system", copy=False,
        help="Password Éxito sends (Basic auth) when it calls the callback URLs.")
    exito_notifyproduct_url = fields.Char(
        string="Moderation Callback URL", compute="_compute_callback_urls", groups="base.group_system")
    exito_notifyoffer_url = fields.Char(
        string="Offer Callback URL", compute="_compute_callback_urls", groups="base.group_system")

    # Settlements
    import_settlements = fields.Boolean(
        default=True,
        help="A scheduled action reads the marketplace's billing documents (commissions, payouts).")

    @api.depends("callback_token", "marketplace")
    def _compute_callback_urls(self):
        for account in self:
            account.exito_notifyproduct_url = account._callback_url("exito", "notifyproduct")
            account.exito_notifyoffer_url = account._callback_url("exito", "notifyoffer")

    def _get_client_params(self):
        params = super()._get_client_params()
        if self.marketplace != "exito":
            return params
        return dict(params, token=self.sudo().api_token, culture=self.culture)

    def _marketplace_currency_code(self):
        if self.marketplace != "exito":
            return super()._marketplace_currency_code()
        return exito_const.CURRENCY

    @api.model
    def _remote_seller_fields(self):
        return super()._remote_seller_fields() | {"exito_seller_id"}

    def _remote_seller(self):
        if self.marketplace != "exito":
            return super()._remote_seller()
        # The token designates the seller; the seller id is learnt from the first orders.
        account = self.sudo()
        return [(name, account[name]) for name in ("api_token", "exito_seller_id") if account[name]]

    def _get_order_query(self):
        query = super()._get_order_query()
        if self.marketplace == "exito":
            query.status = self.exito_order_status
        return query

    def _get_status_queries(self):
        queries = super()._get_status_queries()
        if self.marketplace != "exito":
            return queries
        # chosen: cancellations are looked for among the orders of the last 30 days
        date_from = fields.Date.context_today(self) - timedelta(days=CANCELLATION_WINDOW_DAYS)
        if self.import_from_date:
            date_from = max(date_from, self.import_from_date)
        return queries + [OrderQuery(date_from=date_from, status=status) for status in exito_const.CANCELLED_STATUSES]

    # -- order changes --------------------------------------------------------------------

    def _apply_order_status(self, job):
        if self.marketplace != "exito":
            return super()._apply_order_status(job)
        order = self._get_client().parse_order(job.payload)
        sale_order = self.env["sale.order"]._marketplace_find_orders(self, [order.ref]).get(order.ref)
        if not sale_order:
            return None
        job._link_record(sale_order)
        if order.status_code in exito_const.CANCELLED_STATUSES:
            sale_order._marketplace_cancel(order, self.env._(
                "%(marketplace)s cancelled order %(number)s (status %(status)s).",
                marketplace=self._marketplace_label(), number=order.number,
                status=order.status or order.status_code))
        return None

    # -- fulfillment ----------------------------------------------------------------------

    def _tracking_reference_required(self, picking):
        if self.marketplace != "exito":
            return super()._tracking_reference_required(picking)
        return self.push_tracking

    def _push_tracking(self, job):
        if self.marketplace != "exito":
            return super()._push_tracking(job)
        picking = self.env["stock.picking"].browse(job.payload["picking_id"]).exists()
        if not picking:
            return None
        job._link_record(picking)
        moves = picking._marketplace_moves_to_report()
        if not moves:
            return None
        if not picking.carrier_tracking_ref:
            raise UserError(self.env._(
                "Delivery %(picking)s has no tracking reference: enter it in the delivery (Additional Info tab), "
                "then retry this job.", picking=picking.name))
        carrier = picking.carrier_id.exito_carrier_name or picking.carrier_id.name or self.exito_default_carrier
        if not carrier:
            raise UserError(self.env._(
                "Delivery %(picking)s has no carrier: set one on the delivery, or a default carrier on Éxito in "
                "the account %(account)s, then retry this job.", picking=picking.name, account=self.name))
        lines = moves.sale_line_id
        shipment = Shipment(order_ref=picking.sale_id.marketplace_order_ref, tracking=picking.carrier_tracking_ref,
                            carrier=carrier, line_refs=lines.mapped("marketplace_line_ref"))
        with self._get_client() as client:
            result = client.push_tracking(shipment)
        sent = lines.filtered(lambda line: line.marketplace_line_ref in set(result.updated))
        sent.marketplace_shipped = True
        picking.marketplace_tracking_state = "sent" if not result.errors else "error"
        body = self.env._("Tracking %(tracking)s (%(carrier)s) sent to %(marketplace)s for %(count)s lines.",
                          tracking=shipment.tracking, carrier=carrier, marketplace=self._marketplace_label(),
                          count=len(sent))
        if result.errors:
            errors = "; ".join(self.env._(error.template, **error.params) if isinstance(error, Problem) else error
                               for error in result.errors)
            body += " " + self.env._("Refused: %(errors)s", errors=errors)
            picking.activity_schedule(
                "mail.mail_activity_data_todo", user_id=self._responsible().id,
                summary=self.env._("Tracking refused by %(marketplace)s", marketplace=self._marketplace_label()),
                note=errors)
        picking.message_post(body=body)
        return None

    def _get_label(self, picking):
        if self.marketplace != "exito":
            return super()._get_label(picking)
        number = picking.sale_id.marketplace_order_number
        with self._get_client() as client:
            url = client.get_label_url(number)
            content = client.download_label(url)
        picking.sale_id.marketplace_label_url = url
        return f"{self._marketplace_label()}-{number}.pdf", content

    # -- invoices -------------------------------------------------------------------------

    def _upload_invoice(self, job):
        if self.marketplace != "exito":
            return super()._upload_invoice(job)
        invoice = self.env["account.move"].browse(job.payload["move_id"]).exists()
        if not invoice:
            return None
        job._link_record(invoice)
        content = invoice._marketplace_invoice_pdf()
        with self._get_client() as client:
            uploaded = client.upload_invoice(job.payload["order_ref"], content, exito_const.FILE_TYPE_PDF)
        invoice.marketplace_invoice_state = "uploaded"
        invoice.message_post(body=self.env._(
            "Invoice PDF uploaded to %(marketplace)s order %(number)s.", marketplace=self._marketplace_label(),
            number=job.payload.get("order_number") or job.payload["order_ref"]) if uploaded else self.env._(
            "%(marketplace)s order %(number)s already had an invoice attached; nothing was sent.",
            marketplace=self._marketplace_label(), number=job.payload.get("order_number") or job.payload["order_ref"]))
        return None

    # -- settlements ----------------------------------------------------------------------

    @api.model
    def _cron_import_settlements(self):
        """Scheduled action: queue a read of the billing documents of every Éxito account."""
        accounts = self.search([("import_settlements", "=", True), ("marketplace", "=", "exito")])
        accounts._enqueue_settlement_fetch()
        if accounts:
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()

    @guard(USER)
    def action_import_settlements(self):
        """Read the marketplace's settlements now."""
        self._enqueue_settlement_fetch()
        self.env["marketplace.job"]._run_due_jobs(account_ids=self.ids, time_limit=60)
        return self._notification(self.env._("Settlements read"), self.env._(
            "%(count)s settlements known.", count=self.env["marketplace.settlement"].search_count(
                [("account_id", "in", self.ids)])), "success")

    def _enqueue_settlement_fetch(self):
        Job = self.env["marketplace.job"].sudo()
        unfinished = Job.search([("account_id", "in", self.ids), ("job_type", "=", "fetch_settlements"),
                                 ("state", "in", ("pending", "failed"))])
        unfinished.write({"next_attempt_date": fields.Datetime.now()})
        Job.create([{
            "name": self.env._("Read settlements of %(account)s", account=account.name),
            "account_id": account.id,
            "job_type": "fetch_settlements",
            "priority": 20,
            "payload": {"cursor": None, "date_from": account.import_from_date and
                        account.import_from_date.isoformat()},
        } for account in self - unfinished.account_id])

    def _exito_seller_id_from_orders(self):
        """The idSeller Éxito wrote in the last imported order (learnt here rather than during
        the import, which must not write the account row that concurrent runners share)."""
        job = self.env["marketplace.job"].search(
            [("account_id", "=", self.id), ("job_type", "=", "import_order"), ("state", "=", "done")],
            order="id desc", limit=1)
        return job and self._get_client().parse_order(job.payload).seller_id or False

    def _fetch_settlements_page(self, job):
        if self.marketplace != "exito":
            return super()._fetch_settlements_page(job)
        if not self.exito_seller_id:
            self.exito_seller_id = self._exito_seller_id_from_orders()
        if not self.exito_seller_id:
            raise UserError(self.env._(
                "Set your Éxito Seller ID on the account %(account)s (it is filled from the first imported order), "
                "then retry this job.", account=self.name))
        payload = job.payload
        date_from = payload.get("date_from") and fields.Date.to_date(payload["date_from"])
        with self._get_client() as client:
            page = client.get_settlements_page(self.exito_seller_id, date_from=date_from, cursor=payload.get("cursor"))
        self.env["marketplace.settlement"]._marketplace_store(self, page.settlements)
        if page.next_cursor:
            job.payload = dict(payload, cursor=page.next_cursor)
            return AGAIN
        return None


class MarketplaceAccountCatalog(models.Model):
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
        """Scheduled action: send the offers whose price or stock changed. Runs every 10 minutes as a
        safety net, and within ``OFFER_PUSH_WINDOW`` seconds of a change (``marketplace.listing.
        _schedule_offer_push``); the offers go out in jobs, one request per 400 rows.

        :param bool full: compare every published listing, not only those marked dirty (the
            daily check catches what no hook saw: a price computed from a date, a currency rate)
        """
        accounts = self.search([("auto_push_offers", "=", True), ("marketplace", "=", "exito")])
        Listing = self.env["marketplace.listing"]
        queued = [Listing._run_offer_push(lambda account=account: account._queue_changed_offers(full=full))
                  for account in accounts]
        if any(queued):
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
        Listing._apply_offer_marks()  # what this transaction changed counts too
        Listing._begin_offer_read()
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
            # A concurrent mark of these rows fails this (see marketplace.listing._run_offer_push).
            self.env.cr.execute(SQL("UPDATE marketplace_listing SET offer_dirty = FALSE WHERE id = ANY(%s)", dirty_ids),
                                log_exceptions=False)
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
