import logging
from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ...marketplaces.base import MarketplaceError, RequestError
from ...marketplaces.xmart import const as xmart_const
from ...marketplaces.xmart import mapping as xmart_mapping
from ...marketplaces.xmart import onboarding
from ...marketplaces.xmart.client import XmartClient
from ..access import MANAGER, guard
from ..marketplace_account import AccountTokenStore
from ..marketplace_job import LATER

_logger = logging.getLogger(__name__)


def _odoo_datetime(value):
    """A naive UTC datetime (as Odoo stores them) from an aware datetime or its ISO text."""
    if not value:
        return False
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)


#: order of X-Mart's statuses: a status is never sent after a later one
STATUS_RANK = {status: rank for rank, status in enumerate(xmart_const.ORDER_STATUSES)}
STATUS_SELECTION = [
    (xmart_const.STATUS_ACCEPTED, "Accepted"),
    (xmart_const.STATUS_IN_PREPARATION, "In Preparation"),
    (xmart_const.STATUS_READY, "Ready"),
    (xmart_const.STATUS_DISPATCHED, "Dispatched"),
    (xmart_const.STATUS_DELIVERED, "Delivered"),
    (xmart_const.STATUS_CANCELED, "Cancelled"),
]


class MarketplaceAccount(models.Model):
    """X-Mart: stores and sales channels per brand, lists, orders announced by webhook and
    retrieved, and the order's life pushed back (status, tracking, transfers, pickups, coupons)."""

    _inherit = "marketplace.account"

    xmart_client_id = fields.Char(string="X-Mart Client ID", copy=False)
    xmart_client_secret = fields.Char(string="X-Mart Client Secret", groups="base.group_system", copy=False)
    xmart_token = fields.Char(groups="base.group_system", copy=False, readonly=True)
    xmart_token_expires_at = fields.Float(groups="base.group_system", copy=False, readonly=True)
    xmart_country_id = fields.Many2one(
        "res.country", string="X-Mart Country",
        help="Where the brand sells on X-Mart: the buyers' country (delivery addresses, billing).")
    xmart_final_consumer = fields.Boolean(
        string="Invoices as Final Consumer",
        help="X-Mart lets buyers ask for invoices as final consumer (no billing data).")
    xmart_webhook_secret = fields.Char(
        string="Webhook Secret", groups="base.group_system", copy=False,
        help="When set, X-Mart must send it in the X-Xmart-Secret header of each new-order notification.")
    xmart_webhook_url = fields.Char(
        string="New Order Webhook URL", compute="_compute_xmart_webhook_url", groups="base.group_system")
    xmart_carrier = fields.Char(
        string="Carrier Name on X-Mart", help="Sent with tracking numbers when the delivery's carrier has none.")

    @api.depends("callback_token", "marketplace")
    def _compute_xmart_webhook_url(self):
        for account in self:
            account.xmart_webhook_url = account._callback_url("xmart", "orders")

    @api.model
    def _credential_fields(self):
        return super()._credential_fields() | {"xmart_client_id", "xmart_client_secret"}

    def write(self, vals):
        res = super().write(vals)
        if {"xmart_client_id", "xmart_client_secret", "api_url"} & set(vals):
            # A token of other credentials is of no use. The token is the system's: an administrator
            # who changes the client id may not write it himself.
            self.sudo().write({"xmart_token": False})
        return res

    def _marketplace_currency_code(self):
        if self.marketplace != "xmart":
            return super()._marketplace_currency_code()
        return self.xmart_country_id.currency_id.name or xmart_const.CURRENCY

    @api.onchange("xmart_country_id")
    def _onchange_xmart_country_id(self):
        self._onchange_marketplace_pricelist()

    def _remote_seller(self):
        if self.marketplace != "xmart":
            return super()._remote_seller()
        # The client id is the brand's client on its own host (the API URL, compared by the caller).
        client_id = (self.xmart_client_id or "").strip()
        return [("xmart_client_id", client_id)] if client_id else []

    def _imports_orders(self):
        # X-Mart announces its orders by webhook: there is nothing to read on a schedule.
        return self.marketplace != "xmart" and super()._imports_orders()

    def _get_client_params(self):
        params = super()._get_client_params()
        if self.marketplace != "xmart":
            return params
        account = self.sudo()
        return dict(params, client_id=account.xmart_client_id, client_secret=account.xmart_client_secret,
                    token_store=AccountTokenStore(self, "xmart_token"), country=account.xmart_country_id.code or "")

    def _xmart_describe(self, error):
        return self.env["marketplace.job"]._describe_error(error)

    # -- stores and channels --------------------------------------------------------------

    @guard(MANAGER, "write")
    def action_xmart_sync_stores(self):
        """Read every brand's stores from X-Mart into Odoo (warehouses and zones are kept)."""
        self.ensure_one()
        if not self.xmart_brand_ids:
            raise UserError(self.env._("Add the account's brands (X-Mart's vendor ids) first."))
        Store = self.env["marketplace.xmart.store"]
        count = 0
        try:
            with self._get_client() as client:
                for brand in self.xmart_brand_ids:
                    for remote in client.get_stores(brand.identifier):
                        store = self.xmart_store_ids.filtered(
                            lambda store, remote=remote: store.xmart_id == remote.store_id
                            or store.code == remote.code)[:1]
                        values = Store._xmart_values(self, remote)
                        if store:
                            store.write(values)
                        else:
                            Store.create({"account_id": self.id, "brand_id": brand.id, **values})
                        count += 1
        except MarketplaceError as error:
            raise UserError(self._xmart_describe(error)) from None
        return self._notification(self.env._("Stores read"), self.env._(
            "%(count)s X-Mart stores are in Odoo.", count=count), "success")

    @guard(MANAGER, "write")
    def action_xmart_save_stores(self):
        """Send every store and channel of the account to X-Mart (it replaces its configuration
        with what it receives, so the whole set always goes)."""
        self.ensure_one()
        Job = self.env["marketplace.job"].sudo()
        waiting = Job.search([("account_id", "=", self.id), ("job_type", "=", "push_stores"),
                              ("state", "in", ("pending", "failed"))], limit=1)
        if waiting:
            waiting.write({"next_attempt_date": fields.Datetime.now()})
        else:
            Job.create({"name": self.env._("Save stores and channels of %(account)s", account=self.name),
                        "account_id": self.id, "job_type": "push_stores", "payload": {}})
        Job._run_due_jobs(account_ids=self.ids, time_limit=30)
        job = Job.search([("account_id", "=", self.id), ("job_type", "=", "push_stores")], limit=1)
        if job.state != "done":
            raise UserError(self.env._("X-Mart did not take the stores yet: %(error)s",
                                       error=job.last_error or self.env._("the job runs in the background.")))
        return self._notification(self.env._("Stores saved"), self.env._(
            "X-Mart has the account's %(stores)s stores and %(channels)s channels.",
            stores=len(self.xmart_store_ids), channels=len(self.xmart_channel_ids)), "success")

    def _push_stores(self, job):
        """The full-replace call, built from Odoo's current stores and channels when it is sent:
        a retry sends the latest configuration, never an older one."""
        if self.marketplace != "xmart":
            return super()._push_stores(job)
        stores, channels = self.xmart_store_ids, self.xmart_channel_ids
        if not stores and not channels:
            raise UserError(self.env._("The account has no stores or channels: X-Mart would delete its whole "
                                       "configuration. Add them (or Sync Stores) first."))
        with self._get_client() as client:
            result = client.save_channels_stores([store._xmart_record() for store in stores],
                                                 [channel._xmart_record() for channel in channels])
        for store in stores:
            store_id = result.store_ids.get(store.code)
            if store_id and store_id != store.xmart_id:
                store.xmart_id = store_id
        return None

    # -- orders ---------------------------------------------------------------------------

    def _xmart_notice_jobs(self, body):
        """The job a new-order notification makes, for the ingress path to store: one per order (a
        notification already stored for that order stores nothing).

        :raise PayloadError: on anything but a ``NEW_ORDER`` notification with an order id
        """
        notice = XmartClient.parse_webhook(body)
        return [{
            "name": self.env._("X-Mart order %(order)s announced", order=notice.order_id),
            "job_type": "retrieve_order",
            "dedupe_key": f"notice:{notice.order_id}",
            "payload": {"order_id": notice.order_id, "store_id": notice.store_id, "channel_id": notice.channel_id},
            "priority": 5,
        }]

    def _retrieve_order(self, job):
        """The webhook is a hint: read the order (and its payment) from X-Mart and store it as an
        order to import."""
        if self.marketplace != "xmart":
            return super()._retrieve_order(job)
        with self._get_client() as client:
            raw = client.get_order(job.payload["order_id"])
            try:
                payment = client.get_payment(raw.ref)
            except RequestError as error:
                if error.code != "not_found":
                    raise
                payment = None
        if payment:
            raw.payload = dict(raw.payload, _payment={
                "method": payment.method, "status": payment.status, "amount": payment.amount,
                "paid_at": payment.paid_at and payment.paid_at.isoformat()})
        self._enqueue_orders([raw])
        return None

    def _xmart_stores_of(self, jobs):
        """``{job id: store}`` of the X-Mart orders of ``jobs`` (a store Odoo does not know is absent)."""
        stores = {store.xmart_id: store for store in self.xmart_store_ids if store.xmart_id}
        return {job.id: stores.get(str((job.payload or {}).get("storeId") or "")) for job in jobs}

    def _import_order_jobs(self, jobs):
        if self.marketplace != "xmart":
            return super()._import_order_jobs(jobs)
        outcomes, ready = {}, self.env["marketplace.job"]
        stores = self._xmart_stores_of(jobs)
        for job in jobs:
            store = stores[job.id]
            if not isinstance(job.payload, dict) or not job.payload.get("storeId"):
                ready |= job  # the mapping says what is wrong with it
            elif not store or not store.warehouse_id:
                outcomes[job.id] = UserError(self.env._(
                    "X-Mart store %(store)s is not in Odoo yet, or has no warehouse: press Sync Stores on the "
                    "account %(account)s and give the store its warehouse; the order then imports by itself.",
                    store=(job.payload or {}).get("storeId") or "?", account=self.name))
            else:
                ready |= job
        if ready:
            extra = {str(job.payload.get("orderId")): {
                "store": stores[job.id].id, "payment": job.payload.get("_payment") or {},
                "billing": job.payload.get("billing") or {}, "address": job.payload.get("shippingAddress")}
                for job in ready if stores[job.id]}
            outcomes.update(super(MarketplaceAccount, self.with_context(xmart_orders=extra))._import_order_jobs(ready))
        return outcomes

    def _prepare_sale_order_values(self, order, partner, shipping_partner, products):
        values = super()._prepare_sale_order_values(order, partner, shipping_partner, products)
        extra = self.env.context.get("xmart_orders", {}).get(order.ref)
        if self.marketplace != "xmart" or extra is None:
            return values
        store = self.env["marketplace.xmart.store"].browse(extra["store"])
        payment = extra["payment"]
        values.update({
            "warehouse_id": store.warehouse_id.id,
            "xmart_store_id": store.id,
            "xmart_order_type": order.delivery_type or False,
            "xmart_final_consumer": bool(extra["billing"].get("finalConsumer")),
            "xmart_shipping_address": extra["address"] or False,
            "xmart_payment_method": payment.get("method") or False,
            "xmart_payment_status": payment.get("status") or False,
            "xmart_payment_amount": payment.get("amount") or 0.0,
            "xmart_paid_at": _odoo_datetime(payment.get("paid_at")),
        })
        return values

    # -- the order's life -----------------------------------------------------------------

    def _xmart_queue_status(self, orders, status):
        """Queue ``status`` for each X-Mart order (once per order and status)."""
        orders = orders.filtered(lambda order: order.marketplace == "xmart")
        self.env["marketplace.job"]._create_unique([{
            "name": self.env._("X-Mart order %(order)s: %(status)s", order=order.marketplace_order_number,
                               status=status),
            "account_id": order.marketplace_account_id.id, "job_type": "push_status",
            "dedupe_key": f"status:{order.id}:{status}",
            "payload": {"order_id": order.id, "status": status}, "res_model": order._name, "res_id": order.id,
        } for order in orders])

    def _push_status(self, job):
        if self.marketplace != "xmart":
            return super()._push_status(job)
        order = self.env["sale.order"].browse(job.payload["order_id"]).exists()
        status = job.payload["status"]
        if not order:
            return None
        job._link_record(order)
        sent = order.xmart_status
        if sent and status != xmart_const.STATUS_CANCELED and STATUS_RANK.get(sent, -1) >= STATUS_RANK[status]:
            return None  # a later status already went: X-Mart's order never goes back
        if sent in (xmart_const.STATUS_DELIVERED, xmart_const.STATUS_CANCELED):
            return None
        with self._get_client() as client:
            client.set_order_status(order.marketplace_order_ref, status)
        order.write({"xmart_status": status, "marketplace_status": status})
        return None

    def _push_tracking(self, job):
        """A validated delivery of an X-Mart order: tracking (when the delivery has a reference)
        and Dispatched; for a pickup order, the customer collected it (pickup dispatched)."""
        if self.marketplace != "xmart":
            return super()._push_tracking(job)
        picking = self.env["stock.picking"].browse(job.payload["picking_id"]).exists()
        if not picking:
            return None
        job._link_record(picking)
        order = picking.sale_id
        ref = order.marketplace_order_ref
        with self._get_client() as client:
            if order.xmart_order_type == "PICKUP":
                if order.xmart_status != xmart_const.STATUS_DISPATCHED:
                    client.mark_pickup_dispatched(ref)
                    order.write({"xmart_status": xmart_const.STATUS_DISPATCHED,
                                 "marketplace_status": xmart_const.STATUS_DISPATCHED})
                picking.marketplace_tracking_state = "sent"
                picking.message_post(body=self.env._("X-Mart: the customer collected the order."))
                return None
            if picking.carrier_tracking_ref:
                carrier = picking.carrier_id.name or self.xmart_carrier or ""
                client.register_tracking(ref, picking.carrier_tracking_ref, carrier,
                                         picking.carrier_tracking_url or "")
                picking.message_post(body=self.env._("Tracking %(tracking)s sent to X-Mart.",
                                                     tracking=picking.carrier_tracking_ref))
            picking.marketplace_tracking_state = "sent"
        self._xmart_queue_status(order, xmart_const.STATUS_DISPATCHED)
        return None


