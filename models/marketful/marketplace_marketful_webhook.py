from odoo import api, fields, models


class MarketplaceMarketfulWebhook(models.Model):
    """A webhook registered on Marketful, as Marketful lists it."""

    _name = "marketplace.marketful.webhook"
    _description = "Marketful Webhook"
    _order = "topic, id"
    _check_company_auto = True

    account_id = fields.Many2one("marketplace.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    webhook_id = fields.Char(string="Webhook ID", readonly=True)
    topic = fields.Char(readonly=True)
    url = fields.Char(string="URL", readonly=True, groups="base.group_system",
                      help="Where Marketful sends the topic; Odoo's URLs carry the account's token.")
    is_odoo = fields.Boolean(string="Points to Odoo", compute="_compute_is_odoo")

    @api.depends("url", "topic", "account_id")
    def _compute_is_odoo(self):
        for webhook in self.sudo():
            webhook.is_odoo = webhook.url == webhook.account_id.sudo()._marketful_webhook_url(webhook.topic)
