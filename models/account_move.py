import base64

from odoo import fields, models
from odoo.exceptions import UserError

from .res_partner import recipients_without_buyers, subscriptions_without_buyers
from .sale_order import BILLING_OR_MARKETPLACE_USERS


class AccountMove(models.Model):
    _inherit = "account.move"

    # The accountant who posts the invoice of a marketplace order sees whether it was uploaded.
    marketplace_invoice_state = fields.Selection(
        selection=[("to_upload", "To Upload"), ("uploaded", "Uploaded")],
        string="Marketplace Upload", readonly=True, copy=False, groups=BILLING_OR_MARKETPLACE_USERS)
    marketplace_invoice_error = fields.Text(
        string="Upload Problem", compute="_compute_marketplace_invoice_error", groups=BILLING_OR_MARKETPLACE_USERS,
        help="Why the upload of this invoice to the marketplace failed (its job retries, or waits for a person).")

    def _compute_marketplace_invoice_error(self):
        jobs = self.env["marketplace.job"].sudo().search_fetch([
            ("job_type", "=", "upload_invoice"), ("res_model", "=", self._name), ("res_id", "in", self.ids),
            ("state", "in", ("failed", "dead"))], ["res_id", "last_error"], order="id")
        errors = {job.res_id: job.last_error for job in jobs}
        for move in self:
            move.marketplace_invoice_error = (move.marketplace_invoice_state == "to_upload"
                                              and errors.get(move._origin.id)) or False

    # -- Odoo never contacts marketplace buyers (models/res_partner.py says how) ---------------

    def _marketplace_buyers(self):
        """The commercial partners of the buyers of the marketplace orders these moves invoice, and
        of the moves' partners (empty for invoices of hand-made orders only)."""
        moves = self.sudo().filtered(lambda move: move.is_sale_document(include_receipts=True)
                                     and move.line_ids.sale_line_ids.order_id.marketplace_account_id)
        return moves.line_ids.sale_line_ids.order_id._marketplace_buyers() | moves.partner_id.commercial_partner_id

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # In Odoo's flows that say so (NO_BUYER_FOLLOWERS), the buyer does not follow the invoice.
        groups = subscriptions_without_buyers(self, partner_ids)
        if groups is None:
            return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)
        for moves, partners in groups:
            if partners or subtype_ids:
                super(AccountMove, moves).message_subscribe(partner_ids=partners, subtype_ids=subtype_ids)
        return True

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        return recipients_without_buyers(self, recipients)

    def _post(self, soft=True):
        # Posting subscribes the customer, as in Odoo (a buyer the seller made a portal user reads the
        # invoice of an order shared with him): what is posted on it never reaches a marketplace buyer.
        posted = super()._post(soft=soft)
        # Whoever posts, the upload is queued: the module's own bookkeeping, as superuser.
        posted.sudo()._marketplace_queue_upload()
        return posted

    def _marketplace_orders(self):
        self.ensure_one()
        return self.invoice_line_ids.sale_line_ids.order_id.filtered(
            lambda order: order.marketplace_account_id.upload_invoices)

    def _marketplace_queue_upload(self):
        """Record "invoice to upload" as a job (never call the marketplace while posting)."""
        Job = self.env["marketplace.job"].sudo()
        pairs = [(invoice, order) for invoice in self.filtered(lambda move: move.move_type == "out_invoice")
                 for order in invoice._marketplace_orders()]
        if not pairs:
            return
        taken = {(job.account_id.id, job.dedupe_key) for job in Job.search_fetch(
            [("dedupe_key", "in", [f"invoice:{order.marketplace_order_ref}" for _invoice, order in pairs])],
            ["account_id", "dedupe_key"])}
        values = []
        for invoice, order in pairs:
            key = (order.marketplace_account_id.id, f"invoice:{order.marketplace_order_ref}")
            if key in taken:
                continue
            taken.add(key)
            values.append({
                "name": self.env._("Invoice %(invoice)s of order %(order)s", invoice=invoice.name,
                                   order=order.marketplace_order_number or order.name),
                "account_id": key[0],
                "job_type": "upload_invoice",
                "dedupe_key": key[1],
                "payload": {"move_id": invoice.id, "order_ref": order.marketplace_order_ref,
                            "order_number": order.marketplace_order_number},
                "res_model": invoice._name,
                "res_id": invoice.id,
            })
            invoice.marketplace_invoice_state = "to_upload"
        if values:
            Job.create(values)
            self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")._trigger()

    def _marketplace_invoice_pdf(self):
        """The invoice's PDF: the one Odoo already generated (sent or printed), else rendered
        now and kept as the invoice's PDF, as sending it would."""
        self.ensure_one()
        if self.invoice_pdf_report_id:
            content = self.invoice_pdf_report_id.raw
        else:
            content, _kind = self.env["ir.actions.report"]._render_qweb_pdf("account.account_invoices", self.ids)
            if content and content.startswith(b"%PDF"):
                self.invoice_pdf_report_file = base64.b64encode(content)
        if not content or not content.startswith(b"%PDF"):
            raise UserError(self.env._(
                "Odoo could not make a PDF of invoice %(invoice)s (is wkhtmltopdf installed on the server?).",
                invoice=self.name))
        return content

