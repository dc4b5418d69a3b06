import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from ...marketplaces.base import MarketplaceError
from ..access import STOCK_USER, guard
from ..sale_order import MARKETPLACE_USERS

_logger = logging.getLogger(__name__)


class StockPicking(models.Model):
    _inherit = "stock.picking"

    marketful_account_id = fields.Many2one(
        "marketplace.account", compute="_compute_marketful_account_id",
        groups=MARKETPLACE_USERS, help="The Marketful account whose warehouse receives this transfer.")
    marketful_order_ref = fields.Char(related="sale_id.marketful_order_ref", groups=MARKETPLACE_USERS)
    marketful_entry_state = fields.Selection(
        selection=[("to_send", "To Announce"), ("sent", "Announced"), ("refused", "Refused")],
        string="Marketful Entry", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketful_entry_token = fields.Char(
        readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketful_entry_rejected = fields.Text(
        string="Items Marketful Refused", readonly=True, copy=False, groups=MARKETPLACE_USERS,
        help="SKUs Marketful does not know (or has no stock of) in the last entry order sent.")

    @api.depends("location_dest_id", "location_id", "picking_type_code")
    def _compute_marketful_account_id(self):
        accounts = self.env["marketplace.account"]._marketful_accounts(self.company_id)
        for picking in self:
            picking.marketful_account_id = next(
                (account for account in accounts if picking._marketful_enters(account)), False)

    def _marketful_enters(self, account):
        """Goods move into ``account``'s warehouse from outside it (a receipt, or a transfer from
        another warehouse): Marketful must be told what to expect."""
        warehouse = account.warehouse_id
        if not warehouse or self.company_id != account.company_id or self.picking_type_code == "outgoing":
            return False
        inside = warehouse.view_location_id.parent_path
        return bool(self.location_dest_id.parent_path.startswith(inside)
                    and not self.location_id.parent_path.startswith(inside))

    def _action_done(self):
        res = super()._action_done()
        # Whoever validates, Marketful is told what arrives: the module's own bookkeeping, as superuser.
        self.sudo().filtered(lambda picking: picking.state == "done")._marketful_queue_entries()
        return res

    @guard(STOCK_USER, "write")
    def action_marketful_announce(self):
        """Announce this transfer to Marketful now (before the goods arrive), or again after a
        lost answer once a person checked that Marketful does not have it."""
        for picking in self:
            if not picking.marketful_account_id:
                raise UserError(self.env._("%(picking)s does not go into a Marketful warehouse.",
                                           picking=picking.name))
            if picking.marketful_entry_token:
                raise UserError(self.env._("%(picking)s was already announced to Marketful (entry %(token)s).",
                                           picking=picking.name, token=picking.marketful_entry_token))
        jobs = self.env["marketplace.job"].sudo().search(
            [("dedupe_key", "in", [f"entry:{picking.id}" for picking in self])])
        jobs.filtered(lambda job: job.state in ("failed", "dead", "cancelled")).write({"awaiting_answer_since": False})
        jobs.action_retry()
        queued = self.browse([int(job.dedupe_key.split(":")[1]) for job in jobs])
        (self - queued)._marketful_queue_entries(force=True)
        self.env["marketplace.job"]._run_due_jobs(account_ids=self.marketful_account_id.ids, time_limit=30)
        return True

    def _marketful_queue_entries(self, force=False):
        """Queue an entry order for each transfer into a Marketful warehouse."""
        pickings = self.filtered(lambda picking: picking.marketful_account_id
                                 and (force or not picking.marketful_entry_state))
        if not pickings:
            return
        jobs = self.env["marketplace.job"]._create_unique([{
            "name": self.env._("Entry order of %(picking)s", picking=picking.name),
            "account_id": picking.marketful_account_id.id,
            "job_type": "push_entry",
            "dedupe_key": f"entry:{picking.id}",
            "payload": {"picking_id": picking.id},
            "res_model": picking._name,
            "res_id": picking.id,
        } for picking in pickings])
        self.browse(jobs.mapped("res_id")).marketful_entry_state = "to_send"

    def _marketful_entry_quantities(self, account):
        """``{sku: quantity}`` of what this transfer brings (done quantities once validated)."""
        self.ensure_one()
        quantities = {}
        for move in self.move_ids.filtered(lambda move: move.state != "cancel"):
            amount = move.quantity if self.state == "done" else move.product_uom_qty
            quantity = move.product_uom._compute_quantity(amount, move.product_id.uom_id)
            if not float_is_zero(quantity, precision_rounding=move.product_id.uom_id.rounding):
                quantities[move.product_id] = quantities.get(move.product_id, 0) + quantity
        skus = self.env["marketplace.listing"]._marketful_skus(account, self.env["product.product"].union(*quantities))
        missing = [product.display_name for product in quantities if not skus.get(product.id)]
        if missing:
            raise UserError(self.env._(
                "%(picking)s cannot be announced to Marketful: %(products)s have no SKU (Internal Reference).",
                picking=self.name, products=", ".join(missing)))
        if not quantities:
            raise UserError(self.env._("%(picking)s brings nothing to announce.", picking=self.name))
        entry = {}
        for product, quantity in quantities.items():
            sku = skus[product.id]
            entry[sku] = entry.get(sku, 0) + (int(quantity) if float(quantity).is_integer() else quantity)
        return entry

    def _marketful_record_entry(self, result):
        self.ensure_one()
        if result.created:
            self.write({"marketful_entry_state": "sent", "marketful_entry_token": result.order_token,
                        "marketful_entry_rejected": False})
            self.message_post(body=self.env._("Announced to Marketful: entry order %(token)s.",
                                              token=result.order_token))
            return
        rejected = ", ".join(result.rejected) or "-"
        self.write({"marketful_entry_state": "refused", "marketful_entry_rejected": rejected})

    # -- deliveries -----------------------------------------------------------------------

    @guard(STOCK_USER, "write", related=[("sale_id", "read")])
    def action_marketful_events(self):
        """Read the order's shipment events from Marketful and apply the new ones. Warehouse
        staff, who need not see marketplace accounts: the events are applied as a webhook's are."""
        self.ensure_one()
        order = self.sale_id.sudo()
        if not order.marketful_order_ref:
            raise UserError(self.env._("Marketful has not taken this order yet."))
        account = order.marketful_account_id
        try:
            with account._get_client() as client:
                events = client.get_shipment_events(order.marketful_order_ref)
        except MarketplaceError as error:
            raise UserError(self.env["marketplace.job"]._describe_error(error)) from None
        for event in account._marketful_events_from_history(order, events):
            order._marketful_apply_event(event)
        return True

    def _marketful_validate_delivered(self):
        """Marketful delivered the goods: validate the deliveries with their full quantities. A
        delivery Odoo cannot validate alone (lots, serial numbers) gets an activity instead."""
        for picking in self.filtered(lambda picking: picking.state not in ("done", "cancel")):
            try:
                with self.env.cr.savepoint():
                    for move in picking.move_ids.filtered(lambda move: move.state not in ("done", "cancel")):
                        move.quantity = move.product_uom_qty
                    picking.move_ids.picked = True
                    result = picking.with_context(skip_backorder=True, picking_ids_not_to_backorder=picking.ids,
                                                  skip_sms=True).button_validate()
                    if result is not True and picking.state != "done":
                        raise UserError(self.env._("Odoo needs more information to validate it."))
            except UserError as error:
                picking.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=picking.sale_id.marketful_account_id._responsible().id,
                    summary=self.env._("Marketful delivered: validate the delivery"),
                    note=self.env._("Marketful reports the order delivered, but %(picking)s could not be validated "
                                    "by itself: %(reason)s", picking=picking.name, reason=error.args[0]))
