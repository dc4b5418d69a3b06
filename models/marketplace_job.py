import json
import logging
import re
import time
import traceback
from datetime import timedelta
from typing import NamedTuple

import pydantic
from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import api, fields, models, modules, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..marketplaces.base import AuthenticationError, MarketplaceError
from ..marketplaces.schemas import describe_validation_error
from .access import MANAGER, USER, guard

_logger = logging.getLogger(__name__)

#: what PostgreSQL's jsonb refuses in a string: NUL, and surrogates (JSON pairs them into one character,
#: so any left in a decoded string is alone)
_UNSTORABLE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
#: a surrogate's escape in JSON text (``json.dumps`` escapes every non-ASCII character)
_SURROGATE_ESCAPE = re.compile(r"\\ud[89a-f]", re.IGNORECASE)

#: jobs in these states are taken by the runner once their next attempt is due
DUE_STATES = ("pending", "failed")
#: the state of order imports that wait for a person to create or link their products: never due,
#: no attempt counted; they run again as soon as a product or listing that may match is saved
WAITING_PRODUCTS = "waiting_products"
#: what a handler returns for a job that made progress and must run again (next page)
AGAIN = "again"
#: what a handler returns for a job that must wait (the marketplace is busy) without it
#: counting as a failed attempt
LATER = "later"
#: seconds a job that returned LATER waits
LATER_DELAY = 60

DEFAULT_PRIORITY = 10
DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_RETRY_DELAY = 60  # seconds before the first retry; doubles on each attempt
MAX_RETRY_DELAY = 6 * 3600
BATCH_SIZE = 100
#: marketplace error codes that mean "configure something on the marketplace's side": the
#: account shows the message and its responsible gets an activity
CONFIGURATION_ERROR_CODES = {"sync_date_not_configured"}
#: job types that never call the marketplace (they work on what it sent): they keep running while
#: the account's credentials are refused; every other type waits for new credentials
OFFLINE_JOB_TYPES = ("import_order", "order_status", "product_callback", "offer_callback")
#: seconds the jobs of a batch stay out of other runners' reach while the batch commits a mark
#: before a call (the runner locks them again right after the commit)
LEASE_SECONDS = 300

# Run modes: how the runner runs the due jobs of one account and type (:meth:`MarketplaceJob._run_handler`).
#: ``account.<operation>(jobs)`` once for the whole batch, returning ``{job id: outcome}`` for the jobs
#: that did not simply succeed; if it raises, each job alone (:meth:`MarketplaceJob._run_batch`)
BATCH = "batch"
#: ``account.<operation>(job)`` for each job in its own savepoint (:meth:`MarketplaceJob._run_each`)
EACH = "each"
#: a call the marketplace must not receive twice: ``account.<operation>(job)`` prepares it, a "sent,
#: awaiting answer" mark is committed, ``account.<then>(job, request)`` sends it
#: (:meth:`MarketplaceJob._run_once_each`)
SEND_ONCE = "send_once"
#: a read the marketplace answers only once: ``account.<operation>(job)`` reads and stores, what it
#: stored is committed, then ``account.<then>(job)`` does the bookkeeping
#: (:meth:`MarketplaceJob._run_receive_once_each`)
RECEIVE_ONCE = "receive_once"


class JobType(NamedTuple):
    """What a job type is: its label (the ``job_type`` selection), the account operation the runner
    calls (declared, with what it gets, returns and raises, on the generic ``marketplace.account``)
    and how (a run mode)."""

    label: str
    mode: str
    operation: str
    #: the second account operation of the send-once (send) and receive-once (finish) modes
    then: str | None = None


