from odoo import fields, models


class MarketplaceXstakLocation(models.Model):
    """An XStak OMS location whose sales orders ship from an Odoo warehouse."""

    _name = "marketplace.xstak.location"
    _description = "XStak Location"
    _check_company_auto = True

    account_id = fields.Many2one("marketplace.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    location_id = fields.Char(string="Location ID", required=True, help="XStak's locationId.")
    location_code = fields.Integer(help="XStak's location_code, when it has one.")
    warehouse_id = fields.Many2one("stock.warehouse", required=True, check_company=True)

    _sql_constraints = [
        ("account_location_uniq", "unique(account_id, location_id)", "This XStak location is already mapped."),
    ]
