from datetime import UTC, datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...marketplaces.xstak import XstakQuery
from ...marketplaces.xstak import const as xstak_const
from ...marketplaces.xstak import mapping as xstak_mapping
from ..marketplace_account import AccountTokenStore


class MarketplaceAccount(models.Model):
    """XStak OMS: sales orders read by status and location, each location shipping from its
    warehouse; a service-account token cached on the account until shortly before it expires."""

    _inherit = "marketplace.account"

    xstak_client_id = fields.Char(string="XStak Client ID")
    xstak_client_secret = fields.Char(string="XStak Client Secret", groups="base.group_system", copy=False)
    xstak_company_code = fields.Char(string="XStak Company Code")
    xstak_order_statuses = fields.Char(
        string="XStak Statuses to Import", default="pending",
        help="Comma-separated XStak order statuses whose orders are imported (e.g. pending,confirmed).")
    xstak_location_ids = fields.One2many("marketplace.xstak.location", "account_id", string="XStak Locations")
    xstak_token = fields.Char(string="XStak Access Token", groups="base.group_system", copy=False, readonly=True)
    xstak_token_expires_at = fields.Float(
        string="XStak Token Expiry", groups="base.group_system", copy=False, readonly=True)

    @api.constrains("marketplace", "xstak_order_statuses")
    def _check_xstak_statuses(self):
        for account in self.filtered(lambda account: account.marketplace == "xstak"):
            if not account._xstak_statuses():
                raise ValidationError(self.env._("Give at least one XStak status to import."))

    @api.model
    def _credential_fields(self):
        return super()._credential_fields() | {"xstak_client_id", "xstak_client_secret", "xstak_company_code"}

    def _marketplace_currency_code(self):
        if self.marketplace != "xstak":
            return super()._marketplace_currency_code()
        return xstak_const.CURRENCY

    def _remote_seller(self):
        if self.marketplace != "xstak":
            return super()._remote_seller()
        # The company code names the seller's company on XStak (its client ids are service accounts).
        code = (self.xstak_company_code or "").strip().lower()
        return [("xstak_company_code", code)] if code else []

    def _xstak_statuses(self):
        return [status.strip() for status in (self.xstak_order_statuses or "").split(",") if status.strip()]

    def _get_client_params(self):
        params = super()._get_client_params()
        if self.marketplace != "xstak":
            return params
        account = self.sudo()
        return dict(params, client_id=account.xstak_client_id, client_secret=account.xstak_client_secret,
                    company_code=account.xstak_company_code, token_store=AccountTokenStore(self, "xstak_token"))

    def _xstak_start_date(self):
        """Orders created since the last complete read minus the overlap (or the import start)."""
        if self.last_sync_date:
            start = self.last_sync_date - timedelta(days=1)
        else:
            start = datetime.combine(self.import_from_date or fields.Date.today(), time.min)
        return start.replace(tzinfo=UTC)

    def _fetch_orders_page(self, job):
        if self.marketplace != "xstak":
            return super()._fetch_orders_page(job)
        payload = dict(job.payload)
        if "reads" not in payload:
            if not self.xstak_location_ids:
                raise ValidationError(self.env._(
                    "Map at least one XStak location to a warehouse on the account %(account)s.", account=self.name))
            payload.update(
                start_date=self._xstak_start_date().isoformat(), read_index=0, cursor=None,
                reads=[[location.location_id, location.location_code or None, status]
                       for location in self.xstak_location_ids for status in self._xstak_statuses()])
        location_id, location_code, status = payload["reads"][payload["read_index"]]
        query = XstakQuery(order_status=status, location_id=location_id, location_code=location_code,
                           start_date=datetime.fromisoformat(payload["start_date"]))
        with self._get_client() as client:
            page = client.get_orders_page(query, payload.get("cursor") or xstak_const.FIRST_PAGE)
        self._enqueue_orders(page.orders)
        if page.next_cursor:
            job.payload = dict(payload, cursor=page.next_cursor)
            return True
        if payload["read_index"] + 1 < len(payload["reads"]):
            job.payload = dict(payload, read_index=payload["read_index"] + 1, cursor=None)
            return True
        job.payload = payload
        return False

    def _xstak_warehouse(self, payload):
        location_id, location_code = xstak_mapping.location_of(payload)
        for location in self.xstak_location_ids:
            if location.location_id == location_id or (location_code and location.location_code == location_code):
                return location.warehouse_id
        return self.warehouse_id

    def _import_order_jobs(self, jobs):
        if self.marketplace != "xstak":
            return super()._import_order_jobs(jobs)
        # Each order ships from the warehouse of its XStak location.
        account = self.with_context(xstak_warehouses={
            str(job.payload.get("id")): self._xstak_warehouse(job.payload).id
            for job in jobs if isinstance(job.payload, dict)})
        return super(MarketplaceAccount, account)._import_order_jobs(jobs)

    def _prepare_sale_order_values(self, order, partner, shipping_partner, products):
        values = super()._prepare_sale_order_values(order, partner, shipping_partner, products)
        warehouse_id = (self.env.context.get("xstak_warehouses") or {}).get(order.ref)
        if self.marketplace == "xstak" and warehouse_id:
            values["warehouse_id"] = warehouse_id
        return values
