import hashlib
import logging
import secrets
from datetime import date, timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .. import marketplaces
from ..marketplaces.base import MarketplaceError
from ..marketplaces.records import OrderQuery
from ..marketplaces.tokens import TokenStore
from .access import MANAGER, SYSTEM, USER, guard
from .marketplace_job import WAITING_PRODUCTS, UnknownProducts, UnsupportedOperation

_logger = logging.getLogger(__name__)

#: tables whose rows hold credentials or URLs that carry them, quoted as the ORM names them
SECRET_TABLES = ('"marketplace_account"', '"marketplace_marketful_webhook"')


class _HideSecretStatements(logging.Filter):
    """Keep credentials out of the log when a statement on a table that holds them fails.

    Odoo logs a failed statement whole, values included ("bad query: INSERT INTO
    marketplace_account ... 'the API token' ..."), and PostgreSQL's DETAIL of a NOT NULL
    violation repeats the whole row. The module checks in Python what it can before writing
    (the same remote seller twice), but a race, a missing required value sent over RPC or an
    unknown id still reach PostgreSQL: for a statement that names such a table, only
    its first words and the first line of the error are logged.
    """

    marketplace_secret_filter = True

    def filter(self, record):
        if isinstance(record.args, tuple) and any(_secret_table_of(arg) for arg in record.args):
            record.args = tuple(_hidden(arg) for arg in record.args)
        return True


def _secret_table_of(value):
    """The first table of :data:`SECRET_TABLES` that a statement (text or bytes) names."""
    if isinstance(value, (bytes, bytearray)):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    return next((table for table in SECRET_TABLES if table in value), None)


def _hidden(value):
    if isinstance(value, BaseException):
        return str(value).partition("\n")[0]
    table = _secret_table_of(value)
    if not table:
        return value
    text = value.decode("utf-8", "replace") if isinstance(value, (bytes, bytearray)) else value
    head = text[:text.index(table) + len(table)]
    if len(head) > 60:  # values come before the table's name: keep the statement's kind only
        head = text.split(None, 1)[0]
    return f"{head} ... (values hidden: the statement concerns marketplace credentials)"


def _install_log_filter():
    sql_logger = logging.getLogger("odoo.sql_db")
    if not any(getattr(existing, "marketplace_secret_filter", False) for existing in sql_logger.filters):
        sql_logger.addFilter(_HideSecretStatements())


_install_log_filter()

DEFAULT_HTTP_TIMEOUT = 30
#: fields whose change is checked against what the orders need (_check_order_setup)
ORDER_SETUP_FIELDS = frozenset({"warehouse_id", "pricelist_id", "marketplace", "active", "imotriz_country",
                                "xmart_country_id"})
#: orders are read again from this long before the last complete read, so that orders
#: created while a read was running are not skipped (duplicates are recognised by key)
SYNC_OVERLAP = timedelta(days=1)
DEFAULT_IMPORT_DAYS = 7
#: seconds the Import Orders button processes jobs before leaving the rest to the job runner
IMPORT_TIME_LIMIT = 60
#: occurrences an activity's note keeps (the newest)
ACTIVITY_NOTE_LINES = 20

#: access tokens of the accounts whose marketplace issues them (client credentials), per database,
#: account and credentials. A token is saved on the account too, but in the transaction of the job
#: that fetched it: when that job fails, its savepoint takes the token with it, and every attempt
#: of every job would fetch a new one. This cache survives that rollback (one per Odoo process).
_TOKEN_CACHE = {}


class AccountTokenStore(TokenStore):
    """A client-credentials access token kept between runs: in the process (it survives the rollback
    of a failed job) and on the account's ``<field>`` and ``<field>_expires_at`` (system-only
    fields; they survive a restart)."""

    def __init__(self, account, field):
        self.account = account.sudo()
        self.field = field
        self.key = (account.env.cr.dbname, account.id, account._credentials_fingerprint())

    def load(self):
        stored = self.account[self.field]
        candidates = [_TOKEN_CACHE.get(self.key), stored and (stored, self.account[f"{self.field}_expires_at"])]
        candidates = [candidate for candidate in candidates if candidate]
        return max(candidates, key=lambda candidate: candidate[1] or 0) if candidates else None

    def save(self, token, expires_at):
        _TOKEN_CACHE[self.key] = (token, expires_at)
        self.account.write({self.field: token, f"{self.field}_expires_at": expires_at})


