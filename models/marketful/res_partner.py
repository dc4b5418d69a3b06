from odoo import models

from ...marketplaces.marketful import mapping as marketful_mapping
from .sale_order import ADDRESS_FIELDS


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _marketful_address(self):
        """Street, exterior and interior numbers and colonia as Marketful wants them.

        With Odoo's extended addresses (``base_address_extended``) the numbers come from their
        fields; otherwise they are read from the end of the street line. The colonia is the
        Mexican localization's colony when installed, else the second street line.
        """
        self.ensure_one()
        if "street_name" in self._fields and self.street_name:
            street, exterior, interior = self.street_name, self.street_number or "", self.street_number2 or ""
        else:
            parts = marketful_mapping.split_street(self.street or "")
            street, exterior, interior = parts.street, parts.exterior, parts.interior
        colonia = self.l10n_mx_edi_colony if "l10n_mx_edi_colony" in self._fields else ""
        return {"street": street or "", "exterior": exterior or "", "interior": interior or "",
                "colonia": colonia or self.street2 or ""}

    def write(self, vals):
        res = super().write(vals)
        if ADDRESS_FIELDS & set(vals):
            # Orders that waited for a complete address go to Marketful at once.
            orders = self.env["sale.order"].sudo().search(
                [("marketful_state", "=", "to_send"), ("partner_shipping_id", "in", self.ids)])
            if orders:
                self.env["marketplace.job"].sudo().search([
                    ("dedupe_key", "in", [f"fulfillment:{order.id}" for order in orders]),
                    ("state", "in", ("failed", "dead"))]).action_retry()
        return res
