import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..marketplaces.base import MarketplaceError
from ..marketplaces.xmart import onboarding
from ..models.access import MANAGER, check_readable, guard


class XmartImportWizard(models.TransientModel):
    """Import cities, sectors or coverage zones from the files the admin prepared for X-Mart."""

    _name = "marketplace.xmart.import.wizard"
    _description = "Import X-Mart Onboarding Data"

    account_id = fields.Many2one("marketplace.account", required=True, domain="[('marketplace', '=', 'xmart')]")
    kind = fields.Selection(
        selection=[("city", "Cities (CSV)"), ("sector", "Sectors (CSV)"), ("zone", "Coverage Zones (KML, KMZ, CSV)")],
        required=True, default="zone")
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()

    @api.constrains("account_id")
    def _check_account_readable(self):
        check_readable(self, "account_id")

    @guard(MANAGER, "write", related=[("account_id", "write")])
    def action_import(self):
        """Import the file into the account's cities, sectors or zones."""
        self.ensure_one()
        content = base64.b64decode(self.file or b"")
        try:
            if self.kind == "zone":
                count = self.account_id._xmart_import_zones(onboarding.parse_zones(self.filename or "", content))
            else:
                count = self.account_id._xmart_import_places(self.kind, onboarding.parse_places(content, self.kind))
        except MarketplaceError as error:
            raise UserError(self.env["marketplace.job"]._describe_error(error)) from None
        return self.account_id._notification(
            self.env._("Import done"), self.env._("%(count)s records imported or updated.", count=count), "success")