#: every job type: the ``job_type`` selection, and what the runner does with it. A module adding a
#: type adds it here and to the selection (``selection_add``), and declares its operation on the account.
JOB_TYPES = {
    "fetch_orders": JobType("Read new orders", RECEIVE_ONCE, "_fetch_orders_page", "_finish_order_read"),
    "import_order": JobType("Import order", BATCH, "_import_order_jobs"),
    "order_status": JobType("Apply order status", EACH, "_apply_order_status"),
    "push_tracking": JobType("Send tracking", EACH, "_push_tracking"),
    "upload_invoice": JobType("Upload invoice", EACH, "_upload_invoice"),
    "push_products": JobType("Publish products", EACH, "_push_products"),
    "poll_products": JobType("Check product publication", EACH, "_poll_products"),
    "push_offers": JobType("Send offers", EACH, "_push_offers"),
    "product_callback": JobType("Apply moderation result", EACH, "_apply_product_callback"),
    "offer_callback": JobType("Apply offer result", EACH, "_apply_offer_callback"),
    "fetch_settlements": JobType("Read settlements", EACH, "_fetch_settlements_page"),
    "delete_products": JobType("Remove products", EACH, "_delete_products"),
    "push_fulfillment": JobType("Send fulfillment order", SEND_ONCE, "_prepare_fulfillment", "_send_fulfillment"),
    "push_entry": JobType("Announce inbound stock", SEND_ONCE, "_prepare_entry", "_send_entry"),
    "fetch_stock": JobType("Compare stock", EACH, "_fetch_stock"),
    "webhook": JobType("Apply webhook event", EACH, "_apply_webhook"),
    "push_stores": JobType("Save stores and channels", EACH, "_push_stores"),
    "push_list": JobType("Send lists", EACH, "_push_list"),
    "poll_list": JobType("Check list synchronization", EACH, "_poll_list"),
    "retrieve_order": JobType("Retrieve order", EACH, "_retrieve_order"),
    "push_status": JobType("Send order status", EACH, "_push_status"),
}
#: run modes that commit in their middle (a mark before a call, what a read received) and keep each
#: job in its own savepoints
COMMITTING_MODES = (SEND_ONCE, RECEIVE_ONCE)


def _storable(value):
    if isinstance(value, str):
        return _UNSTORABLE_CHARACTERS.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def storable_json(value):
    """``value`` as JSON text that PostgreSQL's ``jsonb`` accepts: NUL characters and lone
    surrogates (which a marketplace's JSON may carry as ``\\u0000``, ``\\ud800``) become U+FFFD."""
    text = json.dumps(value)
    if "\\u0000" in text or _SURROGATE_ESCAPE.search(text):
        text = json.dumps(_storable(value))
    return text


class NeedsAttention(UserError):
    """A job that must not run again by itself: it gives up at once and its account's
    responsible gets an activity (e.g. the answer to a call that cannot be repeated safely was
    lost, and only a person can check the marketplace)."""


class UnknownProducts(UserError):
    """An order names products Odoo does not know (no listing, barcode or internal reference
    matches): waiting cannot fix it, retrying would only burn attempts. The job waits for a person
    (state :data:`WAITING_PRODUCTS`), who creates or links the products (``marketplace.product.fix.wizard``);
    saving them runs it again.

    :param str message: what the user reads (the job's last error)
    :param list lines: the order's lines without a product, as dicts: ``name``, ``ean``, ``seller_sku``,
        ``marketplace_sku``, ``price`` (per unit, as the order said), ``quantity``
    """

    def __init__(self, message, lines):
        super().__init__(message)
        self.lines = lines


class UnsupportedOperation(NeedsAttention):
    """The account's marketplace does not implement the operation a job asks for: no attempt can
    change that, so the job gives up at once (see ``marketplace.account._unsupported``)."""


