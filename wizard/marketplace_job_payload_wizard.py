from odoo import api, fields, models

from ..models.access import MANAGER, check_readable, guard


class MarketplaceJobPayloadWizard(models.TransientModel):
    """A manager's correction of the payload of a job that failed (jobs themselves are read-only:
    the correction goes through :meth:`MarketplaceJob.action_correct_payload`, which records it)."""

    _name = "marketplace.job.payload.wizard"
    _description = "Correct the Payload of a Marketplace Job"

    job_id = fields.Many2one("marketplace.job", required=True, ondelete="cascade")
    payload_text = fields.Text(
        string="Payload", compute="_compute_payload_text", store=True, readonly=False, compute_sudo=False,
        help="The data the job works on, as JSON.")

    @api.constrains("job_id")
    def _check_job_readable(self):
        check_readable(self, "job_id")

    @api.depends("job_id")
    def _compute_payload_text(self):
        for wizard in self:
            wizard.payload_text = wizard.job_id.payload_text

    @guard(MANAGER, "write", related=[("job_id", "read")])
    def action_apply(self):
        """Give the job the corrected payload."""
        self.ensure_one()
        self.job_id.action_correct_payload(self.payload_text)
        return {"type": "ir.actions.act_window_close"}
