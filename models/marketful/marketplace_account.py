import hashlib
import logging
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ...marketplaces.base import MarketplaceError, Problem, RequestError
from ...marketplaces.marketful import const as marketful_const
from ...marketplaces.marketful.client import MarketfulClient
from ...marketplaces.marketful.records import WebhookEvent
from ..access import MANAGER, SYSTEM, USER, guard
from ..marketplace_job import AGAIN, NeedsAttention

_logger = logging.getLogger(__name__)

#: Marketful webhook topics and the last part of their URL in Odoo (a topic has a slash)
WEBHOOK_ROUTES = {
    "order/created": "order_created",
    "order/updated": "order_updated",
    "shipment_event/created": "shipment_event_created",
}
#: products whose stock one run of the stock comparison reads (one call each), the rest next run
STOCK_BATCH = 50
#: items per create_item request (chosen: the seed gives no limit)
ITEMS_PER_REQUEST = 50


def _site(url):
    """Scheme and host of a webhook URL: what a message may say of it (its path may carry a token)."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "?"


CARRIER_SELECTION = [(carrier, carrier.replace("_", " ")) for carrier in marketful_const.CARRIERS]
SHIPPING_SELECTION = [(marketful_const.SHIPPING_ECONOMY, "Economy"), (marketful_const.SHIPPING_NEXT_DAY, "Next Day")]


class MarketplaceAccount(models.Model):
    """Marketful: a 3PL warehouse. Orders shipping from the account's warehouse are sent to
    Marketful to fulfil, stock sent there is announced, items are registered from listings, its
    stock is compared with Odoo's, and its webhooks put tracking on the deliveries."""

    _inherit = "marketplace.account"

    marketful_user_id = fields.Char(
        string="Marketful User ID", groups="base.group_system", copy=False,
        help="Sent as the User header with the access token (API Token). System administrators only.")
    marketful_channel = fields.Char(
        string="Default Channel", default="Odoo",
        help="Marketful's canal of the orders that no channel line names.")
    marketful_channel_ids = fields.One2many("marketplace.marketful.channel", "account_id", string="Channels")
    marketful_carrier = fields.Selection(
        CARRIER_SELECTION, string="Default Carrier on Marketful", default="Marketful",
        help="Used when the order's carrier has no Marketful carrier.")
    marketful_shipping_type = fields.Selection(
        SHIPPING_SELECTION, string="Default Shipping Type", default=marketful_const.SHIPPING_ECONOMY,
        help="Marketful's tipo_envio when the order's carrier does not set one.")
    marketful_insured = fields.Boolean(string="Insured Shipments", help="Marketful's asegurado.")
    marketful_validate_delivered = fields.Boolean(
        string="Complete Deliveries When Delivered",
        help="A 'delivered' shipment event from Marketful validates the Odoo delivery.")
    marketful_stock_check = fields.Boolean(
        string="Compare Stock Daily", default=True,
        help="Every day, read Marketful's available quantities and list the differences with the warehouse.")
    marketful_webhook_ids = fields.One2many(
        "marketplace.marketful.webhook", "account_id", string="Registered Webhooks", readonly=True)
    marketful_webhook_order_created_url = fields.Char(
        string="Order Created URL", compute="_compute_marketful_webhook_urls", groups="base.group_system")
    marketful_webhook_order_updated_url = fields.Char(
        string="Order Updated URL", compute="_compute_marketful_webhook_urls", groups="base.group_system")
    marketful_webhook_shipment_url = fields.Char(
        string="Shipment Event URL", compute="_compute_marketful_webhook_urls", groups="base.group_system")

    @api.depends("callback_token", "marketplace")
    def _compute_marketful_webhook_urls(self):
        for account in self:
            account.marketful_webhook_order_created_url = account._marketful_webhook_url("order/created")
            account.marketful_webhook_order_updated_url = account._marketful_webhook_url("order/updated")
            account.marketful_webhook_shipment_url = account._marketful_webhook_url("shipment_event/created")

    def _marketful_webhook_url(self, topic):
        """The URL Marketful calls for ``topic`` (a random token, never a database id)."""
        return topic in WEBHOOK_ROUTES and self._callback_url("marketful", WEBHOOK_ROUTES[topic])

    @api.model
    def _credential_fields(self):
        return super()._credential_fields() | {"marketful_user_id"}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("marketplace") == "marketful":
                # Never the company's first warehouse by default: its orders would all go to Marketful.
                vals.setdefault("warehouse_id", False)
        return super().create(vals_list)

    @api.onchange("marketplace")
    def _onchange_marketplace_marketful(self):
        if self.marketplace == "marketful" and self.warehouse_id == self._default_warehouse():
            self.update({"warehouse_id": False})

    def _imports_orders(self):
        return self.marketplace != "marketful" and super()._imports_orders()

    def _sells_in_odoo(self):
        return self.marketplace != "marketful" and super()._sells_in_odoo()

    def _marketplace_currency_code(self):
        if self.marketplace != "marketful":
            return super()._marketplace_currency_code()
        return marketful_const.CURRENCY

    def _remote_seller(self):
        if self.marketplace != "marketful":
            return super()._remote_seller()
        account = self.sudo()
        return [(name, account[name]) for name in ("marketful_user_id", "api_token") if account[name]]

    @api.constrains("marketplace", "warehouse_id", "company_id", "active")
    def _check_marketful_warehouse(self):
        """A Marketful warehouse belongs to one account: the orders shipping from it go to that
        account's Marketful (``sale.order._marketful_queue_fulfillment``)."""
        accounts = self.filtered(lambda account: account.marketplace == "marketful" and account.active
                                 and account.warehouse_id)
        if not accounts:
            return
        others = self.sudo().search([("marketplace", "=", "marketful"), ("id", "not in", accounts.ids),
                                     ("warehouse_id", "in", accounts.warehouse_id.ids)])
        for account in accounts:
            clash = (others | accounts - account).filtered(lambda other, account=account:
                                                         other.warehouse_id == account.warehouse_id)[:1]
            if clash:
                raise ValidationError(self.env._(
                    "%(warehouse)s is already the Marketful warehouse of %(other)s: each Marketful account ships "
                    "from a warehouse of its own.", warehouse=account.warehouse_id.display_name, other=clash.name))

    def _get_client_params(self):
        params = super()._get_client_params()
        if self.marketplace != "marketful":
            return params
        account = self.sudo()
        return dict(params, token=account.api_token, user_id=account.marketful_user_id)

    @api.model
    def _marketful_accounts(self, companies=None):
        domain = [("marketplace", "=", "marketful")]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        return self.sudo().search(domain)

    def _marketful_problem(self, problem):
        """A message of the Marketful mapping, in the user's language."""
        if isinstance(problem, Problem):
            return self.env._(problem.template, **problem.params)
        return str(problem)

    # -- webhooks -------------------------------------------------------------------------

    @guard(MANAGER, "write")
    def action_test_connection(self):
        """Marketful: the connection test also reads the webhooks Marketful has for the account."""
        action = super().action_test_connection()
        if self.marketplace == "marketful" and self.state == "connected":
            self._marketful_refresh_webhooks()
        return action

    def _marketful_refresh_webhooks(self, client=None):
        """Keep the list of webhooks Marketful has for this account."""
        self.ensure_one()
        if client is None:
            with self._get_client() as client:
                return self._marketful_refresh_webhooks(client)
        webhooks = client.list_webhooks()
        # Their URLs carry the token (system administrators only): Marketful's list is mirrored
        # by the system, whoever asked for it.
        self.sudo().marketful_webhook_ids = [fields.Command.clear()] + [
            fields.Command.create({"webhook_id": webhook.webhook_id, "topic": webhook.topic, "url": webhook.url})
            for webhook in webhooks]
        return webhooks

    @guard(SYSTEM, "write")
    def action_marketful_register_webhooks(self):
        """Point Marketful's three webhooks at this account's URLs (system administrators: the
        URLs carry the token that authenticates Marketful's deliveries).

        A topic Marketful already sends to another URL is moved here when that URL is an older URL
        of this module (another token or host); any other URL belongs to someone else, and is only
        replaced when the admin confirms (``replace`` in the context)."""
        self.ensure_one()
        replace = self.env.context.get("marketful_replace_webhooks")
        replaced = []
        try:
            with self._get_client() as client:
                for topic in WEBHOOK_ROUTES:
                    url = self._marketful_webhook_url(topic)
                    registration = client.create_webhook(topic, url)
                    if not registration.conflict:
                        continue
                    current = [webhook for webhook in client.list_webhooks() if webhook.topic == topic]
                    foreign = [webhook.url for webhook in current if "/marketplace/marketful/" not in webhook.url]
                    if foreign and not replace:
                        raise UserError(self.env._(
                            "Marketful already sends %(topic)s to %(url)s. If Odoo should receive it instead, press "
                            "Replace Webhooks.", topic=topic, url=", ".join(_site(url) for url in foreign)))
                    for webhook in current:
                        client.delete_webhook(webhook.webhook_id)
                        replaced.append(_site(webhook.url))
                    registration = client.create_webhook(topic, url)
                    if registration.conflict:
                        raise UserError(self.env._("Marketful kept another URL for %(topic)s: %(message)s",
                                                   topic=topic, message=registration.message))
                self._marketful_refresh_webhooks(client)
        except MarketplaceError as error:
            raise UserError(self.env["marketplace.job"]._describe_error(error)) from None
        if replaced:
            # Hosts only: a URL of this module carries a token, and the chatter is not for secrets.
            self.message_post(body=self.env._("Marketful webhooks moved to Odoo; they pointed to %(urls)s.",
                                              urls=", ".join(sorted(set(replaced)))))
        return self._notification(self.env._("Webhooks registered"), self.env._(
            "Marketful sends order and shipment events to Odoo."), "success")

    @guard(SYSTEM, "write")
    def action_marketful_replace_webhooks(self):
        """Register the webhooks, replacing the URLs of other systems (the admin confirmed it)."""
        return self.with_context(marketful_replace_webhooks=True).action_marketful_register_webhooks()

    @guard(SYSTEM, "write")
    def action_marketful_remove_webhooks(self):
        """Remove the webhooks that point to this account."""
        self.ensure_one()
        try:
            with self._get_client() as client:
                for webhook in self._marketful_refresh_webhooks(client):
                    if webhook.url == self._marketful_webhook_url(webhook.topic):
                        client.delete_webhook(webhook.webhook_id)
                self._marketful_refresh_webhooks(client)
        except MarketplaceError as error:
            raise UserError(self.env["marketplace.job"]._describe_error(error)) from None
        return True

    def _marketful_webhook_jobs(self, topic, body, raw):
        """The job a Marketful webhook delivery makes, for the ingress path to store. Its dedupe key
        is the shipment event's id (or the body's digest for order events), so that a replayed
        delivery stores nothing. The payload keeps only what applying the event needs (not the
        seller's Marketful ``user`` id, which only system administrators may read).

        :param str topic: the topic of the URL (the body's own ``tipo`` wins)
        :param body: the parsed body; ``raw``: its bytes
        :raise PayloadError: on a body Marketful would not send
        """
        event = MarketfulClient.parse_webhook(topic, body)
        key = event.event_id or hashlib.sha256(raw).hexdigest()
        return [{
            "name": self.env._("Marketful %(topic)s for order %(order)s", topic=event.topic,
                               order=event.number or event.order_ref),
            "job_type": "webhook",
            "dedupe_key": f"webhook:{event.topic}:{key}",
            "payload": {"topic": event.topic, "body": MarketfulClient.webhook_essentials(event)},
            "priority": 5,
        }]

    def _apply_webhook(self, job):
        """Apply a Marketful event to the order it concerns; an order Odoo cannot place from the
        event is read from Marketful first (the event is a hint)."""
        if self.marketplace != "marketful":
            return super()._apply_webhook(job)
        with self._get_client() as client:
            event = client.parse_webhook(job.payload["topic"], job.payload["body"])
            order = self.env["sale.order"]._marketful_find(
                self, marketful_ref=event.order_ref, channel=event.channel, number=event.number,
                seller_ref=event.order_id)
            if not order:
                order = self._marketful_fetch_order(client, event)
        if not order:
            _logger.info("Marketful event for order %s, which is not an Odoo order of account %s",
                         event.order_ref, self.id)
            return None
        job._link_record(order)
        order._marketful_apply_event(event)
        return None

    def _marketful_fetch_order(self, client, event):
        """Read the order an event names from Marketful and find its sale order."""
        channel, number = event.channel, event.number
        if not (channel and number) and event.order_ref:
            try:
                events = client.get_shipment_events(event.order_ref)
            except RequestError as error:
                if error.code == "not_found":
                    return self.env["sale.order"]
                raise
            if events:
                channel, number = events[0].channel, events[0].number
        if not (channel and number):
            return self.env["sale.order"]
        remote = client.get_orders(channel, number)
        if remote is None:
            return self.env["sale.order"]
        return self.env["sale.order"]._marketful_find(
            self, marketful_ref=remote.order_id, channel=remote.canal, number=remote.num_orden,
            seller_ref=remote.orden_id)

    def _marketful_events_from_history(self, order, events):
        """Shipment events read with ``get_events``, as the events a webhook would have brought."""
        return [WebhookEvent(
            topic="shipment_event/created", order_ref=order.marketful_order_ref, number=event.number,
            channel=event.channel, event_id=event.event_id, status=event.status,
            delivered=event.status.lower() in marketful_const.DELIVERED_STATUSES,
            tracking_number=event.tracking_number, carrier=event.carrier) for event in events]

    # -- fulfillment ----------------------------------------------------------------------

    def _prepare_fulfillment(self, job):
        if self.marketplace != "marketful":
            return super()._prepare_fulfillment(job)
        order = self.env["sale.order"].browse(job.payload["order_id"]).exists()
        if not order or order.state == "cancel" or order.marketful_order_ref:
            return None
        job._link_record(order)
        request = order._marketful_fulfillment_order(self)
        if job.awaiting_answer_since:
            # The last attempt sent it and never heard back: Marketful may have it already.
            with self._get_client() as client:
                remote = client.get_orders(request.canal, request.num_orden)
            if remote is not None:
                order._marketful_record_sent(remote.order_id, remote.fulfillment_status, request)
                return None
        return request

    def _send_fulfillment(self, job, request):
        if self.marketplace != "marketful":
            return super()._send_fulfillment(job, request)
        order = self.env["sale.order"].browse(job.payload["order_id"])
        with self._get_client() as client:
            try:
                result = client.create_fulfillment_order(request)
                order_ref, status = result.order_id, (result.payload.get("order") or {}).get("fulfillment_status")
            except RequestError as error:
                if error.code != "already_exists":
                    raise
                remote = client.get_orders(request.canal, request.num_orden)
                if remote is None:
                    raise
                order_ref, status = remote.order_id, remote.fulfillment_status
        order._marketful_record_sent(order_ref, status, request)

    # -- entry orders ---------------------------------------------------------------------

    def _prepare_entry(self, job):
        if self.marketplace != "marketful":
            return super()._prepare_entry(job)
        picking = self.env["stock.picking"].browse(job.payload["picking_id"]).exists()
        if not picking or picking.marketful_entry_token:
            return None
        job._link_record(picking)
        if job.awaiting_answer_since:
            raise NeedsAttention(self.env._(
                "Marketful's answer to the entry order of %(picking)s was lost, so Marketful may have it already "
                "(it cannot be looked up). Check Marketful's entries; if it is not there, press Announce to "
                "Marketful on the transfer.", picking=picking.name))
        return picking._marketful_entry_quantities(self)

    def _send_entry(self, job, quantities):
        if self.marketplace != "marketful":
            return super()._send_entry(job, quantities)
        picking = self.env["stock.picking"].browse(job.payload["picking_id"])
        with self._get_client() as client:
            result = client.create_entry_order(quantities)
        picking._marketful_record_entry(result)
        if not result.created:
            return UserError(self.env._(
                "Marketful refused the entry order of %(picking)s: %(items)s are not registered items (or have no "
                "stock). Register them (Publish on the product's Marketful listing); the job then runs again.",
                picking=picking.name, items=", ".join(result.rejected) or "-"))

    # -- stock ----------------------------------------------------------------------------

    @api.model
    def _cron_marketful_stock(self):
        """Scheduled action: compare Marketful's stock with Odoo's for every account that wants it."""
        accounts = self._marketful_accounts().filtered("marketful_stock_check")
        accounts._marketful_queue_stock_check()
        if accounts:
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()

    @guard(USER)
    def action_marketful_compare_stock(self):
        """Compare Marketful's stock now and show the result."""
        self.ensure_one()
        self._marketful_queue_stock_check()
        self.env["marketplace.job"]._run_due_jobs(account_ids=self.ids, time_limit=60)
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_marketful_stock")
        action["domain"] = [("account_id", "=", self.id)]
        return action

    def _marketful_queue_stock_check(self):
        Job = self.env["marketplace.job"].sudo()
        running = Job.search([("account_id", "in", self.ids), ("job_type", "=", "fetch_stock"),
                              ("state", "in", ("pending", "failed"))])
        running.write({"next_attempt_date": fields.Datetime.now()})
        Listing = self.env["marketplace.listing"]
        for account in self - running.account_id:
            listings = Listing.search([("account_id", "=", account.id), ("marketplace_product_id", "!=", False)])
            if listings:
                Job.create({"name": self.env._("Compare stock of %(account)s", account=account.name),
                            "account_id": account.id, "job_type": "fetch_stock", "priority": 20,
                            "payload": {"listing_ids": listings.ids}})

    def _fetch_stock(self, job):
        if self.marketplace != "marketful":
            return super()._fetch_stock(job)
        ids = job.payload["listing_ids"]
        batch, rest = ids[:STOCK_BATCH], ids[STOCK_BATCH:]
        listings = self.env["marketplace.listing"].browse(batch).exists()
        quantities, problems = {}, {}
        with self._get_client() as client:
            for listing in listings:
                try:
                    stock = (client.get_stock(listing.seller_sku) if listing.seller_sku
                             else client.get_stock_ean(listing.ean))
                except RequestError as error:
                    if error.code != "not_found":
                        raise
                    problems[listing.id] = self.env["marketplace.job"]._describe_error(error)
                else:
                    quantities[listing.id] = stock.available_quantity
        self.env["marketplace.marketful.stock"]._record(self, listings, quantities, problems)
        if rest:
            job.payload = dict(job.payload, listing_ids=rest)
            return AGAIN
        return None


class MarketplaceAccountItems(models.Model):
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
            return super()._delete_products(job)
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