class MarketplaceAccountOnboarding(models.Model):
    _inherit = "marketplace.account"

    xmart_city_ids = fields.One2many("marketplace.xmart.city", "account_id", string="Cities")
    xmart_sector_ids = fields.One2many("marketplace.xmart.sector", "account_id", string="Sectors")
    xmart_brand_ids = fields.One2many("marketplace.xmart.brand", "account_id", string="Brands")
    xmart_zone_ids = fields.One2many("marketplace.xmart.zone", "account_id", string="Coverage Zones")

    def _xmart_city(self, name, create=False):
        city = self.xmart_city_ids.filtered(lambda city: city.name.casefold() == (name or "").strip().casefold())[:1]
        if not city and create and name:
            city = self.env["marketplace.xmart.city"].create({"account_id": self.id, "name": name.strip()})
        return city

    def _xmart_import_places(self, kind, places):
        """Cities or sectors from a CSV: existing ones (same name) are updated.

        :return: the number of records created or updated
        """
        self.ensure_one()
        for place in places:
            values = {"latitude": place.latitude, "longitude": place.longitude}
            if kind == "city":
                city = self._xmart_city(place.name)
                if city:
                    city.write(values)
                else:
                    self.env["marketplace.xmart.city"].create({"account_id": self.id, "name": place.name, **values})
                continue
            city = self._xmart_city(place.city)
            if not city:
                raise UserError(self.env._(
                    "Sector %(sector)s names the city %(city)s, which the account does not have: import the cities "
                    "first.", sector=place.name, city=place.city or "-"))
            sector = city.sector_ids.filtered(lambda sector, name=place.name: sector.name == name)
            if sector:
                sector.write(values)
            else:
                self.env["marketplace.xmart.sector"].create(
                    {"account_id": self.id, "city_id": city.id, "name": place.name, **values})
        return len(places)

    def _xmart_import_zones(self, zones):
        """Coverage zones from KML/KMZ/CSV: a zone with the same code is replaced; a zone's city
        is created when the account does not have it yet."""
        self.ensure_one()
        Zone = self.env["marketplace.xmart.zone"]
        existing = {zone.code: zone for zone in self.xmart_zone_ids}
        for zone in zones:
            values = {"name": zone.name, "polygons": [[list(point) for point in polygon] for polygon in zone.polygons],
                      "city_id": self._xmart_city(zone.city, create=True).id or False}
            if zone.code in existing:
                existing[zone.code].write(values)
            else:
                existing[zone.code] = Zone.create({"account_id": self.id, "code": zone.code, **values})
        return len(zones)

    @guard(MANAGER)
    def action_xmart_import(self):
        """The import wizard of cities, sectors and zones for this account."""
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_xmart_import_wizard")
        action["context"] = {"default_account_id": self.id}
        return action

    @guard(MANAGER, "write")
    def action_xmart_export_zones(self):
        """The "List of zones and stores" X-Mart asks the seller to hand over (seed, section 1)."""
        self.ensure_one()
        rows = [(store.code, store.name, zone.name, zone.city_id.name or store.city_id.name or "")
                for store in self.xmart_store_ids for zone in store.zone_ids]
        content = onboarding.zones_stores_csv(rows)
        attachment = self.env["ir.attachment"].create({
            "name": f"xmart-zones-stores-{self.id}.csv", "raw": content, "mimetype": "text/csv",
            "res_model": self._name, "res_id": self.id})
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "new"}


