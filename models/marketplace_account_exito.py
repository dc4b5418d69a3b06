import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..marketplaces.exito import const as exito_const
from ..marketplaces.records import OrderQuery, Shipment
from .access import SYSTEM, USER, guard
from .marketplace_job import AGAIN

#: days of orders in which cancellations are looked for
CANCELLATION_WINDOW_DAYS = 30


class MarketplaceAccount(models.Model):
    """Grupo Éxito: what the seller center adds to an account (fulfillment, invoices,
    settlements, callbacks). Catalog and offers are in ``marketplace_listing_exito.py``."""

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
    callback_token = fields.Char(
        groups="base.group_system", copy=False, readonly=True,
        default=lambda self: secrets.token_urlsafe(24),
        help="Random part of the callback URLs; never a database id.")
    callback_username = fields.Char(
        string="Callback Username", groups="base.group_system", copy=False,
        help="User name Éxito sends (Basic auth) when it calls the callback URLs.")
    callback_password = fields.Char(
        string="Callback Password", groups="base.group_system", copy=False,
        help="Password Éxito sends (Basic auth) when it calls the callback URLs.")
    exito_notifyproduct_url = fields.Char(
        string="Moderation Callback URL", compute="_compute_callback_urls", groups="base.group_system")
    exito_notifyoffer_url = fields.Char(
        string="Offer Callback URL", compute="_compute_callback_urls", groups="base.group_system")

    # Automation
    push_tracking = fields.Boolean(
        string="Send Tracking", default=True,
        help="Validating the delivery of a marketplace order sends its tracking reference.")
    upload_invoices = fields.Boolean(
        string="Upload Invoices", default=True,
        help="Posting the invoice of a marketplace order uploads its PDF to the marketplace.")
    import_settlements = fields.Boolean(
        string="Import Settlements", default=True,
        help="A scheduled action reads the marketplace's billing documents (commissions, payouts).")

    # Every callback request looks its account up by token (controllers/ingress.py): one index
    # lookup, and a token can never designate two accounts.
    _sql_constraints = [
        ("callback_token_uniq", "unique(callback_token)", "This callback token is already in use."),
    ]

    @api.depends("callback_token", "marketplace")
    def _compute_callback_urls(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for account in self:
            prefix = f"{base_url}/marketplace/exito/{account.callback_token}"
            active = account.marketplace == "exito" and account.callback_token
            account.exito_notifyproduct_url = active and f"{prefix}/notifyproduct"
            account.exito_notifyoffer_url = active and f"{prefix}/notifyoffer"

    @guard(SYSTEM, "write")
    def action_reset_callback_token(self):
        """Give the callback URLs a new random token (the old URLs stop working). System
        administrators only: the token is what authenticates the marketplace's deliveries."""
        for account in self:
            account.sudo().callback_token = secrets.token_urlsafe(24)
            # The chatter says that the URLs changed, never what they are.
            account.message_post(body=self.env._("New callback URLs: the previous ones no longer work."))

    def _get_client_params(self):
        params = super()._get_client_params()
        if self.marketplace != "exito":
            return params
        return dict(params, token=self.sudo().api_token, culture=self.culture)

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
            body += " " + self.env._("Refused: %(errors)s", errors="; ".join(result.errors))
            picking.activity_schedule(
                "mail.mail_activity_data_todo", user_id=self._responsible().id,
                summary=self.env._("Tracking refused by %(marketplace)s", marketplace=self._marketplace_label()),
                note="; ".join(result.errors))
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

