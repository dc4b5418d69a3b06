from odoo import fields, models


class MarketplaceLabelBatch(models.TransientModel):
    """The labels of several marketplace deliveries merged into one PDF, kept until Odoo vacuums
    transient records (``stock.picking.action_marketplace_labels``)."""

    _name = "marketplace.label.batch"
    _description = "Marketplace Labels"

    file = fields.Binary(readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)
    problems = fields.Text(readonly=True, help="Deliveries left out, and why.")