class MarketplaceAccountStores(models.Model):
    _inherit = "marketplace.account"

    xmart_store_ids = fields.One2many("marketplace.xmart.store", "account_id", string="Stores")
    xmart_channel_ids = fields.One2many("marketplace.xmart.channel", "account_id", string="Sales Channels")
    xmart_list_ids = fields.One2many("marketplace.xmart.list", "account_id", string="Lists")


class MarketplaceAccountLists(models.Model):
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

    @api.model
    def _cron_push_offers(self, full=False):
        """Also send the X-Mart lists holding a listing whose stock or price changed (the lists whose
        content is unchanged are not sent: see :meth:`_push_list`). ``full`` leaves them to
        :meth:`_cron_xmart_lists`, which looks at every list."""
        result = super()._cron_push_offers(full=full)
        if not full:
            for account in self.search([("marketplace", "=", "xmart")]):
                self.env["marketplace.listing"]._run_offer_push(account._xmart_queue_changed_lists)
        return result

    def _xmart_queue_changed_lists(self):
        """Queue the lists of the account that hold a listing marked dirty (stock moved, price edited),
        and clear the mark of those listings: a later change marks them again.

        :return: the lists queued (those already waiting in a job are not queued again)
        """
        self.ensure_one()
        Listing = self.env["marketplace.listing"]
        Listing._apply_offer_marks()
        Listing._begin_offer_read()
        field = self.env["marketplace.xmart.list"]._fields["listing_ids"]
        Listing.flush_model(["offer_dirty", "active"])
        self.env["marketplace.xmart.list"].flush_model(["account_id", "listing_ids"])
        self.env.cr.execute(SQL(
            """SELECT rel.%(list)s, rel.%(listing)s
                 FROM %(rel)s rel
                 JOIN marketplace_listing listing ON listing.id = rel.%(listing)s
                 JOIN marketplace_xmart_list lst ON lst.id = rel.%(list)s
                WHERE lst.account_id = %(account)s AND listing.offer_dirty AND listing.active""",
            rel=SQL.identifier(field.relation), list=SQL.identifier(field.column1),
            listing=SQL.identifier(field.column2), account=self.id))
        rows = self.env.cr.fetchall()
        if not rows:
            return self.env["marketplace.xmart.list"]
        self.env.cr.execute(SQL("UPDATE marketplace_listing SET offer_dirty = FALSE WHERE id = ANY(%s)",
                                sorted({listing_id for _list_id, listing_id in rows})), log_exceptions=False)
        Listing.invalidate_model(["offer_dirty"])
        lists = self.env["marketplace.xmart.list"].browse(sorted({list_id for list_id, _listing_id in rows}))
        self._xmart_queue_lists(lists)
        return lists

    def _xmart_queue_lists(self, lists):
        """Queue a ``push_list`` job for ``lists``, but for those a job not yet due will send anyway (a
        job backing off after a failure, or waiting: it sends the lists as they are when it runs). A
        job already due may be running with what it read before: a new one is queued after it (it
        sends nothing when the content is unchanged)."""
        Job = self.env["marketplace.job"].sudo()
        waiting = Job.search([("account_id", "=", self.id), ("job_type", "=", "push_list"),
                              ("state", "in", ("pending", "failed")),
                              "|", ("state", "=", "failed"), ("next_attempt_date", ">", fields.Datetime.now())])
        queued = {list_id for job in waiting for list_id in job.payload.get("list_ids", [])}
        todo = [lst.id for lst in lists if lst.id not in queued]
        if todo:
            Job.create({"name": self.env._("Send %(count)s lists to %(account)s", count=len(todo), account=self.name),
                        "account_id": self.id, "job_type": "push_list", "payload": {"list_ids": todo}})
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()

    def _push_list(self, job):
        """Send each list of ``job`` whose content changed since it was last sent; a check of its
        synchronization report follows."""
        if self.marketplace != "xmart":
            return super()._push_list(job)
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
        if self.marketplace != "xmart":
            return super()._poll_list(job)
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