class MarketplaceJob(models.Model):
    """One exchange with a marketplace: an order payload to import, a page of orders to read...

    Jobs are stored (and committed) before they are processed, so that nothing a marketplace
    sent is lost. The runner (:meth:`_run_due_jobs`) takes due jobs with ``FOR UPDATE SKIP
    LOCKED``, so that any number of runners work the same queue without taking one job twice.

    A job is what the marketplace sent or must receive: users read jobs, and change them only
    through the job's own methods (retry, cancel, a manager's payload correction, recorded in the
    job's chatter). ``create``, ``write`` and ``unlink`` are the system's (superuser) alone: the
    runner and the code that queues jobs work in ``sudo()``, callbacks insert rows directly.
    """

    _name = "marketplace.job"
    _description = "Marketplace Job"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    account_id = fields.Many2one(
        "marketplace.account", required=True, readonly=True, index=True,
        ondelete="cascade", check_company=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True, precompute=True)
    marketplace = fields.Selection(related="account_id.marketplace", store=True, precompute=True)
    job_type = fields.Selection(
        selection=[(job_type, spec.label) for job_type, spec in JOB_TYPES.items()],
        string="Type", required=True, readonly=True, index=True)
    state = fields.Selection(
        selection=[
            ("pending", "Pending"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("dead", "Gave up"),
            (WAITING_PRODUCTS, "Waiting for Products"),
            ("cancelled", "Cancelled"),
        ],
        default="pending", required=True, readonly=True, index=True,
        help="Failed jobs are retried automatically; jobs that gave up wait for a user; orders waiting for "
             "products run again as soon as their products are created or linked (Fix Products).")
    priority = fields.Integer(default=DEFAULT_PRIORITY, readonly=True, help="Lower runs first.")
    dedupe_key = fields.Char(
        readonly=True, copy=False,
        help="Identifies what the job is about (e.g. one marketplace order); a job with the same "
             "key for the same account is never created twice.")
    payload = fields.Json(string="Payload Data", readonly=True, copy=False)
    payload_text = fields.Text(
        string="Payload", compute="_compute_payload_text",
        help="The data the job works on, as the marketplace sent it. A manager may correct it "
             "(Correct Payload) before retrying a job that failed.")
    attempts = fields.Integer(readonly=True, copy=False)
    next_attempt_date = fields.Datetime(
        string="Next Attempt", default=fields.Datetime.now, required=True, readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    last_error_source = fields.Json(
        readonly=True, copy=False,
        help="The error's message before translation (template and parameters), when it has one: shown "
             "in the language of whoever reads the job.")
    error_message = fields.Text(
        string="Error", compute="_compute_error_message",
        help="The last error, in your language where the message allows it.")
    missing_products = fields.Json(
        readonly=True, copy=False,
        help="The order lines no product matches (name, EAN, SKUs, price), while the job waits for products.")
    awaiting_answer_since = fields.Datetime(
        string="Sent, Awaiting Answer Since", readonly=True, copy=False,
        help="A call that must not be repeated blindly was sent at that time and its answer never came: "
             "before sending again, the job checks with the marketplace whether it arrived.")
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    res_model = fields.Char(string="Related Document Model", readonly=True, copy=False)
    res_id = fields.Many2oneReference(
        string="Related Document ID", model_field="res_model", readonly=True, copy=False)
    res_name = fields.Char(string="Related Document", compute="_compute_res_name")

    _sql_constraints = [
        ("dedupe_key_uniq", "unique(account_id, dedupe_key)",
         "A job with this key already exists for this account."),
    ]

    def init(self):
        # The runner's query: only due jobs, in the runner's order.
        tools.create_index(
            self.env.cr, "marketplace_job_due_index", self._table,
            ["priority", "next_attempt_date", "id"], where="state IN ('pending', 'failed')")

    @api.depends("payload")
    def _compute_payload_text(self):
        for job in self:
            job.payload_text = json.dumps(job.payload, indent=2, ensure_ascii=False) if job.payload else ""

    # -- the system's alone ----------------------------------------------------------------

    def _check_system(self):
        """A job changes only through its own methods: plain create/write/unlink (RPC, imports,
        forms) are refused to everyone but the superuser, whatever the access rights say."""
        if not self.env.su:
            raise AccessError(self.env._(
                "Marketplace jobs are changed by the system only: use Retry, Cancel or Correct Payload."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_system()
        # Imports create thousands of jobs: no creation message, no followers, no tracking.
        return super(MarketplaceJob, self.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)).create(vals_list)

    def write(self, vals):
        self._check_system()
        # No field of a job is tracked: mail.thread has nothing to do on the runner's writes.
        return super(MarketplaceJob, self.with_context(tracking_disable=True)).write(vals)

    def unlink(self):
        self._check_system()
        return super().unlink()

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        for job in self:
            record = job._get_related_record()
            job.res_name = record.display_name if record else False

    def _get_related_record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        record = self.env[self.res_model].browse(self.res_id).exists()
        return record or None

    def _link_record(self, record):
        """Remember the Odoo document this job concerns (the sale order it created...)."""
        self.write({"res_model": record._name, "res_id": record.id})

    @api.model
    def _create_unique(self, vals_list):
        """Create the jobs whose (account, dedupe key) does not exist yet, and wake the runner.

        Used where Odoo records "to send" (a validated delivery, a confirmed order) and where what a
        marketplace sent is stored: doing the same thing again never queues the same exchange twice.

        :return: the jobs created
        """
        jobs = self._insert_unique(vals_list)
        if jobs:
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner").sudo()._trigger()
        return jobs

    @api.model
    def _insert_unique(self, vals_list):
        """Insert jobs in one ``INSERT ... ON CONFLICT (account_id, dedupe_key) DO NOTHING``: a job
        whose key the account already has (stored earlier, or at the same moment by another runner
        or request) is left alone, and nothing fails. A failure here would roll back what a read
        received; this never does, so a read that cannot be repeated keeps what it stored.

        ``vals_list`` holds ``name``, ``account_id``, ``job_type``, ``dedupe_key`` and optionally
        ``payload``, ``priority``, ``res_model``, ``res_id``; payloads are made storable (PostgreSQL's
        ``jsonb`` refuses NUL characters and lone surrogates: they become U+FFFD).

        :return: the jobs inserted (those whose key was taken are not in it)
        """
        if not vals_list:
            return self.browse()
        accounts = self.env["marketplace.account"].sudo().browse({values["account_id"] for values in vals_list})
        accounts.fetch(["company_id", "marketplace"])
        now, uid = fields.Datetime.now(), self.env.uid
        rows, seen = [], set()
        for values in vals_list:
            key = (values["account_id"], values.get("dedupe_key"))
            if key[1] and key in seen:
                continue
            seen.add(key)
            account = accounts.browse(values["account_id"])
            payload = values.get("payload")
            rows.append(SQL(
                "(%s, %s, %s, %s, %s, 'pending', %s, %s, %s::jsonb, 0, %s, %s, %s, %s, %s, %s, %s)",
                values["name"], account.id, account.company_id.id, account.marketplace, values["job_type"],
                values.get("priority", DEFAULT_PRIORITY), values.get("dedupe_key"),
                None if payload is None else storable_json(payload), values.get("next_attempt_date", now),
                values.get("res_model"), values.get("res_id"), uid, now, uid, now))
        self.flush_model()
        self.env.cr.execute(SQL(
            """INSERT INTO marketplace_job (name, account_id, company_id, marketplace, job_type, state, priority,
                                            dedupe_key, payload, attempts, next_attempt_date, res_model, res_id,
                                            create_uid, create_date, write_uid, write_date)
               VALUES %s ON CONFLICT (account_id, dedupe_key) DO NOTHING RETURNING id""",
            SQL(", ").join(rows)))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    # -- user actions ---------------------------------------------------------------------

    @guard(USER)
    def action_retry(self):
        """Run the jobs that failed, gave up or were cancelled again as soon as possible, with a
        fresh budget of attempts (a job that is done never runs again)."""
        jobs = self.sudo().filtered(lambda job: job.state in ("failed", "dead", "cancelled", WAITING_PRODUCTS))
        jobs.write({"state": "pending", "attempts": 0, "next_attempt_date": fields.Datetime.now()})
        if jobs:
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner").sudo()._trigger()
        return True

    @guard(MANAGER)
    def action_send_again(self):
        """A person checked that the marketplace never received the last call whose answer was
        lost: send it again as if for the first time."""
        jobs = self.sudo().filtered(lambda job: job.awaiting_answer_since and job.state != "done")
        jobs.write({"awaiting_answer_since": False})
        return jobs.action_retry()

    @guard(USER)
    def action_cancel(self):
        """Stop the jobs: they will not run again unless retried."""
        jobs = self.sudo().filtered(lambda job: job.state in ("pending", "failed", "dead", WAITING_PRODUCTS))
        jobs.write({"state": "cancelled"})
        return True

    @guard(MANAGER)
    def action_correct_payload(self, payload_text):
        """Replace the payload of a job that failed or gave up (a manager's correction of what the
        marketplace sent, e.g. a field it left out); the job's chatter records who changed what.

        :param str payload_text: the new payload, as JSON
        :raise UserError: when the job is not failed or dead (a job that is done never runs
            again, a pending one may be running)
        :raise ValidationError: when the text is not JSON
        """
        self.ensure_one()
        if self.state not in ("failed", "dead"):
            raise UserError(self.env._("Only the payload of a job that failed or gave up can be corrected."))
        try:
            payload = json.loads(payload_text or "null")
        except ValueError as error:
            raise ValidationError(self.env._("The payload is not valid JSON: %(error)s", error=error)) from None
        before = self.payload_text
        job = self.sudo()
        job.payload = payload
        job.message_post(
            body=Markup("<p>%s</p><p>%s</p><pre>%s</pre><p>%s</p><pre>%s</pre>") % (
                self.env._("Payload corrected by %(user)s.", user=self.env.user.name),
                self.env._("Before:"), before, self.env._("After:"), job.payload_text),
            message_type="comment", subtype_xmlid="mail.mt_note")
        return True

    @guard(USER)
    def action_fix_products(self):
        """Open the wizard that creates or links the products these orders wait for (the jobs of
        the selection that wait for products; all of them in one wizard).

        :raise UserError: when none of the jobs waits for products
        """
        # A pending job that still lists missing products was made due again by a product saved since.
        jobs = self.filtered(lambda job: job.state in (WAITING_PRODUCTS, "pending") and job.missing_products)
        if not jobs:
            raise UserError(self.env._("None of these jobs waits for products."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Fix Products"),
            "res_model": "marketplace.product.fix.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_job_ids": [fields.Command.set(jobs.ids)]},
        }

    @guard(USER)
    def action_open_record(self):
        """Open the Odoo document the job concerns."""
        self.ensure_one()
        record = self._get_related_record()
        if not record:
            raise UserError(self.env._("This job is not linked to any document."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    # -- runner ---------------------------------------------------------------------------

    @api.model
    def _cron_run_jobs(self):
        """Scheduled action: run one batch of due jobs and report progress, so that Odoo
        calls it again at once while jobs remain."""
        done = self._run_due_jobs(max_batches=1)
        remaining = self._count_due_jobs()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _run_due_jobs(self, account_ids=None, batch_size=BATCH_SIZE, max_batches=None, time_limit=None):
        """Take due jobs batch after batch and process them; commit after each batch.

        :param list account_ids: only the jobs of these accounts (all when ``None``)
        :param int max_batches: stop after that many batches
        :param float time_limit: stop starting new batches after that many seconds
        :return: the number of jobs processed
        """
        started = time.monotonic()
        processed = batches = 0
        while True:
            # The runner is the system, whoever started it (a user's button runs it too).
            jobs = self.sudo()._acquire_due_jobs(batch_size, account_ids)
            if not jobs:
                break
            jobs._process()
            processed += len(jobs)
            batches += 1
            self._commit_progress()
            if max_batches and batches >= max_batches:
                break
            if time_limit is not None and time.monotonic() - started >= time_limit:
                break
        return processed

    def _due_jobs_query(self, account_ids=None):
        # Jobs that call a marketplace wait while their account's credentials are refused: one
        # refusal tells the admin, instead of every job failing against the same wall.
        condition = SQL(
            """state IN %s AND next_attempt_date <= %s AND (job_type IN %s OR account_id NOT IN (
                   SELECT id FROM marketplace_account WHERE credentials_refused))""",
            DUE_STATES, fields.Datetime.now(), OFFLINE_JOB_TYPES)
        if account_ids is not None:
            condition = SQL("%s AND account_id IN %s", condition, tuple(account_ids) or (0,))
        return condition

    @api.model
    def _count_due_jobs(self, account_ids=None):
        self.flush_model()
        self.env["marketplace.account"].flush_model(["credentials_refused"])
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM marketplace_job WHERE %s",
                                self._due_jobs_query(account_ids)))
        return self.env.cr.fetchone()[0]

    @api.model
    def _acquire_due_jobs(self, limit, account_ids=None):
        """Lock and return up to ``limit`` due jobs that no other runner holds."""
        self.flush_model()
        self.env["marketplace.account"].flush_model(["credentials_refused"])
        query = SQL(
            """SELECT id FROM marketplace_job WHERE %s
               ORDER BY priority, next_attempt_date, id LIMIT %s
               FOR UPDATE SKIP LOCKED""",
            self._due_jobs_query(account_ids), limit)
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query)
                ids = [row[0] for row in self.env.cr.fetchall()]
        except pg_errors.SerializationFailure:
            # Another runner changed these rows after this transaction began: take them on
            # the next round, in a fresh transaction.
            _logger.info("Marketplace jobs changed concurrently; skipping this round")
            return self.browse()
        return self.browse(ids)

    @staticmethod
    def _can_commit():
        # Never under test, where the test's transaction must stay open.
        return not tools.config["test_enable"] and not modules.module.current_test

    def _commit_progress(self):
        # Commit per batch, as Odoo's own batched crons do: a crash later loses at most the
        # batch in progress.
        if self._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _process(self):
        """Process locked jobs, grouped by account and type; record each one's outcome."""
        batch = self
        if self._can_commit() and any(JOB_TYPES[job.job_type].mode in COMMITTING_MODES for job in self):
            # The batch will commit in its middle (a mark before a call, what a read received):
            # while its row locks are released for that instant, the jobs must not look due to
            # other runners.
            self.write({"next_attempt_date": fields.Datetime.now() + timedelta(seconds=LEASE_SECONDS)})
            batch = self.with_context(marketplace_job_batch=self.ids)
        for (account, job_type), jobs in batch.grouped(lambda job: (job.account_id, job.job_type)).items():
            jobs = jobs.with_company(account.company_id).sudo()
            jobs._apply_outcomes(jobs._run_handler(job_type))

    def _run_handler(self, job_type):
        """Run the jobs (all of one account) as their type says (:data:`JOB_TYPES`).

        :return: ``{job_id: outcome}`` for the jobs that did not simply succeed (an exception,
            :data:`AGAIN` or :data:`LATER`)
        """
        spec = JOB_TYPES[job_type]
        if spec.mode in COMMITTING_MODES:
            # These modes commit in their middle and keep each job in its own savepoints.
            return self._run_mode(spec)
        # All jobs at once; if that fails, each job alone, so that one bad job does not hold back
        # the others and nothing is half-done.
        try:
            with self.env.cr.savepoint():
                return self._run_mode(spec)
        except Exception as error:  # noqa: BLE001 - recorded on the job, never swallowed
            if len(self) == 1:
                return {self.id: error}
        outcomes = {}
        for job in self:
            try:
                with self.env.cr.savepoint():
                    outcomes.update(job._run_mode(spec))
            except Exception as error:  # noqa: BLE001 - recorded on the job
                outcomes[job.id] = error
        return outcomes

    def _run_mode(self, spec):
        """Call the account operation of ``spec`` (a :class:`JobType`) on these jobs in its run mode.

        :return: ``{job_id: outcome}`` for the jobs that did not simply succeed
        """
        if spec.mode == BATCH:
            return self._run_batch(spec.operation)
        if spec.mode == EACH:
            return self._run_each(spec.operation)
        if spec.mode == SEND_ONCE:
            return self._run_once_each(spec.operation, spec.then)
        if spec.mode == RECEIVE_ONCE:
            return self._run_receive_once_each(spec.operation, spec.then)
        raise ValueError(f"Unknown run mode {spec.mode!r}")

    def _apply_outcomes(self, outcomes):
        now = fields.Datetime.now()
        succeeded = self.filtered(lambda job: job.id not in outcomes)
        for attempts, jobs in succeeded.grouped("attempts").items():
            jobs.write({"state": "done", "attempts": attempts + 1, "date_done": now, "last_error": False,
                        "last_error_source": False})
        again = self.filtered(lambda job: outcomes.get(job.id) == AGAIN)
        again.write({"state": "pending", "attempts": 0, "next_attempt_date": now, "last_error": False})
        later = self.filtered(lambda job: outcomes.get(job.id) == LATER)
        later.write({"state": "pending", "next_attempt_date": now + timedelta(seconds=LATER_DELAY)})
        waiting = self.filtered(lambda job: isinstance(outcomes.get(job.id), UnknownProducts))
        for job in waiting:
            job._wait_for_products(outcomes[job.id])
        for account, jobs in waiting.grouped("account_id").items():
            account._notify_products_missing(jobs)
        for job in self - waiting:
            if isinstance(outcomes.get(job.id), BaseException):
                job._record_failure(outcomes[job.id])
        (succeeded | again).filtered("missing_products").write({"missing_products": False})

    def _wait_for_products(self, error):
        """The order names products Odoo does not know: wait for a person, without counting an
        attempt (see :class:`UnknownProducts`)."""
        self.ensure_one()
        self.write({"state": WAITING_PRODUCTS, "last_error": error.args[0], "last_error_source": False,
                    "missing_products": error.lines})
        _logger.info("Marketplace job %s (%s) waits for %s unknown products", self.id, self.job_type,
                     len(error.lines))

    @api.model
    def _resume_waiting_for_products(self, companies=None):
        """Products or listings were saved that may be what orders wait for: run the orders that
        wait for products (of ``companies``, all when ``None``) again at once. Those still without
        their products go back to waiting, no attempt counted.

        :return: the jobs made due
        """
        Job = self.sudo()
        domain = [("state", "=", WAITING_PRODUCTS)]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        jobs = Job.search(domain)
        if jobs:
            jobs.write({"state": "pending", "next_attempt_date": fields.Datetime.now()})
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner").sudo()._trigger()
        return jobs

    def _run_now(self):
        """Run these jobs at once in this transaction (a person fixed what they waited for and wants
        to see the result), as the runner would; jobs another runner holds are left to it.

        :return: the jobs that ran
        """
        jobs = self.sudo().filtered(lambda job: job.state != "done")
        if not jobs:
            return jobs
        jobs.flush_recordset()
        # Locked first: a job a runner holds is in that runner's batch, and waiting for its lock
        # would hold the user's request.
        self.env.cr.execute(SQL(
            "SELECT id FROM marketplace_job WHERE id IN %s AND state != 'done' FOR UPDATE SKIP LOCKED",
            tuple(jobs.ids)))
        locked = jobs.browse([row[0] for row in self.env.cr.fetchall()])
        if locked:
            locked.write({"state": "pending", "next_attempt_date": fields.Datetime.now()})
            locked._process()
        if jobs - locked:
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner").sudo()._trigger()
        return locked

    @api.depends("last_error", "last_error_source")
    @api.depends_context("lang")
    def _compute_error_message(self):
        for job in self:
            source = job.last_error_source
            if source and job.last_error:
                template, params = source.get("template"), source.get("params") or {}
                try:
                    job.error_message = job.env._(template, **params)
                except (KeyError, TypeError, ValueError):  # a template of an older version
                    job.error_message = job.last_error
            else:
                job.error_message = job.last_error

    @staticmethod
    def _error_source(error):
        """What :meth:`_compute_error_message` needs to show ``error`` in a reader's language: the
        template the client marked for translation and its parameters, as JSON can keep them."""
        if isinstance(error, MarketplaceError):
            return {"template": error.template,
                    "params": {name: value if isinstance(value, (int, float)) else str(value)
                               for name, value in error.params.items()}}
        return False

    def _record_failure(self, error):
        """Schedule the next attempt with exponential backoff, or give up."""
        self.ensure_one()
        params = self.env["ir.config_parameter"].sudo()
        max_attempts = int(params.get_param("marketplace_connector.job_max_attempts", DEFAULT_MAX_ATTEMPTS))
        base_delay = int(params.get_param("marketplace_connector.job_retry_delay", DEFAULT_RETRY_DELAY))
        attempts = self.attempts + 1
        message = self._describe_error(error)
        values = {"attempts": attempts, "last_error": message, "last_error_source": self._error_source(error)}
        if attempts >= max_attempts or self._gives_up_at_once(error):
            values["state"] = "dead"
        else:
            retry_after = getattr(error, "retry_after", None)
            delay = retry_after if retry_after is not None else base_delay * 2 ** (attempts - 1)
            values.update(state="failed",
                          next_attempt_date=fields.Datetime.now() + timedelta(seconds=min(delay, MAX_RETRY_DELAY)))
        self.write(values)
        _logger.info("Marketplace job %s (%s) failed, attempt %s: %s", self.id, self.job_type, attempts,
                     message.splitlines()[0] if message else "")
        if isinstance(error, AuthenticationError):
            self.account_id._notify_credentials_refused(message)
        elif self._is_configuration_error(error):
            self.account_id._notify_configuration_error(message)
        if self.state == "dead":
            self.account_id._notify_dead_job(self)

    @staticmethod
    def _gives_up_at_once(error):
        """Whether no later attempt can make the job succeed as it is, so that it gives up at once
        (``dead``, an activity for the account's responsible with the error's message) instead of
        backing off for hours:

        - a job that needs a person (:class:`NeedsAttention`), and an operation the marketplace does
          not implement (:class:`UnsupportedOperation`);
        - data that does not validate (a pydantic ``ValidationError`` no client wrapped);
        - a :class:`MarketplaceError` that is not ``retryable`` (the client decides, see
          ``marketplaces/base.py``): a payload it cannot read, a request it refuses to send, a 4xx
          other than 408/409/425/429, something the marketplace does not know (404, ``not_found``).
          Except what the account lacks, not the job: refused credentials (the account's calls wait
          for new ones, then run again) and a setting missing on the marketplace's side (the account
          shows it; the job keeps backing off until a person sets it).

        Every other error (timeouts, 5xx, 408/409/425/429, a rule of Odoo's side such as a missing
        tracking reference, a database conflict, an unforeseen error) is retried with backoff. Unknown
        products never come here: their jobs wait for a person (:class:`UnknownProducts`).
        """
        if isinstance(error, (NeedsAttention, pydantic.ValidationError)):
            return True
        if not isinstance(error, MarketplaceError) or error.retryable:
            return False
        return not (isinstance(error, AuthenticationError) or MarketplaceJob._is_configuration_error(error))

    @staticmethod
    def _is_configuration_error(error):
        """A refusal until something is configured on the marketplace's side (:data:`CONFIGURATION_ERROR_CODES`)."""
        return isinstance(error, MarketplaceError) and error.code in CONFIGURATION_ERROR_CODES

    def _describe_error(self, error):
        """A message a user can act on; a traceback only for errors nobody foresaw."""
        if isinstance(error, MarketplaceError):
            # The clients mark their messages for translation; translate them here.
            return self.env._(error.template, **error.params)
        if isinstance(error, UserError):
            return error.args[0]
        if isinstance(error, pydantic.ValidationError):
            return self.env._("The data does not have the expected shape: %(problems)s",
                              problems=describe_validation_error(error))
        if isinstance(error, (pg_errors.SerializationFailure, pg_errors.LockNotAvailable)):
            return self.env._("The data was being changed by another process; the job will run again.")
        _logger.error("Marketplace job %s failed unexpectedly", self.id, exc_info=error)
        details = "".join(traceback.format_exception(error)[-6:])
        summary = f"{type(error).__name__}: {error}"
        return self.env._("Unexpected error: %(error)s", error=summary) + "\n\n" + details

    # -- run modes (see JOB_TYPES) ---------------------------------------------------------

    def _run_batch(self, method_name):
        """Run ``account.<method_name>(jobs)`` once for all the jobs (of one account), e.g. the
        import of a batch of stored orders, which resolves products and buyers for the whole batch.

        :return: what the operation returns: ``{job_id: outcome}`` for the jobs it left out
        """
        return getattr(self.account_id, method_name)(self) or {}

    def _run_each(self, method_name):
        """Run ``account.<method_name>(job)`` for each job in its own savepoint.

        Used by jobs that talk to a marketplace: one job's failure must not roll back (and
        so repeat) what the others already sent. The method may return :data:`AGAIN`. Once the
        marketplace refused the credentials, the other jobs wait (:data:`LATER`) instead of
        meeting the same refusal.
        """
        outcomes = {}
        for job in self._one_by_one(outcomes):
            result, error = job._attempt(method_name)
            if error is not None:
                outcomes[job.id] = error
            elif result in (AGAIN, LATER):
                outcomes[job.id] = result
        return outcomes

    def _one_by_one(self, outcomes):
        """The jobs one at a time; once the marketplace refused the credentials (an
        :class:`AuthenticationError` in ``outcomes``), the others wait (:data:`LATER`) instead of
        meeting the same refusal."""
        refused = False
        for job in self:
            if refused:
                outcomes[job.id] = LATER
                continue
            yield job
            refused = isinstance(outcomes.get(job.id), AuthenticationError)

    def _attempt(self, method_name, *args):
        """``account.<method_name>(job, *args)`` in a savepoint of its own.

        :return: ``(result, None)``, or ``(None, error)`` when it raised (its writes rolled back)
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                return getattr(self.account_id, method_name)(self, *args), None
        except Exception as error:  # noqa: BLE001 - recorded on the job by the caller
            return None, error

    def _run_once_each(self, prepare_name, send_name):
        """Run a call that is not idempotent for each job, at most once per answer received.

        ``account.<prepare_name>(job)`` (in a savepoint) returns what to send, or ``None`` when
        nothing needs sending (a job found awaiting an answer checks the marketplace there). The
        job is then marked "sent, awaiting answer" and the mark committed *before*
        ``account.<send_name>(job, request)`` runs in a savepoint of its own, as
        ``mail.mail._send`` marks a mail before SMTP: a worker killed during the call, or an
        answer lost on the way, leaves the mark for the next attempt to see. The mark is
        removed once an answer says what the marketplace did: success, a refusal (an HTTP error
        below 500), or an error that ``send_name`` *returns* after recording the refusal on its
        documents (what it wrote is kept; a raised error rolls its writes back).
        """
        outcomes = {}
        for job in self._one_by_one(outcomes):
            request, error = job._attempt(prepare_name)
            if error is not None:
                outcomes[job.id] = error
                continue
            if request is None:
                job.awaiting_answer_since = False
                continue
            job.awaiting_answer_since = fields.Datetime.now()
            job._commit_mark()
            result, error = job._attempt(send_name, request)
            if error is not None:
                outcomes[job.id] = error
                if isinstance(error, MarketplaceError) and error.status and error.status < 500:
                    job.awaiting_answer_since = False  # refused: the marketplace kept nothing
            else:
                job.awaiting_answer_since = False
                if isinstance(result, Exception):
                    outcomes[job.id] = result  # a refusal, recorded on the documents too
        return outcomes

    def _run_receive_once_each(self, read_name, finish_name):
        """Run a read the marketplace may answer only once for each job, never losing its answer.

        ``account.<read_name>(job)`` reads and stores what it received (as jobs) and nothing else,
        in a savepoint of its own: no other job's failure can roll it back. It returns True while
        more pages remain. What it stored is then committed *before* anything else runs (iMotriz
        marks the orders its ``newOrders`` answer returns as synced: a rollback would lose them for
        good). Only then does ``account.<finish_name>(job)`` do the bookkeeping of a complete read
        (the account's last sync date...), in a savepoint of its own: its failure makes the job read
        again, it never undoes what was received.
        """
        outcomes = {}
        for job in self._one_by_one(outcomes):
            more, error = job._attempt(read_name)
            if error is None:
                job._commit_mark()
                if not more:
                    _done, error = job._attempt(finish_name)
            if error is not None:
                outcomes[job.id] = error
            elif more:
                outcomes[job.id] = AGAIN
        return outcomes

    def _commit_mark(self):
        """Commit the batch so far (the mark before a call, or what a read received), then lock its
        jobs again: they were leased by :meth:`_process`, so no other runner took them in between."""
        if not self._can_commit():
            return
        batch = self.env.context.get("marketplace_job_batch") or self.ids
        self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.cr.execute(SQL("SELECT id FROM marketplace_job WHERE id IN %s FOR UPDATE", tuple(batch)))
