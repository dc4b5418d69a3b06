from odoo import fields, models

from ...marketplaces.xmart.records import Channel, ListRef


class XmartChannel(models.Model):
    """A sales channel of a brand (X-Mart's channel) and the lists it sells."""

    _name = "marketplace.xmart.channel"
    _description = "X-Mart Sales Channel"
    _order = "brand_id, name"
    _check_company_auto = True

    account_id = fields.Many2one("marketplace.account", required=True, index=True, ondelete="cascade",
                                 domain="[('marketplace', '=', 'xmart')]")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    xmart_id = fields.Char(string="Channel ID", required=True,
                           help="The channel's id on X-Mart (chosen by the seller when it is created).")
    name = fields.Char(required=True)
    reference_name = fields.Char(help="X-Mart's channelReferenceName.")
    brand_id = fields.Many2one("marketplace.xmart.brand", required=True, check_company=True)
    list_ids = fields.One2many("marketplace.xmart.list", "channel_id", string="Lists")

    _sql_constraints = [("account_xmart_uniq", "unique(account_id, xmart_id)", "Channel ids are unique per account.")]

    def _xmart_record(self):
        self.ensure_one()
        return Channel(channel_id=self.xmart_id, name=self.name, vendor_id=self.brand_id.identifier,
                       reference_name=self.reference_name or self.name,
                       lists=[ListRef(list_id=lst.xmart_id, list_name=lst.name)
                              for lst in self.list_ids if lst.xmart_id])
