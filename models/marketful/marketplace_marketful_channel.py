from odoo import fields, models


class MarketplaceMarketfulChannel(models.Model):
    """The sales channel name (Marketful's ``canal``) of the orders of a sales team or of another
    marketplace account, when they ship from the Marketful warehouse."""

    _name = "marketplace.marketful.channel"
    _description = "Marketful Sales Channel"
    _order = "sequence, id"
    _check_company_auto = True

    account_id = fields.Many2one("marketplace.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Channel on Marketful", required=True, help="Marketful's canal, e.g. Shopify.")
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True)
    source_account_id = fields.Many2one(
        "marketplace.account", string="Orders of Account", check_company=True,
        help="Orders imported from this marketplace account go to Marketful under this channel.")
