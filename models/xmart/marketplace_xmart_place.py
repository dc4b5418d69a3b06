from odoo import fields, models


class XmartPlaceMixin(models.AbstractModel):
    """What X-Mart's onboarding records share: an account, a company, a name."""

    _name = "marketplace.xmart.place"
    _description = "X-Mart Onboarding Record"
    _check_company_auto = True

    account_id = fields.Many2one("marketplace.account", required=True, index=True, ondelete="cascade",
                                 domain="[('marketplace', '=', 'xmart')]")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    name = fields.Char(required=True)
