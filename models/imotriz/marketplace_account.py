from odoo import api, fields, models
from odoo.exceptions import UserError

from ...marketplaces.base import MarketplaceError
from ...marketplaces.imotriz import const as imotriz_const
from ...marketplaces.records import OrderQuery
from ..access import USER, guard


class MarketplaceAccount(models.Model):
    """iMotriz: a destructive "new orders" read (the orders it returns are marked synced on
    iMotriz's side), made safe by storing every answer at once and by a reconciliation that
    compares the ids of the last days with what Odoo has and fetches the missing orders."""

    _inherit = "marketplace.account"

    imotriz_country = fields.Selection(
        selection=[("CO", "Colombia"), ("MX", "México"), ("EC", "Ecuador"), ("CR", "Costa Rica")],
        string="iMotriz Country", default="CO",
        help="Chooses iMotriz's domain (imotriz.com, .com.mx, .com.ec, .co.cr) and the orders' currency.")
    imotriz_sync_from = fields.Date(
        string="iMotriz Syncs Orders From",
        help="For reference: the date set in iMotriz (Administrar Tienda > Configuración > Integración API > "
             "'Sincronizar pedidos desde:'). iMotriz only gives orders from that date, at most 30 days back.")

    @api.model
    def _credential_fields(self):
        return super()._credential_fields() | {"imotriz_country"}

    def _get_client_params(self):
        params = super()._get_client_params()
        if self.marketplace != "imotriz":
            return params
        return dict(params, token=self.sudo().api_token, country=self.imotriz_country or "CO")

    def _marketplace_currency_code(self):
        if self.marketplace != "imotriz":
            return super()._marketplace_currency_code()
        return imotriz_const.CURRENCIES[self.imotriz_country or "CO"]

    @api.onchange("imotriz_country")
    def _onchange_imotriz_country(self):
        self._onchange_marketplace_pricelist()

    def _remote_seller(self):
        if self.marketplace != "imotriz":
            return super()._remote_seller()
        # The token is the store's, on the store's country domain.
        token = self.sudo().api_token
        return [("api_token", (self.imotriz_country or "CO", token))] if token else []

    def _get_extra_reads(self):
        reads = super()._get_extra_reads()
        if self.marketplace == "imotriz":
            reads.append(("reconcile", OrderQuery()))
        return reads

    def _fetch_orders_page(self, job):
        if self.marketplace != "imotriz":
            return super()._fetch_orders_page(job)
        if job.payload.get("purpose") == "reconcile":
            return self._imotriz_reconcile(job)
        with self._get_client() as client:
            page = client.get_new_orders()
        # Received once: stored here and committed by the runner before anything else runs.
        self._enqueue_orders(page.orders)
        if page.pending > 0 and page.orders:
            job.payload = dict(job.payload, pages=job.payload.get("pages", 0) + 1)
            return True
        return False

    def _imotriz_reconcile(self, job):
        """Queue a retrieval of each order of the last days that Odoo never stored (lost with a
        "new orders" answer that never arrived): one job per order, so that an order iMotriz does
        not give by id (404: outside the store's sync range) ends its own job, recorded with the
        reason, and never holds back the others."""
        with self._get_client() as client:
            ids = [str(order_id) for order_id in client.get_recent_order_ids()]
        keys = [f"order:{order_id}" for order_id in ids] + [f"retrieve:{order_id}" for order_id in ids]
        known = set(self.env["marketplace.job"].sudo().search_fetch(
            [("account_id", "=", self.id), ("dedupe_key", "in", keys)], ["dedupe_key"]).mapped("dedupe_key"))
        missing = [order_id for order_id in dict.fromkeys(ids)
                   if f"order:{order_id}" not in known and f"retrieve:{order_id}" not in known]
        self.env["marketplace.job"]._create_unique([{
            "name": self.env._("Retrieve iMotriz order %(order)s", order=order_id),
            "account_id": self.id,
            "job_type": "retrieve_order",
            "dedupe_key": f"retrieve:{order_id}",
            "payload": {"order_id": order_id},
            "priority": 5,
        } for order_id in missing])
        return False

    def _retrieve_order(self, job):
        """Read one order the reconciliation found missing and store it for import."""
        if self.marketplace != "imotriz":
            return super()._retrieve_order(job)
        with self._get_client() as client:
            raw = client.get_order(job.payload["order_id"])
        self._enqueue_orders([raw])
        return None

    @guard(USER)
    def action_reimport_order(self, order_ref):
        """Read one order by its id again and import it (a user's request from the account)."""
        self.ensure_one()
        if self.marketplace != "imotriz":
            self._unsupported(self.env._("re-importing one order"))
        order_ref = (order_ref or "").strip()
        existing = self.env["sale.order"]._marketplace_find_orders(self, [order_ref]).get(order_ref)
        if existing:
            raise UserError(self.env._("Order %(ref)s is already imported as %(order)s.",
                                       ref=order_ref, order=existing.name))
        Job = self.env["marketplace.job"].sudo()
        try:
            with self._get_client() as client:
                raw = client.get_order(order_ref)
        except MarketplaceError as error:
            raise UserError(Job._describe_error(error)) from None
        job = Job.search([("account_id", "=", self.id), ("dedupe_key", "=", f"order:{raw.ref}")])
        if job:
            job.write({"payload": raw.payload, "state": "pending", "attempts": 0, "last_error": False,
                       "next_attempt_date": fields.Datetime.now()})
        else:
            job = self._enqueue_orders([raw])
        Job._run_due_jobs(account_ids=self.ids, time_limit=60)
        return job