class MarketplaceAccount(models.Model):
    """A seller's account on one marketplace, in one company.

    What differs by marketplace is added by small overrides in
    ``models/<marketplace>/marketplace_account.py`` (client parameters, order query), the way
    Odoo's payment providers do it.
    """

    _name = "marketplace.account"
    _description = "Marketplace Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    marketplace = fields.Selection(
        selection=[("exito", "Grupo Éxito"), ("marketful", "Marketful"), ("imotriz", "iMotriz"),
                   ("xmart", "X-Mart"), ("xstak", "XStak OMS")], required=True,
        tracking=True,
        help="The marketplace this account sells on.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True)
    state = fields.Selection(
        selection=[("draft", "Not Connected"), ("connected", "Connected"), ("error", "Error")],
        default="draft", required=True, readonly=True, tracking=True, copy=False)

    # Connection
    api_url = fields.Char(
        string="API URL",
        help="Leave empty to use the marketplace's production hosts. When set, it replaces "
             "scheme and host of every marketplace URL (the marketplace's paths are kept), e.g. "
             "http://localhost:8070/exito for the bundled sandbox.")
    api_token = fields.Char(
        string="API Token", groups="base.group_system", copy=False, tracking=False,
        help="The token the marketplace gave you. Only system administrators can read it.")
    culture = fields.Selection(
        selection=[("es-CO", "Spanish (Colombia)"), ("en-US", "English (US)")],
        default="es-CO", required=True,
        help="Language of the marketplace's answers (Éxito's culture parameter).")

    # Orders
    warehouse_id = fields.Many2one(
        "stock.warehouse", check_company=True,
        default=lambda self: self._default_warehouse(),
        help="Marketplace orders ship from this warehouse.")
    pricelist_id = fields.Many2one(
        "product.pricelist", check_company=True,
        help="Gives the currency of marketplace orders, which keep the marketplace's prices: it must be in the "
             "marketplace's currency. Empty when saving: a pricelist of the company in that currency is chosen, "
             "or created (and the currency activated).")
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", check_company=True,
        default=lambda self: self._default_team())
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user,
        domain="[('share', '=', False)]", tracking=True,
        help="Salesperson of the imported orders; receives an activity when something needs a person.")
    shipping_product_id = fields.Many2one(
        "product.product", check_company=True,
        default=lambda self: self.env.ref("marketplace_connector.product_marketplace_shipping", False),
        help="Product of the line that carries what the buyer paid for shipping.")
    discount_product_id = fields.Many2one(
        "product.product", check_company=True,
        default=lambda self: self.env.ref("marketplace_connector.product_marketplace_discount", False),
        help="Product of the line that carries the discount the marketplace gave (a negative price).")
    auto_confirm = fields.Boolean(
        string="Confirm Orders", default=True,
        help="Confirm imported orders, so that their deliveries are created at once.")
    auto_import = fields.Boolean(
        string="Import Orders Automatically", default=True,
        help="A scheduled action reads new orders every few minutes.")
    import_from_date = fields.Date(
        string="Import Orders From",
        default=lambda self: fields.Date.context_today(self) - timedelta(days=DEFAULT_IMPORT_DAYS),
        help="Orders placed before this date are never imported.")
    last_sync_date = fields.Datetime(
        string="Last Successful Sync", readonly=True, copy=False,
        help="When the last complete read of new orders began.")
    last_error = fields.Text(readonly=True, copy=False)
    credentials_refused = fields.Boolean(
        readonly=True, copy=False,
        help="The marketplace refused the credentials: the jobs that call it wait until new credentials are "
             "saved or Test Connection succeeds.")

    # Callbacks: the random part of every callback URL (Éxito's callbacks, Marketful's and X-Mart's
    # webhooks).
    callback_token = fields.Char(
        groups="base.group_system", copy=False, readonly=True,
        default=lambda self: secrets.token_urlsafe(24),
        help="Random part of the callback URLs; never a database id.")

    # Automation
    push_tracking = fields.Boolean(
        string="Send Tracking", default=True,
        help="Validating the delivery of a marketplace order sends its tracking reference.")
    upload_invoices = fields.Boolean(
        default=True,
        help="Posting the invoice of a marketplace order uploads its PDF to the marketplace.")

    # Counters for the smart buttons
    order_count = fields.Integer(compute="_compute_counts")
    job_count = fields.Integer(compute="_compute_counts")
    job_problem_count = fields.Integer(compute="_compute_counts")
    listing_count = fields.Integer(compute="_compute_counts")

    # The overview (Marketplaces > Overview): what needs doing, per account
    overview_orders_today = fields.Integer(string="Orders Today", compute="_compute_overview")
    overview_to_ship = fields.Integer(string="To Ship", compute="_compute_overview")
    overview_due_today = fields.Integer(string="Due Today", compute="_compute_overview")
    overview_late = fields.Integer(string="Late", compute="_compute_overview")
    overview_last_payout_date = fields.Datetime(string="Last Payout", compute="_compute_overview")

    # A company may have several accounts of one marketplace (two stores, a test and a production
    # account); the same remote seller twice is refused in Python (_check_remote_seller). The former
    # unique(marketplace, company_id) constraint is dropped on update: Odoo removes a constraint the
    # module no longer declares (ir.model.constraint, at the end of the update).
    _sql_constraints = [
        # Every callback request looks its account up by token (controllers/ingress.py): one index
        # lookup, and a token can never designate two accounts.
        ("callback_token_uniq", "unique(callback_token)", "This callback token is already in use."),
    ]

    # -- defaults -------------------------------------------------------------------------

    def _default_warehouse(self):
        return self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)

    def _default_team(self):
        return self.env["crm.team"].search(
            [("company_id", "in", (False, self.env.company.id))], limit=1)

    @api.onchange("company_id")
    def _onchange_company_id(self):
        company = self.company_id or self.env.company
        account = self.with_company(company)
        self.warehouse_id = account._default_warehouse()
        self.team_id = account._default_team()
        self._onchange_marketplace_pricelist()

    @api.onchange("marketplace")
    def _onchange_marketplace_pricelist(self):
        """Offer a pricelist of the company in the marketplace's currency; none found: the field
        stays empty and one is created when saving."""
        currency = self._marketplace_currency()
        if currency and self.pricelist_id.currency_id != currency:
            self.pricelist_id = self._find_marketplace_pricelist()

    def _compute_counts(self):
        def count(model, field, domain=()):
            groups = self.env[model]._read_group([(field, "in", self.ids), *domain], [field], ["__count"])
            return {account.id: total for account, total in groups}

        orders = count("sale.order", "marketplace_account_id")
        jobs = count("marketplace.job", "account_id")
        problems = count("marketplace.job", "account_id", [("state", "in", ("failed", "dead", WAITING_PRODUCTS))])
        listings = count("marketplace.listing", "account_id")
        for account in self:
            account.order_count = orders.get(account.id, 0)
            account.job_count = jobs.get(account.id, 0)
            account.job_problem_count = problems.get(account.id, 0)
            account.listing_count = listings.get(account.id, 0)

    @api.model
    def _credential_fields(self):
        """Fields whose change may cure refused credentials; marketplaces add theirs."""
        return {"api_token", "api_url"}

    @api.model_create_multi
    def create(self, vals_list):
        # The rights come first: whether an account exists is not for everyone to learn, and a
        # refused INSERT would be logged whole.
        self.browse().check_access("create")
        self._check_company_allowed([vals.get("company_id") or self.env.company.id for vals in vals_list])
        accounts = super().create(vals_list)
        for account in accounts:
            if not account.pricelist_id and account._sells_in_odoo():
                account._set_marketplace_pricelist()
        accounts._check_order_setup()
        accounts._check_remote_seller()
        return accounts

    def write(self, vals):
        if "api_url" in vals and not self.env.su and not self.env.user.has_group(SYSTEM):
            # The marketplace's credentials go to that address with every call: whoever moves it
            # could read them there.
            raise AccessError(self.env._(
                "Only system administrators change the API URL of an account: its credentials are sent there."))
        if vals.get("company_id"):
            self.check_access("write")
            self._check_company_allowed([vals["company_id"]])
        res = super().write(vals)
        if ORDER_SETUP_FIELDS & set(vals):
            if {"pricelist_id", "marketplace"} & set(vals):
                for account in self.filtered(lambda account: not account.pricelist_id and account._sells_in_odoo()):
                    account._set_marketplace_pricelist()
            self._check_order_setup()
        if self._remote_seller_fields() & set(vals):
            self._check_remote_seller()
        if self._credential_fields() & set(vals):
            self.filtered("credentials_refused")._resume_jobs()
        return res

    def unlink(self):
        # mail.thread deletes the chatter (as superuser) before Odoo checks the rights: a refused
        # deletion must touch nothing.
        self.check_access("unlink")
        return super().unlink()

    def _check_company_allowed(self, company_ids):
        """Refuse an account in a company the user does not work in, before anything else is
        looked at (the record rule would only refuse it after the INSERT)."""
        if not self.env.su and set(company_ids) - set(self.env.companies.ids):
            raise AccessError(self.env._("A marketplace account can only belong to one of your companies."))

    # -- setup checks -----------------------------------------------------------------------

    def _sells_in_odoo(self):
        """Whether the account's marketplace orders become sale orders (they need a warehouse and a
        pricelist in the marketplace's currency); Marketful fulfils Odoo's orders, it sells none."""
        self.ensure_one()
        return True

    def _marketplace_currency_code(self):
        """The ISO code of the currency the account sells in on its marketplace (its orders' and
        offers' currency: ``marketplaces/<marketplace>/const.py``); marketplaces override it.

        :return: e.g. ``"COP"``, or None when the marketplace names none
        """
        self.ensure_one()
        return None

    def _marketplace_currency(self):
        """The ``res.currency`` of :meth:`_marketplace_currency_code`, active or not (empty when none)."""
        self.ensure_one()
        code = self.marketplace and self._marketplace_currency_code()
        if not code:
            return self.env["res.currency"]
        return self.env["res.currency"].sudo().with_context(active_test=False).search([("name", "=", code)], limit=1)

    def _find_marketplace_pricelist(self):
        """A pricelist of the account's company (or of every company) in the marketplace's currency."""
        self.ensure_one()
        currency = self._marketplace_currency()
        if not currency:
            return self.env["product.pricelist"]
        company = self.company_id or self.env.company
        return self.env["product.pricelist"].search(
            [("currency_id", "=", currency.id), ("company_id", "in", (False, company.id))], limit=1)

    def _set_marketplace_pricelist(self):
        """Give the account a pricelist in its marketplace's currency: the company's, else a new one,
        activating the currency when it is not (a currency is Odoo-wide configuration: marketplace
        administrators only, who configure accounts).

        :return: the pricelist (empty when the marketplace names no currency)
        :raise AccessError: for anybody but a marketplace administrator (or the system)
        """
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only marketplace administrators set up an account's pricelist."))
        currency = self._marketplace_currency()
        if not currency:
            return self.env["product.pricelist"]
        pricelist = self._find_marketplace_pricelist()
        if not pricelist:
            if not currency.active:
                currency.sudo().active = True
                self.message_post(body=self.env._(
                    "Currency %(currency)s activated for the orders of %(marketplace)s.",
                    currency=currency.name, marketplace=self._marketplace_label()))
            pricelist = self.env["product.pricelist"].sudo().create({
                "name": f"{self._marketplace_label()} ({currency.name})",
                "currency_id": currency.id,
                "company_id": self.company_id.id,
            })
        self.pricelist_id = pricelist
        return pricelist

    def _check_order_setup(self):
        """What the orders of an account need, checked when it is saved: a warehouse, and a
        pricelist in the marketplace's currency (an order in another currency fails at import).

        :raise ValidationError: naming what to set
        """
        for account in self:
            if not account.active or not account._sells_in_odoo():
                continue
            if not account.warehouse_id:
                raise ValidationError(self.env._(
                    "Choose the warehouse the orders of %(account)s ship from.", account=account.name))
            currency = account._marketplace_currency()
            if not account.pricelist_id:
                raise ValidationError(self.env._(
                    "Choose a pricelist for the orders of %(account)s.", account=account.name))
            if currency and account.pricelist_id.currency_id != currency:
                raise ValidationError(self.env._(
                    "The pricelist %(pricelist)s is in %(currency)s, but %(marketplace)s sells in "
                    "%(marketplace_currency)s: choose a pricelist in %(marketplace_currency)s for %(account)s (leave "
                    "it empty and one is created).",
                    pricelist=account.pricelist_id.display_name, currency=account.pricelist_id.currency_id.name,
                    marketplace=account._marketplace_label(), marketplace_currency=currency.name,
                    account=account.name))

    @api.model
    def _remote_seller_fields(self):
        """Fields whose change may make an account designate another remote seller."""
        return self._credential_fields() | {"marketplace", "company_id", "active"}

    def _remote_seller(self):
        """What designates the seller on the marketplace, as ``(field name, value)`` pairs: two
        active accounts of one company that share one are the same seller twice. Values are
        compared, never shown (a token is one); marketplaces override it.

        :return: list of pairs whose value is hashable and not empty
        """
        self.ensure_one()
        return []

    def _check_remote_seller(self):
        """Refuse the same remote seller twice in a company (each of several accounts of one
        marketplace has its own credentials and callback URLs). Checked in Python after the write:
        no statement fails in PostgreSQL, and no message names a credential.

        :raise ValidationError: naming the other account and what they share
        """
        accounts = self.sudo().filtered("active")
        if not accounts:
            return
        others = self.sudo().search([("company_id", "in", accounts.company_id.ids),
                                     ("marketplace", "in", list(set(accounts.mapped("marketplace"))))])
        def keys(account):
            api_url = (account.api_url or "").strip().rstrip("/").lower()
            return [((account.company_id.id, account.marketplace, api_url, name, value), name)
                    for name, value in account._remote_seller()]

        owners = {}
        for account in others | accounts:
            for key, _name in keys(account):
                owners.setdefault(key, self.sudo().browse())
                owners[key] |= account
        for account in accounts:
            for key, name in keys(account):
                owner = (owners[key] - account)[:1]
                if owner:
                    raise ValidationError(self.env._(
                        "%(other)s already connects %(company)s to this %(marketplace)s seller (same %(field)s): "
                        "a seller has one account per company. Use that account, or give this one the "
                        "credentials of another seller.",
                        other=owner.name, company=account.company_id.display_name,
                        marketplace=account._marketplace_label(),
                        field=self._fields[name]._description_string(self.env)))

    def _resume_jobs(self):
        """New credentials: the jobs that waited for them run at once."""
        self.sudo().write({"credentials_refused": False})
        jobs = self.env["marketplace.job"].sudo().search(
            [("account_id", "in", self.ids), ("state", "=", "failed")])
        jobs.write({"next_attempt_date": fields.Datetime.now()})
        if jobs:
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()

    def _imports_orders(self):
        """Whether the marketplace has orders to read (Marketful fulfils orders, it sells none)."""
        self.ensure_one()
        return True

    def _marketplace_label(self):
        """The marketplace's name as users see it (translated)."""
        self.ensure_one()
        return dict(self._fields["marketplace"]._description_selection(self.env))[self.marketplace]

    # -- client ---------------------------------------------------------------------------

    def _get_client(self):
        """The marketplace client of this account (``marketplaces.<marketplace>``)."""
        self.ensure_one()
        client_class = marketplaces.get_client_class(self.marketplace)
        return client_class(**self._get_client_params())

    def _credentials_fingerprint(self):
        """A digest of the account's credentials: a token cached for other credentials is not theirs."""
        self.ensure_one()
        account = self.sudo()
        values = [f"{name}={account[name] or ''}" for name in sorted(self._credential_fields()) if name in self._fields]
        return hashlib.sha256("\n".join(values).encode()).hexdigest()

    def _get_client_params(self):
        """Keyword arguments of the client's constructor; marketplaces add theirs."""
        timeout = self.env["ir.config_parameter"].sudo().get_param(
            "marketplace_connector.http_timeout", DEFAULT_HTTP_TIMEOUT)
        return {"api_url": self.api_url or None, "timeout": float(timeout)}

    def _get_order_query(self):
        """What to read from the marketplace's order list on the next run."""
        self.ensure_one()
        date_from = self.import_from_date
        if self.last_sync_date:
            since = (self.last_sync_date - SYNC_OVERLAP).date()
            date_from = max(date_from, since) if date_from else since
        return OrderQuery(date_from=date_from)

    # -- buttons --------------------------------------------------------------------------

    @guard(MANAGER, "write")
    def action_test_connection(self):
        """Call the marketplace with the account's credentials: the account turns *Connected*, or
        *Error* with the marketplace's reason (kept: the failure is not rolled back).

        :return: a notification, then back to the account's form, which reloads the record (the
            button saved it first)
        """
        self.ensure_one()
        try:
            with self._get_client() as client:
                client.test_connection()
        except MarketplaceError as error:
            message = self.env._("Connection failed: %(error)s",
                                 error=self.env["marketplace.job"]._describe_error(error))
            self.sudo().write({"state": "error", "last_error": message})
            return self._notification(self.env._("Connection failed"), message, "danger")
        self.sudo().write({"state": "connected", "last_error": False})
        if self.credentials_refused:
            self._resume_jobs()
        return self._notification(self.env._("Connection successful"),
                                  self.env._("%(account)s answered.", account=self.name), "success")

    @guard(USER)
    def action_import_orders(self):
        """Read every new order now and process the resulting jobs before returning.

        A backlog larger than what fits in :data:`IMPORT_TIME_LIMIT` seconds goes on in the
        background (the job runner is triggered), so that the request never hits Odoo's limits.
        """
        Job = self.env["marketplace.job"]
        before = sum(self.mapped("order_count"))
        self._enqueue_order_fetch(now=True)
        Job._run_due_jobs(account_ids=self.ids, time_limit=IMPORT_TIME_LIMIT)
        self.invalidate_recordset(["order_count", "job_problem_count", "state", "last_error"])
        messages = [self.env._("%(count)s new orders imported.", count=sum(self.mapped("order_count")) - before)]
        remaining = Job._count_due_jobs(self.ids)
        if remaining:
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()
            messages.append(self.env._("%(count)s more are being imported in the background.", count=remaining))
        failed_reads = Job.sudo().search([("account_id", "in", self.ids), ("job_type", "=", "fetch_orders"),
                                          ("state", "in", ("failed", "dead"))])
        for job in failed_reads:
            messages.append(self.env._("Reading %(account)s failed: %(error)s", account=job.account_id.name,
                                       error=(job.last_error or "").partition("\n")[0]))
        problems = sum(self.mapped("job_problem_count"))
        if problems:
            messages.append(self.env._("%(count)s jobs need attention (see Jobs).", count=problems))
        return self._notification(self.env._("Import finished"), " ".join(messages),
                                  "warning" if problems else "success")

    @guard(USER)
    def action_view_orders(self):
        """The sale orders imported from these accounts."""
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_marketplace_orders")
        action["domain"] = [("marketplace_account_id", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    @guard(USER)
    def action_view_jobs(self):
        """The jobs of these accounts (those that need attention with ``problems_only``)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_marketplace_job")
        action["domain"] = [("account_id", "in", self.ids)]
        action["context"] = {"search_default_problems": 1} if self.env.context.get("problems_only") else {}
        return action

    @guard(USER)
    def action_view_listings(self):
        """The listings of these accounts."""
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_marketplace_listing")
        action["domain"] = [("account_id", "in", self.ids)]
        action["context"] = {"default_account_id": self.id}
        return action

    @guard(SYSTEM, "write")
    def action_reset_callback_token(self):
        """Give the callback URLs a new random token (the old URLs stop working). System
        administrators only: the token is what authenticates the marketplace's deliveries."""
        for account in self:
            account.sudo().callback_token = secrets.token_urlsafe(24)
            # The chatter says that the URLs changed, never what they are.
            account.message_post(body=self.env._("New callback URLs: the previous ones no longer work."))

    def _callback_url(self, marketplace, route):
        """The URL the marketplace calls on ``route`` for this account (under its random token,
        never a database id), or False when the account is not of ``marketplace`` or has no token.
        The URL authenticates its caller: only system administrators may read it.

        :param str marketplace: the ``marketplace`` of the routes (``controllers/<marketplace>.py``)
        :param str route: the path after the token
        :rtype: str or bool
        """
        self.ensure_one()
        account = self.sudo()
        if account.marketplace != marketplace or not account.callback_token:
            return False
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return f"{base_url}/marketplace/{marketplace}/{account.callback_token}/{route}"

    def _notification(self, title, message, kind):
        """A notification, then the form of the record the button was pressed on, reloaded.

        ``act_window_close`` runs the button's ``onClose``, which reloads the record the form shows;
        ``soft_reload`` restored the controller as it was opened, which for an account created in
        that form is a blank new record.
        """
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": kind != "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # -- order import ---------------------------------------------------------------------

    # -- overview -------------------------------------------------------------------------

    def _overview_day(self):
        """``(start, end)`` of the user's today, as naive UTC datetimes (how Odoo stores them)."""
        today = fields.Date.context_today(self)
        start = fields.Datetime.to_datetime(today)
        tz_start = fields.Datetime.context_timestamp(self, start)
        offset = tz_start.utcoffset() or timedelta()
        start -= offset
        return start, start + timedelta(days=1)

    def _overview_domains(self):
        """The domain of each overview figure, on the records its list shows (``{figure: (model,
        domain)}``). To ship: the outgoing deliveries of the accounts' orders that are neither done
        nor cancelled; due today and late compare the order's *Deliver Before* with now."""
        start, end = self._overview_day()
        now = fields.Datetime.now()
        to_ship = [("marketplace_account_id", "in", self.ids), ("picking_type_code", "=", "outgoing"),
                   ("state", "not in", ("done", "cancel", "draft"))]
        return {
            "orders_today": ("sale.order", [("marketplace_account_id", "in", self.ids),
                                            ("date_order", ">=", start), ("date_order", "<", end)]),
            "to_ship": ("stock.picking", to_ship),
            "due_today": ("stock.picking", to_ship + [("sale_id.marketplace_max_delivery_date", ">=", now),
                                                      ("sale_id.marketplace_max_delivery_date", "<", end)]),
            "late": ("stock.picking", to_ship + [("sale_id.marketplace_max_delivery_date", "<", now)]),
        }

    def _compute_overview(self):
        figures = {}
        for figure, (model, domain) in self._overview_domains().items():
            groups = self.env[model].sudo()._read_group(domain, ["marketplace_account_id"], ["__count"])
            figures[figure] = {account.id: total for account, total in groups}
        payouts = dict(self.env["marketplace.settlement"].sudo()._read_group(
            [("account_id", "in", self.ids)], ["account_id"], ["payment_date:max"]))
        for account in self:
            account.overview_orders_today = figures["orders_today"].get(account.id, 0)
            account.overview_to_ship = figures["to_ship"].get(account.id, 0)
            account.overview_due_today = figures["due_today"].get(account.id, 0)
            account.overview_late = figures["late"].get(account.id, 0)
            account.overview_last_payout_date = payouts.get(account._origin, False)

    @guard(USER)
    def action_overview_open(self):
        """The list behind one figure of the overview card (context ``overview_figure``: ``orders_today``,
        ``to_ship``, ``due_today`` or ``late``)."""
        figure = self.env.context.get("overview_figure")
        domains = self._overview_domains()
        if figure not in domains:
            raise UserError(self.env._("Unknown overview figure: %(figure)s", figure=figure))
        model, domain = domains[figure]
        if model == "sale.order":
            action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_marketplace_orders")
        else:
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "marketplace_connector.action_marketplace_deliveries")
        action.update(domain=domain, context={"create": False})
        return action

    @api.model
    def _cron_import_orders(self):
        """Scheduled action: queue a read of new orders for every automated account."""
        accounts = self.search([("auto_import", "=", True)]).filtered(lambda account: account._imports_orders())
        accounts._enqueue_order_fetch(status_reads=True)
        if accounts:
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()

    def _get_status_queries(self):
        """Order reads that look for status changes of imported orders (cancellations); the
        orders they find are never imported, only compared with their sale orders."""
        self.ensure_one()
        return []

    def _get_extra_reads(self):
        """Other reads the scheduled import queues, as ``[(purpose, OrderQuery)]`` (iMotriz's
        reconciliation of the last days' order ids)."""
        self.ensure_one()
        return []

    def _enqueue_order_fetch(self, now=False, status_reads=False):
        """Queue one "read new orders" job per account (plus, with ``status_reads``, one per
        status query), unless the same read is still unfinished.

        :param bool now: make an unfinished read due at once (a user asked for it)
        :param bool status_reads: also look for status changes of imported orders (the
            scheduled import does; the Import Orders button only reads new orders)
        """
        Job = self.env["marketplace.job"].sudo()
        unfinished = Job.search([("account_id", "in", self.ids), ("job_type", "=", "fetch_orders"),
                                 ("state", "in", ("pending", "failed"))])
        if now:
            unfinished.write({"next_attempt_date": fields.Datetime.now()})
        running = {(job.account_id.id, (job.payload or {}).get("purpose", "new")) for job in unfinished}
        started = fields.Datetime.to_string(fields.Datetime.now())
        values = []
        for account in self:
            if not account._imports_orders():
                continue
            reads = [("new", account._get_order_query())]
            if status_reads:
                reads += [(f"status:{query.status}", query) for query in account._get_status_queries()]
                reads += account._get_extra_reads()
            for purpose, query in reads:
                if (account.id, purpose) in running:
                    continue
                name = (self.env._("Read new orders of %(account)s", account=account.name) if purpose == "new"
                        else self.env._("Read status changes of %(account)s orders (%(status)s)",
                                        account=account.name, status=query.status))
                values.append({
                    "name": name,
                    "account_id": account.id,
                    "job_type": "fetch_orders",
                    "priority": 5,
                    "payload": {"query": account._serialize_query(query), "purpose": purpose,
                                "cursor": None, "pages": 0, "started_at": started},
                })
        Job.create(values)

    @staticmethod
    def _serialize_query(query):
        return {"date_from": query.date_from and query.date_from.isoformat(),
                "date_to": query.date_to and query.date_to.isoformat(),
                "status": query.status}

    @staticmethod
    def _deserialize_query(values):
        return OrderQuery(
            date_from=values.get("date_from") and date.fromisoformat(values["date_from"]),
            date_to=values.get("date_to") and date.fromisoformat(values["date_to"]),
            status=values.get("status"),
        )

    def _fetch_orders_page(self, job):
        """Read one page of orders for ``job`` and store every order as a job.

        It stores what it read (jobs) and moves the job's cursor, and writes nothing else: the
        runner commits what it stored right after it returns, since some marketplaces answer a read
        only once (iMotriz), then calls :meth:`_finish_order_read` once no page remains. Job type
        ``fetch_orders`` (receive-once mode); this default reads with the client's
        ``get_orders_page``, a marketplace whose reads differ overrides it behind its guard.

        :param job: the ``marketplace.job``; payload ``{"query", "purpose", "cursor", "pages",
            "started_at"}`` (purpose ``new``, ``status:<status>``, or the marketplace's own)
        :return: True when more pages remain (the job stays due with the next cursor)
        :raise MarketplaceError: the marketplace refused or failed the read, or sent a page the
            client cannot read
        """
        self.ensure_one()
        payload = job.payload
        with self._get_client() as client:
            page = client.get_orders_page(self._deserialize_query(payload["query"]), payload.get("cursor"))
        if payload.get("purpose", "new") == "new":
            self._enqueue_orders(page.orders)
        else:
            self._enqueue_status_changes(page.orders, payload["query"]["status"])
        if page.next_cursor:
            job.payload = dict(payload, cursor=page.next_cursor, pages=payload.get("pages", 0) + 1)
            return True
        return False

    def _finish_order_read(self, job):
        """A read of new orders is complete: the account is connected, and the next read starts
        from when this one began (less the overlap). Runs after what the read stored was committed,
        in a savepoint of its own: its failure makes the job read again, it never undoes the read.

        :param job: the ``marketplace.job`` whose read is complete
        :return: None
        """
        self.ensure_one()
        if (job.payload or {}).get("purpose", "new") != "new":
            return
        started = fields.Datetime.to_datetime(job.payload["started_at"])
        values = {"state": "connected", "last_error": False}
        if not self.last_sync_date or started > self.last_sync_date:
            values["last_sync_date"] = started
        self.write(values)

    def _enqueue_orders(self, raw_orders):
        """Store order payloads as import jobs; orders already stored are left alone.

        :param list raw_orders: ``records.RawOrder`` as the client read them
        :return: the new jobs
        """
        self.ensure_one()
        label = self._marketplace_label()
        by_key = {f"order:{raw.ref}": raw for raw in raw_orders}
        return self.env["marketplace.job"]._insert_unique([
            {
                "name": self.env._("%(marketplace)s order %(number)s", marketplace=label, number=raw.number or raw.ref),
                "account_id": self.id,
                "job_type": "import_order",
                "dedupe_key": key,
                "payload": raw.payload,
            }
            for key, raw in by_key.items()
        ])

    def _enqueue_status_changes(self, raw_orders, status):
        """Queue one "apply status" job per imported order that the marketplace now lists
        with ``status``; orders never imported are left alone.

        :return: the new jobs
        """
        self.ensure_one()
        Job = self.env["marketplace.job"].sudo()
        orders = self.env["sale.order"]._marketplace_find_orders(self, [raw.ref for raw in raw_orders])
        by_key = {f"status:{raw.ref}:{status}": raw for raw in raw_orders
                  if raw.ref in orders and orders[raw.ref].state != "cancel"}
        label = self._marketplace_label()
        return Job._insert_unique([{
            "name": self.env._("%(marketplace)s order %(number)s: status %(status)s", marketplace=label,
                               number=raw.number or raw.ref, status=status),
            "account_id": self.id,
            "job_type": "order_status",
            "dedupe_key": key,
            "payload": raw.payload,
        } for key, raw in by_key.items()])

    # -- operations a marketplace implements (in models/<marketplace>/marketplace_account.py) ----
    # The job runner calls these through ``JOB_TYPES`` (models/marketplace_job.py), on the account
    # of the job, in a savepoint of the job's own: each receives the job, reads what it needs from
    # its payload and writes what it did on Odoo's records. For a marketplace to support one, it
    # must override it in its own file, starting with its guard:
    #     if self.marketplace != "<marketplace>":
    #         return super()._<operation>(...)
    # A marketplace that does not override it refuses it here (:class:`UnsupportedOperation`: the
    # job gives up at once, with the message). What an operation returns tells the runner how the
    # job went: ``None`` (done), :data:`~.marketplace_job.AGAIN` (progress made, run it again at
    # once: next page or batch), :data:`~.marketplace_job.LATER` (the marketplace is busy: wait
    # without counting an attempt). What it raises fails the job (its writes are rolled back), and
    # the retry rule decides what follows (``marketplace.job._gives_up_at_once``): a
    # ``MarketplaceError`` that is not ``retryable`` gives up at once, other errors back off.

    def _unsupported(self, operation):
        """Refuse an operation the account's marketplace does not implement.

        :param str operation: what the operation does, translated (``"tracking"``)
        :raise UnsupportedOperation: always (a job gives up at once on it: no attempt can change it)
        """
        raise UnsupportedOperation(self.env._("%(marketplace)s does not support %(operation)s.",
                                              marketplace=self._marketplace_label(), operation=operation))

    # orders

    def _apply_order_status(self, job):
        """Apply a status change of an imported order to its sale order (a cancellation on the
        marketplace); job type ``order_status``, queued by :meth:`_enqueue_status_changes` for the
        status queries of :meth:`_get_status_queries`.

        :param job: the ``marketplace.job``; its payload is the order as the marketplace listed it
        :return: None
        :raise MarketplaceError: the payload cannot be read (``PayloadError``)
        :raise UnsupportedOperation: the marketplace reports no status changes
        """
        self._unsupported(self.env._("order status changes"))

    def _retrieve_order(self, job):
        """Read the order ``job`` names (announced by a webhook, or missing from what was read) and
        store it for import (:meth:`_enqueue_orders`); job type ``retrieve_order``. One order per
        job: an order the marketplace does not know ends its own job.

        :param job: the ``marketplace.job``; payload ``{"order_id": the marketplace's id, ...}``
        :return: None
        :raise MarketplaceError: the marketplace refused or failed the read (``RequestError`` code
            ``not_found`` when it does not know the order: never retried)
        :raise UnsupportedOperation: the marketplace has no read of one order
        """
        self._unsupported(self.env._("order retrieval"))

    def _push_status(self, job):
        """Send a new status of an imported order to the marketplace; job type ``push_status``. A
        status the marketplace already has (or a later one) is not sent again.

        :param job: the ``marketplace.job``; payload ``{"order_id": sale order id, "status": the
            marketplace's status}``
        :return: None
        :raise MarketplaceError: the marketplace refused or failed the call
        :raise UnsupportedOperation: the marketplace takes no status from the seller
        """
        self._unsupported(self.env._("order statuses"))

    # fulfillment

    def _push_tracking(self, job):
        """Tell the marketplace what a validated delivery shipped, with its tracking reference; job
        type ``push_tracking``, queued when a delivery of a marketplace order is validated.

        :param job: the ``marketplace.job``; payload ``{"picking_id": the delivery}``
        :return: None; the delivery's ``marketplace_tracking_state`` says it was sent
        :raise UserError: something to set on the delivery first (its tracking reference...)
        :raise MarketplaceError: the marketplace refused or failed the call
        :raise UnsupportedOperation: the marketplace takes no tracking
        """
        self._unsupported(self.env._("tracking"))

    def _tracking_reference_required(self, picking):
        """Whether ``picking`` may only be validated with a tracking reference: the marketplace
        takes no shipment without one, and a delivery validated without it would queue a job that
        can only fail. Not a job operation: asked when a user validates a delivery.

        :param picking: a delivery of a marketplace order of this account
        :return: False here; a marketplace that needs one says so behind its guard
        """
        return False

    def _get_label(self, picking):
        """Fetch the marketplace's shipping label of ``picking`` (called from the delivery, not by a
        job).

        :param picking: a delivery of a marketplace order
        :return: ``(file name, PDF bytes)``
        :raise MarketplaceError: the marketplace refused or failed (a label still being made is a
            retryable ``TransientError``)
        :raise UnsupportedOperation: the marketplace makes no labels
        """
        self._unsupported(self.env._("shipping labels"))

    def _upload_invoice(self, job):
        """Upload the PDF of a posted invoice of a marketplace order; job type ``upload_invoice``.

        :param job: the ``marketplace.job``; payload ``{"move_id": the invoice}``
        :return: None
        :raise MarketplaceError: the marketplace refused or failed the upload
        :raise UnsupportedOperation: the marketplace takes no invoices
        """
        self._unsupported(self.env._("invoice upload"))

    def _prepare_fulfillment(self, job):
        """First half of a call that must not reach the marketplace twice: build the order to
        fulfil; job type ``push_fulfillment``, run in send-once mode
        (``marketplace.job._run_once_each``). A job found ``awaiting_answer_since`` (its last call's
        answer was lost) asks the marketplace first whether the order arrived.

        :param job: the ``marketplace.job``; payload ``{"order_id": sale order id}``
        :return: what :meth:`_send_fulfillment` sends, or None when nothing needs sending (the order
            is gone, cancelled, or the marketplace already has it)
        :raise MarketplaceError: the marketplace refused or failed the look-up, or the order is
            incomplete (``RequestError``: not retryable)
        :raise UnsupportedOperation: the marketplace fulfils no orders
        """
        self._unsupported(self.env._("fulfillment orders"))

    def _send_fulfillment(self, job, request):
        """Second half: send what :meth:`_prepare_fulfillment` built, once; the runner committed the
        job's "sent, awaiting answer" mark before. Records the marketplace's order on the sale
        order.

        :param job: the ``marketplace.job``
        :param request: what :meth:`_prepare_fulfillment` returned
        :return: None, or an exception *returned* (not raised) after recording a refusal on the
            documents (the job fails with it, what was written is kept)
        :raise MarketplaceError: the marketplace refused or failed the call (a refusal below 500
            clears the mark: the marketplace kept nothing)
        :raise UnsupportedOperation: the marketplace fulfils no orders
        """
        self._unsupported(self.env._("fulfillment orders"))

    def _prepare_entry(self, job):
        """First half of announcing stock sent to the marketplace's warehouse (an inbound
        shipment), a call that must not reach it twice; job type ``push_entry``, send-once mode.

        :param job: the ``marketplace.job``; payload ``{"picking_id": the receipt}``
        :return: what :meth:`_send_entry` sends, or None when nothing needs sending
        :raise NeedsAttention: a job found awaiting an answer that the marketplace cannot be asked
            about: a person checks and presses Send Again
        :raise UnsupportedOperation: the marketplace keeps no stock
        """
        self._unsupported(self.env._("entry orders"))

    def _send_entry(self, job, quantities):
        """Second half: send what :meth:`_prepare_entry` built, once (its mark committed before).

        :param job: the ``marketplace.job``
        :param quantities: what :meth:`_prepare_entry` returned
        :return: None, or an exception *returned* after recording a refusal on the transfer
        :raise MarketplaceError: the marketplace refused or failed the call
        :raise UnsupportedOperation: the marketplace keeps no stock
        """
        self._unsupported(self.env._("entry orders"))

    def _fetch_stock(self, job):
        """Read the marketplace's stock of a batch of listings and record it beside Odoo's; job
        type ``fetch_stock``.

        :param job: the ``marketplace.job``; payload ``{"listing_ids": [...]}`` (the rest is kept
            for the next run)
        :return: :data:`~.marketplace_job.AGAIN` while listings remain, else None
        :raise MarketplaceError: the marketplace refused or failed a read (an item it does not know
            is recorded on its listing, not raised)
        :raise UnsupportedOperation: the marketplace keeps no stock
        """
        self._unsupported(self.env._("stock comparison"))

    def _apply_webhook(self, job):
        """Apply an event the marketplace pushed to a webhook (an order's status, a shipment); job
        type ``webhook``. The event is a hint: what it names may be read from the marketplace.

        :param job: the ``marketplace.job``; payload ``{"topic": ..., "body": ...}`` as stored by the
            ingress path
        :return: None (an event about an order Odoo does not have is ignored)
        :raise MarketplaceError: the event cannot be read (not retryable), or a read failed
        :raise UnsupportedOperation: the marketplace sends no such events
        """
        self._unsupported(self.env._("webhooks"))

    # catalog

    def _push_products(self, job):
        """Publish a batch of listings (product content, items); job type ``push_products``.

        :param job: the ``marketplace.job``; payload ``{"listing_ids": [...]}``
        :return: None, or :data:`~.marketplace_job.LATER` while the marketplace takes no new
            publication; a listing's own problems are written on it
        :raise MarketplaceError: the marketplace refused or failed the call
        :raise UnsupportedOperation: the marketplace has no catalog to publish to
        """
        self._unsupported(self.env._("product publication"))

    def _poll_products(self, job):
        """Read the result of the last product publication and write it on the listings; job type
        ``poll_products``.

        :param job: the ``marketplace.job``
        :return: None, or :data:`~.marketplace_job.LATER` while the marketplace is still processing
        :raise MarketplaceError: the marketplace refused or failed the read
        :raise UnsupportedOperation: the marketplace has no catalog to publish to
        """
        self._unsupported(self.env._("product publication"))

    def _delete_products(self, job):
        """Remove archived listings' products from the marketplace; job type ``delete_products``.

        :param job: the ``marketplace.job``; payload ``{"listing_ids": [...]}``
        :return: None (a product the marketplace no longer has counts as removed)
        :raise MarketplaceError: the marketplace refused or failed the call
        :raise UnsupportedOperation: the marketplace removes no products
        """
        self._unsupported(self.env._("removing products"))

    def _push_offers(self, job):
        """Send the offers (price, stock) of a batch of listings; job type ``push_offers``.

        :param job: the ``marketplace.job``; payload ``{"listing_ids": [...]}``
        :return: None; each listing remembers what was pushed
        :raise MarketplaceError: the marketplace refused or failed the call
        :raise UnsupportedOperation: the marketplace takes no offers
        """
        self._unsupported(self.env._("offers"))

    def _apply_product_callback(self, job):
        """Apply the moderation results the marketplace sent to a callback; job type
        ``product_callback``.

        :param job: the ``marketplace.job``; payload: the callback's body as stored by the ingress path
        :return: None
        :raise MarketplaceError: the body cannot be read (not retryable)
        :raise UnsupportedOperation: the marketplace moderates no products
        """
        self._unsupported(self.env._("moderation callbacks"))

    def _apply_offer_callback(self, job):
        """Apply the offer results the marketplace sent to a callback; job type ``offer_callback``.

        :param job: the ``marketplace.job``; payload: the callback's body as stored by the ingress path
        :return: None
        :raise MarketplaceError: the body cannot be read (not retryable)
        :raise UnsupportedOperation: the marketplace reports no offer results
        """
        self._unsupported(self.env._("offer callbacks"))

    def _push_stores(self, job):
        """Send the account's whole store and channel configuration (a full replace, built from
        Odoo's current stores when it is sent); job type ``push_stores``.

        :param job: the ``marketplace.job``
        :return: None; the marketplace's store ids are written on the stores
        :raise UserError: nothing to send (a full replace of nothing would delete everything)
        :raise MarketplaceError: the marketplace refused or failed the call
        :raise UnsupportedOperation: the marketplace has no stores
        """
        self._unsupported(self.env._("stores and channels"))

    def _push_list(self, job):
        """Send each list of ``job`` whose content changed since it was last sent (each a full
        replace), and queue a ``poll_list`` job for those sent; job type ``push_list``.

        :param job: the ``marketplace.job``; payload ``{"list_ids": [...]}``
        :return: None
        :raise MarketplaceError: the marketplace refused or failed a call
        :raise UnsupportedOperation: the marketplace has no lists
        """
        self._unsupported(self.env._("lists"))

    def _poll_list(self, job):
        """Read the synchronization report of lists sent and write its problems on the listings;
        job type ``poll_list``.

        :param job: the ``marketplace.job``; payload ``{"list_ids": [...]}``
        :return: None, or :data:`~.marketplace_job.LATER` while the marketplace is still processing
        :raise MarketplaceError: the marketplace refused or failed a read
        :raise UnsupportedOperation: the marketplace has no lists
        """
        self._unsupported(self.env._("lists"))

    # accounting

    def _fetch_settlements_page(self, job):
        """Read one page of the marketplace's settlements (billing documents, commissions) and store
        them; job type ``fetch_settlements``.

        :param job: the ``marketplace.job``; its payload carries the page cursor
        :return: :data:`~.marketplace_job.AGAIN` while pages remain, else None
        :raise MarketplaceError: the marketplace refused or failed the read
        :raise UnsupportedOperation: the marketplace reports no settlements
        """
        self._unsupported(self.env._("settlements"))

    # -- notifications --------------------------------------------------------------------

    def _responsible(self):
        return self.user_id or self.create_uid

    def _schedule_unique_activity(self, summary, note):
        """One open to-do per account and summary: later occurrences add to its note."""
        self.ensure_one()
        activity = self.activity_ids.filtered(lambda act: act.summary == summary)[:1]
        if activity:
            # The newest occurrences only: a sender holding a callback URL must not be able to grow
            # a note without bound.
            lines = str(activity.note or "").split("<br>")[-(ACTIVITY_NOTE_LINES - 1):]
            activity.note = Markup("<br>").join([Markup(line) for line in lines] + [note])
            return activity
        return self.activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, note=note, user_id=self._responsible().id)

    def _notify_products_missing(self, jobs):
        """Orders of this account wait for products: one activity per account and day tells the
        responsible which (a new order adds its line to the day's activity, once)."""
        self.ensure_one()
        summary = self.env._("Orders wait for products")
        today = fields.Date.context_today(self)
        activity = self.activity_ids.filtered(
            lambda act: act.summary == summary and fields.Date.context_today(self, act.create_date) == today)[:1]
        known = str(activity.note or "") if activity else ""
        lines = [
            Markup("%s: %s") % (job.name, ", ".join(line.get("seller_sku") or line.get("ean") or line.get("name") or "?"
                                                   for line in job.missing_products or []))
            for job in jobs if str(Markup.escape(job.name)) + ":" not in known]
        if not lines:
            return activity
        if activity:
            kept = [Markup(line) for line in known.split("<br>")]
            activity.note = Markup("<br>").join((kept + lines)[-ACTIVITY_NOTE_LINES:])
            return activity
        intro = self.env._("Open Marketplaces > Jobs, filter Waiting for Products and press Fix Products:")
        return self.activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, user_id=self._responsible().id,
            note=Markup("<br>").join([Markup("%s") % intro, *lines[-ACTIVITY_NOTE_LINES:]]))

    def _notify_dead_job(self, job):
        """A job gave up after its last attempt: tell the responsible."""
        self._schedule_unique_activity(
            self.env._("Marketplace jobs gave up"),
            self.env._("%(job)s: %(error)s", job=job.name, error=(job.last_error or "").partition("\n")[0]),
        )

    def _notify_configuration_error(self, message):
        """The marketplace refuses to work until something is configured on its side."""
        self.write({"state": "error", "last_error": message})
        self._schedule_unique_activity(self.env._("Marketplace configuration needed"), message)

    def _notify_credentials_refused(self, message):
        """The marketplace refused the credentials: the account needs a person, and its jobs
        that call the marketplace wait for new credentials (no storm of refused calls)."""
        self.write({"state": "error", "last_error": message, "credentials_refused": True})
        self._schedule_unique_activity(
            self.env._("Marketplace credentials refused"),
            self.env._("%(account)s: %(error)s Paste new credentials in the account, then press Test Connection.",
                       account=self.name, error=message),
        )


