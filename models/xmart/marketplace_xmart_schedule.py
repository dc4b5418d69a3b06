from odoo import api, fields, models
from odoo.exceptions import UserError

from .marketplace_xmart_store import WEEKDAY_SELECTION


class XmartSchedule(models.Model):
    """Opening hours of a store for a sales channel."""

    _name = "marketplace.xmart.schedule"
    _description = "X-Mart Store Schedule"
    _order = "store_id, channel_id, sequence, id"

    store_id = fields.Many2one("marketplace.xmart.store", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    channel_id = fields.Many2one("marketplace.xmart.channel", required=True, ondelete="cascade")
    day = fields.Selection(WEEKDAY_SELECTION, required=True, default="MONDAY")
    open_from = fields.Float(string="From", default=8.0)
    open_to = fields.Float(string="To", default=21.0)

    @api.constrains("open_from", "open_to")
    def _check_hours(self):
        for line in self:
            if not 0 <= line.open_from < line.open_to <= 24:
                raise UserError(self.env._("Opening hours go from 00:00 to 24:00 and close after they open."))
