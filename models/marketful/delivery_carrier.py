from odoo import api, fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    # Carriers' names on the marketplaces are configuration, no marketplace data: whoever reads or
    # duplicates a carrier reads them (the carrier form shows them to marketplace users only).
    marketful_carrier = fields.Selection(
        selection=lambda self: self.env["marketplace.account"]._fields["marketful_carrier"].selection,
        string="Carrier on Marketful", help="Marketful's carrier_name for orders shipped with this carrier.")
    marketful_shipping_type = fields.Selection(
        selection=lambda self: self.env["marketplace.account"]._fields["marketful_shipping_type"].selection,
        help="Marketful's tipo_envio for orders shipped with this carrier.")

    @api.model
    def _marketful_find(self, name, company):
        """The Odoo carrier mapped to Marketful's carrier ``name`` (empty when none is)."""
        if not name:
            return self.browse()
        return self.search([("marketful_carrier", "=ilike", name), ("company_id", "in", (False, company.id))],
                           limit=1)