def _odoo_datetime(moment):
    """Odoo stores naive UTC datetimes, to the second."""
    return moment and moment.replace(tzinfo=None, microsecond=0)


class MarketplaceAccountOrderImport(models.Model):
    """Turning stored marketplace orders into sale orders, a batch of jobs at a time."""

    _inherit = "marketplace.account"

    def _import_order_jobs(self, jobs):
        """Create (and confirm) the sale orders of ``jobs``, all of this account.

        Products and buyers are resolved for the whole batch in a few queries and the orders
        are created with one ``create``. Jobs whose payload cannot be read or whose products
        are unknown are left out and reported; anything else that fails raises, and the job
        runner then retries each job alone, so that no order is ever half-created.

        :return: ``{job_id: exception}`` for the jobs left out
        """
        self.ensure_one()
        outcomes = {}
        parsed = self._parse_order_jobs(jobs, outcomes)
        ready, products = self._orders_ready_to_create(parsed, outcomes)
        if ready:
            self._create_sale_orders(ready, products)
        return outcomes

    def _parse_order_jobs(self, jobs, outcomes):
        """The ``(job, MarketOrder)`` pairs of ``jobs`` whose order is not in Odoo yet; a job of an
        order already imported is linked to its sale order, an unreadable one lands in ``outcomes``."""
        client = self._get_client()
        parsed = []
        for job in jobs:
            try:
                parsed.append((job, client.parse_order(job.payload)))
            except MarketplaceError as error:
                outcomes[job.id] = error
        existing = self.env["sale.order"]._marketplace_find_orders(self, [order.ref for _job, order in parsed])
        for job, order in parsed:
            if order.ref in existing:
                job._link_record(existing[order.ref])
        return [(job, order) for job, order in parsed if order.ref not in existing]

    def _orders_ready_to_create(self, parsed, outcomes):
        """``(ready pairs, products of their lines)``: the orders whose configuration and products
        are known; the others land in ``outcomes`` with what to fix."""
        if not parsed:
            return [], {}
        config_error = self._check_order_configuration(parsed[0][1])
        products = self.env["marketplace.listing"]._resolve_products(
            self, [line for _job, order in parsed for line in order.lines])
        ready = []
        for job, order in parsed:
            missing = [line for line in order.lines if id(line) not in products]
            if config_error:
                outcomes[job.id] = UserError(config_error)
            elif missing:
                outcomes[job.id] = UnknownProducts(self._unknown_products_message(order, missing), [
                    {"name": line.name, "ean": line.ean, "seller_sku": line.seller_sku,
                     "marketplace_sku": line.marketplace_sku, "price": line.unit_price, "quantity": line.quantity}
                    for line in missing])
            else:
                ready.append((job, order))
        return ready, products

    def _create_sale_orders(self, ready, products):
        """Create (and confirm) the sale orders of the ``(job, MarketOrder)`` pairs in one batch."""
        buyers = self.env["res.partner"].with_context(tracking_disable=True)._marketplace_find_or_create_buyers(
            self, [order.buyer for _job, order in ready])
        # Like Odoo's own imports (base_import's "track history" option is off by default), orders
        # are created and confirmed without field tracking, creation logs, follower subscription
        # and "assigned to you" mails; each order gets one note saying where it came from.
        SaleOrder = self.env["sale.order"].with_context(tracking_disable=True)
        vals_list = [
            self._prepare_sale_order_values(order, partner, shipping_partner, products)
            for (_job, order), (partner, shipping_partner) in zip(ready, buyers, strict=True)
        ]
        if not self._has_analytic_distribution_models():
            # Each line would look for a distribution model, one query per line, to find none.
            for values in vals_list:
                for _command, _id, line_values in values["order_line"]:
                    line_values["analytic_distribution"] = False
        sale_orders = SaleOrder.create(vals_list)
        sale_orders.mapped("amount_total")  # computed for the whole batch at once
        for (_job, order), sale_order in zip(ready, sale_orders, strict=True):
            sale_order._marketplace_check_total(order)
        sale_orders._message_log_batch(bodies={
            sale_order.id: self.env._("Imported from %(marketplace)s order %(number)s.",
                                      marketplace=self._marketplace_label(), number=order.number)
            for (_job, order), sale_order in zip(ready, sale_orders, strict=True)
        })
        if self.auto_confirm:
            # The buyer is not made a follower (the marketplace owns the relation with its buyers:
            # Odoo must not mail them) and each delivery's "created from" note is logged in one
            # batch rather than rendered one by one.
            sale_orders.with_context(marketplace_import=True).action_confirm()
            sale_orders.picking_ids._marketplace_log_origin()
        for (job, _order), sale_order in zip(ready, sale_orders, strict=True):
            job._link_record(sale_order)
        self.env["marketplace.settlement"]._marketplace_link_orders(self, sale_orders)

    def _has_analytic_distribution_models(self):
        return bool(self.env["account.analytic.distribution.model"].sudo().search_count(
            [("company_id", "in", (False, self.company_id.id))], limit=1))

    def _check_order_configuration(self, order):
        """A readable reason why no order of this account can be created, or ``None``."""
        if not self.pricelist_id:
            return self.env._("Set a pricelist on the account %(account)s.", account=self.name)
        if self.pricelist_id.currency_id.name != order.currency:
            return self.env._(
                "The pricelist %(pricelist)s of %(account)s is in %(currency)s but the marketplace sells in "
                "%(marketplace_currency)s: choose a pricelist in %(marketplace_currency)s on the account.",
                pricelist=self.pricelist_id.display_name, account=self.name,
                currency=self.pricelist_id.currency_id.name, marketplace_currency=order.currency)
        if not self.warehouse_id:
            return self.env._("Set a warehouse on the account %(account)s.", account=self.name)
        if order.shipping_amount and not self.shipping_product_id:
            return self.env._("Set a shipping product on the account %(account)s.", account=self.name)
        if order.discount and not self.discount_product_id:
            return self.env._("Set a discount product on the account %(account)s.", account=self.name)
        return None

    def _unknown_products_message(self, order, lines):
        described = "; ".join(
            self.env._("%(name)s (EAN %(ean)s, SKU %(sku)s)",
                       name=line.name, ean=line.ean or "-", sku=line.seller_sku or line.marketplace_sku or "-")
            for line in lines
        )
        return self.env._(
            "Order %(number)s: no product matches %(lines)s. Press Fix Products to create the products or link "
            "them to existing ones (or give a product this Internal Reference or barcode): the order then imports "
            "by itself.",
            number=order.number, lines=described)

    def _prepare_sale_order_values(self, order, partner, shipping_partner, products):
        """Values of the sale order of a ``MarketOrder``, with the marketplace's prices."""
        order_lines = [
            Command.create({
                "product_id": products[id(line)].id,
                "product_uom_qty": line.quantity,
                "price_unit": line.unit_price,
                "marketplace_line_ref": line.ref,
            })
            for line in order.lines
        ]
        if order.shipping_amount:
            order_lines.append(Command.create({
                "product_id": self.shipping_product_id.id,
                "product_uom_qty": 1,
                "price_unit": order.shipping_amount,
                "is_delivery": True,
            }))
        if order.discount:
            if not self.discount_product_id:
                raise UserError(self.env._("Set a discount product on the account %(account)s.", account=self.name))
            order_lines.append(Command.create({
                "product_id": self.discount_product_id.id,
                "product_uom_qty": 1,
                "price_unit": -order.discount,
            }))
        return {
            "partner_id": partner.id,
            "partner_invoice_id": partner.id,
            "partner_shipping_id": shipping_partner.id,
            "company_id": self.company_id.id,
            "warehouse_id": self.warehouse_id.id,
            "pricelist_id": self.pricelist_id.id,
            "team_id": self.team_id.id,
            "user_id": self.user_id.id,
            "date_order": _odoo_datetime(order.date_order),
            "commitment_date": _odoo_datetime(order.max_delivery_date),
            "client_order_ref": order.number,
            "origin": f"{self._marketplace_label()} {order.number}",
            "marketplace_account_id": self.id,
            "marketplace_order_ref": order.ref,
            "marketplace_order_number": order.number,
            "marketplace_status": order.status,
            "marketplace_channel": order.channel,
            "marketplace_delivery_type": order.delivery_type.strip(),
            "marketplace_max_delivery_date": _odoo_datetime(order.max_delivery_date),
            "marketplace_label_url": order.label_url,
            "order_line": order_lines,
        }


class MarketplaceAccountSettlement(models.Model):
    _inherit = "marketplace.account"

    settlement_count = fields.Integer(compute="_compute_settlement_count")

    def _compute_settlement_count(self):
        counts = dict(self.env["marketplace.settlement"]._read_group(
            [("account_id", "in", self.ids)], ["account_id"], ["__count"]))
        for account in self:
            account.settlement_count = counts.get(account, 0)

    @guard(USER)
    def action_view_settlements(self):
        """The settlements of these accounts."""
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_marketplace_settlement")
        action["domain"] = [("account_id", "in", self.ids)]
        return action
