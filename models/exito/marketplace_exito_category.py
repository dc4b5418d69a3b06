from odoo import api, fields, models


class MarketplaceExitoCategory(models.Model):
    """An Éxito category an account works with: its id on Éxito (what listings send) and a label.
    Loading a category's specifications on a listing remembers it here, so that the next listings
    choose it by name instead of typing a bare number; typing a new id creates one."""

    _name = "marketplace.exito.category"
    _description = "Éxito Category"
    _order = "code"
    _rec_name = "code"
    _rec_names_search = ["code", "name"]
    _check_company_auto = True

    account_id = fields.Many2one(
        "marketplace.account", required=True, index=True, ondelete="cascade", check_company=True,
        domain="[('marketplace', '=', 'exito')]")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True, precompute=True)
    code = fields.Char(string="Éxito Category ID", required=True, help="The category's id on Éxito (e.g. 27193).")
    name = fields.Char(string="Label", help="The category's name, from its specifications when they were loaded.")

    _sql_constraints = [
        ("account_code_uniq", "unique(account_id, code)", "This Éxito category is already known for the account."),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for category in self:
            category.display_name = f"{category.code} {category.name}" if category.name else category.code

    @api.model
    def _remember(self, account, code, name=None):
        """The account's category ``code``, created when new; ``name`` replaces an empty label.

        :return: the ``marketplace.exito.category``
        """
        category = self.sudo().search([("account_id", "=", account.id), ("code", "=", code)], limit=1)
        if not category:
            category = self.sudo().create({"account_id": account.id, "code": code, "name": name or False})
        elif name and not category.name:
            category.name = name
        return category.sudo(self.env.su)
