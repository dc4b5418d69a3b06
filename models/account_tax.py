from odoo import api, models


class AccountTax(models.Model):
    _inherit = "account.tax"

    @api.model
    def _marketplace_price_included(self, taxes):
        """The taxes to use on a line whose price includes taxes: each tax that is not
        included in the price is replaced by its included twin, created once when missing
        (same amount, group and repartition, hence the same accounts and tax report lines).

        :param taxes: ``account.tax`` records of one line
        :return: ``account.tax`` records, all included in the price
        """
        result = self.browse()
        for tax in taxes:
            if tax.price_include or tax.amount_type == "group":
                result |= tax
                continue
            twin = self.with_context(active_test=False).search([
                ("company_id", "=", tax.company_id.id),
                ("type_tax_use", "=", tax.type_tax_use),
                ("amount_type", "=", tax.amount_type),
                ("amount", "=", tax.amount),
                ("tax_group_id", "=", tax.tax_group_id.id),
                ("country_id", "=", tax.country_id.id),
                ("price_include_override", "=", "tax_included"),
            ], limit=1)
            if not twin:
                twin = tax.sudo().copy({
                    "name": self.env._("%(tax)s (included in price)", tax=tax.name),
                    "price_include_override": "tax_included",
                })
            result |= twin
        return result
