import base64

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import merge_pdf

from ..marketplaces.base import MarketplaceError
from .access import STOCK_USER, guard
from .res_partner import NO_BUYER_FOLLOWERS, recipients_without_buyers, subscriptions_without_buyers
from .sale_order import STOCK_OR_MARKETPLACE_USERS


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # The warehouse ships marketplace orders: it sees which account a delivery is for, whether its
    # tracking went out, and fetches its label (action_marketplace_label).
    marketplace_account_id = fields.Many2one(
        related="sale_id.marketplace_account_id", store=True, index="btree_not_null", string="Marketplace Account",
        groups=STOCK_OR_MARKETPLACE_USERS)
    marketplace_deliver_before = fields.Datetime(
        related="sale_id.marketplace_max_delivery_date", store=True, string="Deliver Before",
        groups=STOCK_OR_MARKETPLACE_USERS, help="The marketplace's deadline for this order's delivery.")
    marketplace_tracking_state = fields.Selection(
        selection=[("to_send", "To Send"), ("sent", "Sent"), ("error", "Refused")],
        string="Marketplace Tracking", readonly=True, copy=False, groups=STOCK_OR_MARKETPLACE_USERS,
        help="Whether the marketplace was told what this delivery shipped.")
    marketplace_label_id = fields.Many2one(
        "ir.attachment", readonly=True, copy=False, groups=STOCK_OR_MARKETPLACE_USERS)
    marketplace_label_error = fields.Char(
        string="Label Problem", readonly=True, copy=False, groups=STOCK_OR_MARKETPLACE_USERS)

    # -- Odoo never contacts marketplace buyers (models/res_partner.py says how) ---------------

    def _marketplace_buyers(self):
        """The commercial partners of the buyers of the marketplace orders these transfers belong
        to, and of their delivery addresses (empty for transfers of hand-made orders)."""
        pickings = self.sudo().filtered(lambda picking: picking.sale_id.marketplace_account_id)
        buyers = pickings.sale_id._marketplace_buyers() | pickings.partner_id.commercial_partner_id
        # A delivery being created by the confirmation of a marketplace order does not know its
        # order yet (its procurement group is set afterwards): the confirmation says whose it is.
        confirming = self.env.context.get("marketplace_confirming_buyer_ids")
        if confirming and self:
            buyers |= self.env["res.partner"].sudo().browse(confirming)
        return buyers

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # The delivery of a marketplace order does not make its buyer a follower (stock subscribes
        # the partner of every delivery).
        groups = subscriptions_without_buyers(self, partner_ids)
        if groups is None:
            return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)
        for pickings, partners in groups:
            if partners or subtype_ids:
                super(StockPicking, pickings).message_subscribe(partner_ids=partners, subtype_ids=subtype_ids)
        return True

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        return recipients_without_buyers(self, recipients)

    def button_validate(self):
        # stock_sms (not a dependency; installed with sms) offers to SMS the customer of a delivery
        # being validated and sends it, unless ``skip_sms``: set here, in the validation itself, it
        # reaches stock_sms's checks whatever the modules' load order. The recipients net
        # (_notify_get_recipients) holds in any case.
        # Its backorders do not make the buyer a follower either. A delivery whose marketplace needs a
        # tracking reference is not validated without one.
        self._marketplace_check_tracking_reference()
        if self and not self.env.context.get("skip_sms") and all(picking._marketplace_buyers() for picking in self):
            return super(StockPicking, self.with_context(skip_sms=True, **{NO_BUYER_FOLLOWERS: True})).button_validate()
        return super().button_validate()

    def _send_confirmation_email(self):
        # The delivery mail (stock's "Email Confirmation" setting) and SMS are not sent to marketplace
        # buyers; what else runs here (stock_delivery sends the delivery to the carrier) still does.
        quiet = [picking.id for picking in self if picking._marketplace_buyers()]
        if not quiet:
            return super()._send_confirmation_email()
        context = {"marketplace_quiet_picking_ids": quiet}
        if len(quiet) == len(self):
            context["skip_sms"] = True
        return super(StockPicking, self.with_context(**context))._send_confirmation_email()

    def message_post_with_source(self, source_ref, *args, **kwargs):
        if self.env.context.get("marketplace_import") and source_ref == "mail.message_origin_link":
            return self.env["mail.message"]  # logged in batch by _marketplace_log_origin
        quiet = self.env.context.get("marketplace_quiet_picking_ids")
        if quiet and self and set(self.ids) <= set(quiet) and getattr(source_ref, "_name", "") == "mail.template":
            return self.env["mail.message"]  # the delivery confirmation of a marketplace order
        return super().message_post_with_source(source_ref, *args, **kwargs)

    def _marketplace_log_origin(self):
        """The note Odoo posts on a delivery created from a sale order, for many deliveries in
        one batch (see ``mail.message_origin_link``)."""
        self._message_log_batch(bodies={
            picking.id: Markup('%s <a href="#" data-oe-model="sale.order" data-oe-id="%s">%s</a>') % (
                self.env._("This transfer has been created from:"), picking.sale_id.id, picking.sale_id.name)
            for picking in self if picking.sale_id
        })

    def _marketplace_check_tracking_reference(self):
        """Refuse to validate a marketplace delivery without the tracking reference its marketplace
        needs (Éxito), unless its carrier makes one when the delivery is validated (a shipping
        connector): the job that tells the marketplace could only fail."""
        missing = self.sudo().filtered(lambda picking: (
            picking.state not in ("done", "cancel") and not picking.carrier_tracking_ref
            and picking._marketplace_is_shipment()
            and not (picking.carrier_id.integration_level == "rate_and_ship"
                     and picking.carrier_id.delivery_type not in ("fixed", "base_on_rule"))
            and picking.sale_id.marketplace_account_id._tracking_reference_required(picking)))
        if missing:
            raise UserError(self.env._(
                "%(pickings)s: the marketplace needs the tracking reference of the shipment. Enter it in the "
                "delivery (Additional Info tab, Tracking Reference), then validate.",
                pickings=", ".join(missing.mapped("name"))))

    def _action_done(self):
        res = super()._action_done()
        # Whoever validates, the marketplace hears of it: the module's own bookkeeping, as superuser.
        self.sudo()._marketplace_queue_tracking()
        return res

    def _marketplace_is_shipment(self):
        """A delivery to the buyer of a marketplace order whose account sends tracking."""
        self.ensure_one()
        account = self.sale_id.marketplace_account_id
        return bool(account and account.push_tracking and self.picking_type_code == "outgoing"
                    and self.location_dest_id.usage == "customer")

    def _marketplace_queue_tracking(self):
        """Record "tracking to send" as a job: the marketplace is never called while a user
        validates a delivery (a marketplace failure must not block the warehouse)."""
        pickings = self.filtered(lambda picking: picking.state == "done" and picking._marketplace_is_shipment())
        if not pickings:
            return
        jobs = self.env["marketplace.job"]._create_unique([{
            "name": self.env._("Tracking of %(picking)s", picking=picking.name),
            "account_id": picking.sale_id.marketplace_account_id.id,
            "job_type": "push_tracking",
            "dedupe_key": f"tracking:{picking.id}",
            "payload": {"picking_id": picking.id},
            "res_model": picking._name,
            "res_id": picking.id,
        } for picking in pickings])
        self.browse(jobs.mapped("res_id")).marketplace_tracking_state = "to_send"

    def _marketplace_moves_to_report(self):
        """Done moves of marketplace lines that the marketplace was not told about yet: a
        backorder reports only what it shipped itself."""
        self.ensure_one()
        return self.move_ids.filtered(
            lambda move: move.state == "done" and move.quantity > 0 and move.sale_line_id.marketplace_line_ref
            and not move.sale_line_id.marketplace_shipped)

    def write(self, vals):
        res = super().write(vals)
        if vals.get("carrier_tracking_ref"):
            # A tracking job that failed for want of a reference can go now.
            jobs = self.env["marketplace.job"].sudo().search([
                ("dedupe_key", "in", [f"tracking:{picking.id}" for picking in self]),
                ("state", "in", ("failed", "dead"))])
            jobs.action_retry()
        return res

    @guard(STOCK_USER, "write")
    def action_marketplace_label(self):
        """Download the marketplace's shipping label (fetched once, then kept on the delivery).

        Whoever may change the delivery (the warehouse) may fetch its label, without access to the
        marketplace account: the account is used as superuser, and only the label is handed over.

        :raise AccessError: when the user may not change the delivery
        :raise UserError: when the marketplace gives no label
        """
        self.ensure_one()
        label = self._marketplace_fetch_label()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{label.id}?download=true",
            "target": "new",
        }

    @guard(STOCK_USER, "write")
    def action_marketplace_labels(self):
        """The labels of these deliveries in one PDF, to print at once (each fetched once, as
        :meth:`action_marketplace_label`). Deliveries the marketplace gives no label for are named
        in the chatter of each and left out; none at all is an error.

        :raise AccessError: when the user may not change the deliveries
        :raise UserError: when no delivery has a label
        """
        labels, problems = [], []
        for picking in self:
            try:
                labels.append(picking._marketplace_fetch_label())
            except UserError as error:
                problems.append(f"{picking.name}: {error.args[0]}")
        if not labels:
            raise UserError("\n".join(problems) or self.env._("Select deliveries of marketplace orders."))
        batch = self.env["marketplace.label.batch"].sudo().create({
            "file": base64.b64encode(merge_pdf([base64.b64decode(label.datas) for label in labels])),
            "file_name": self.env._("Marketplace labels.pdf"),
            "problems": "\n".join(problems),
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/marketplace.label.batch/{batch.id}/file/{batch.file_name}?download=true",
            "target": "new",
        }

    def _marketplace_fetch_label(self):
        """The label attachment of this delivery, fetched from the marketplace the first time.

        :rtype: ir.attachment (as superuser)
        :raise UserError: not a marketplace delivery, or the marketplace gives no label
        """
        self.ensure_one()
        picking = self.sudo()
        if not picking.marketplace_label_id:
            account = picking.sale_id.marketplace_account_id
            if not account:
                raise UserError(self.env._("%(picking)s is not the delivery of a marketplace order.",
                                           picking=self.name))
            try:
                name, content = account._get_label(picking)
            except MarketplaceError as error:
                message = self.env["marketplace.job"]._describe_error(error)
                picking.marketplace_label_error = message
                raise UserError(self.env._("The marketplace gave no label: %(reason)s", reason=message)) from None
            attachment = self.env["ir.attachment"].sudo().create({
                "name": name,
                "datas": base64.b64encode(content),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            })
            picking.write({"marketplace_label_id": attachment.id, "marketplace_label_error": False})
        return picking.marketplace_label_id
