from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    exito_carrier_name = fields.Char(
        string="Name on Éxito", help="The carrier's name as Éxito knows it, sent with tracking numbers.")
