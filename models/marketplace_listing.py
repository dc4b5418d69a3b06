import functools
import logging
import threading
from datetime import timedelta

import psycopg2

from odoo import api, fields, models, sql_db
from odoo.addons.base.models.ir_cron import ODOO_NOTIFY_FUNCTION
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

#: the scheduled action that sends changed offers (Éxito) and lists (X-Mart); its interval is the
#: safety net, a change of stock or price triggers it within :data:`OFFER_PUSH_WINDOW`
PUSH_CRON = "marketplace_connector.ir_cron_marketplace_push_offers"
#: seconds between the first change of stock or price of a listing and the push that sends it: the
#: changes made meanwhile go in the same requests (one per 400 offer rows, one per X-Mart list)
OFFER_PUSH_WINDOW = 20
#: seconds before a push that met a concurrent change of its listings runs again
PUSH_RETRY_DELAY = 2
#: key of ``cr.precommit.data``: the products whose stock or price changed in the transaction
_PENDING_MARKS = "marketplace_connector.offer_marks"
#: sequence holding the transaction id of the last push that read and cleared the marks
_PUSH_XID = "marketplace_offer_push_xid"

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
    offer_dirty = fields.Boolean(
        readonly=True, copy=False, default=True,
        help="Stock or price may have changed since the last offer was sent.")

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

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS marketplace_listing_offer_dirty_index "
            "ON marketplace_listing (account_id) WHERE offer_dirty AND active")
        # The transaction id of the last push that cleared marks (see _begin_offer_read): a sequence,
        # because its value is seen by every transaction at once, whatever their snapshots.
        self.env.cr.execute(SQL("CREATE SEQUENCE IF NOT EXISTS %s", SQL.identifier(_PUSH_XID)))

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


class MarketplaceListingFreshness(models.Model):
    """Stock and price out soon: a change marks the listings of its products (once per transaction,
    when it commits) and makes sure a push runs within :data:`OFFER_PUSH_WINDOW`."""

    _inherit = "marketplace.listing"

    @api.model
    def _mark_offer_dirty(self, products):
        """Stock or price of ``products`` changed: their listings must be looked at again.

        Nothing is written now: the products are collected, and when the transaction commits one
        ``UPDATE`` marks their listings (:meth:`_apply_offer_marks`). A stock operation moving many
        products pays one statement, and holds the listings' rows only for the instant of its commit.

        :param products: ``product.product`` records
        """
        if not products:
            return
        pending = self.env.cr.precommit.data.setdefault(_PENDING_MARKS, set())
        if not pending:
            self.env.cr.precommit.add(self._apply_offer_marks)
        pending.update(products.ids)

    @api.model
    def _apply_offer_marks(self):
        """Mark the listings of the products collected by :meth:`_mark_offer_dirty` (one ``UPDATE``,
        no ORM cache involved; the pushes read the flag with a query), and schedule a push when one
        became dirty. Runs before commit; code that reads the flag in the same transaction calls it
        first."""
        product_ids = self.env.cr.precommit.data.pop(_PENDING_MARKS, None)
        if not product_ids:
            return
        self.flush_model(["offer_dirty"])
        # A listing this transaction's snapshot sees marked may have been cleared since by a push that
        # could not see this change (it read before this commit). While the last push (another
        # transaction's) is not in this snapshot, mark every listing of the products: touching a row that
        # push cleared makes this transaction fail to serialize and start again (Odoo retries it), so no
        # change is lost. Otherwise a marked listing is left alone: stock operations on one product do
        # not write the same row.
        self.env.cr.execute(SQL(
            """UPDATE marketplace_listing SET offer_dirty = TRUE
                WHERE product_id = ANY(%s)
                  AND (NOT offer_dirty OR (SELECT NOT txid_visible_in_snapshot(last_value, txid_current_snapshot())
                                                  AND last_value <> COALESCE(txid_current_if_assigned(), 0)
                                             FROM %s))""",
            sorted(product_ids), SQL.identifier(_PUSH_XID)))
        if self.env.cr.rowcount:
            self.invalidate_model(["offer_dirty"])
            self._schedule_offer_push()

    @api.model
    def _begin_offer_read(self):
        """A push is about to read the marked listings and clear their marks: publish its transaction
        id first (see :meth:`_apply_offer_marks`), so that a stock operation still running marks its
        listings again even when its snapshot shows them marked."""
        self.env.cr.execute(SQL("SELECT setval(%s, txid_current())", _PUSH_XID))

    @api.model
    def _run_offer_push(self, read):
        """Run ``read`` (a push reading the marked listings and clearing their marks) in a savepoint.
        A concurrent write on the same listings (a stock operation marking them again, the job runner
        recording what it sent) makes it fail to serialize: nothing of it is kept, and the push runs
        again in a new transaction shortly (:data:`PUSH_RETRY_DELAY`).

        :param read: a callable without arguments
        :return: what ``read`` returns, or None when it must run again
        """
        try:
            with self.env.cr.savepoint():
                return read()
        except psycopg2.OperationalError as error:
            if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
        _logger.info("Marketplace offer push: listings changed concurrently; the push runs again in %s s",
                     PUSH_RETRY_DELAY)
        self._schedule_offer_push(PUSH_RETRY_DELAY)
        return None

    @api.model
    def _schedule_offer_push(self, delay=OFFER_PUSH_WINDOW):
        """Make sure the offer push runs within ``delay`` seconds (:data:`OFFER_PUSH_WINDOW`): a trigger
        of its scheduled action at now + the delay, unless one is already waiting in the future (then this
        change goes with it). One trigger per window, whatever the number of changes; the push runs
        in a cron worker, never in the transaction that changed the stock.

        A trigger already due does not count: the run it starts may have read the listings before
        this transaction commits, so a new window opens (at worst one run that finds nothing to send).
        Odoo's cron workers wake on a due trigger only at their next poll (every minute): the commit
        also starts a timer that wakes them when the window closes (:func:`_wake_cron_workers`).
        """
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(PUSH_CRON, raise_if_not_found=False)
        if not cron_id:
            return
        now = fields.Datetime.now()
        self.env["ir.cron.trigger"].flush_model()
        self.env.cr.execute(SQL("SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at > %s LIMIT 1",
                                cron_id, now))
        if self.env.cr.fetchone():
            return
        at = now + timedelta(seconds=delay)
        self.env["ir.cron"].sudo().browse(cron_id)._trigger(at)
        # Before commit: the ORM's own flush has run already.
        self.env["ir.cron.trigger"].flush_model()
        self.env.cr.postcommit.add(functools.partial(_wake_cron_workers, self.env.cr.dbname, at))


def _wake_cron_workers(dbname, at):
    """Wake Odoo's cron workers of ``dbname`` at ``at`` (UTC), in a timer thread of this process: they
    take due triggers when notified, else only at their next poll. Losing the timer (the process
    ends first) only delays the push until that poll."""
    delay = (at - fields.Datetime.now()).total_seconds() + 1

    def notify():
        try:
            with sql_db.db_connect("postgres").cursor() as cr:
                cr.execute(SQL("SELECT %s('cron_trigger', %s)", SQL.identifier(ODOO_NOTIFY_FUNCTION), dbname))
        except psycopg2.Error as error:
            _logger.info("Marketplace offer push: the cron workers could not be woken (%s); their next poll "
                         "takes the push", error)

    timer = threading.Timer(max(delay, 0), notify)
    timer.daemon = True
    timer.start()
