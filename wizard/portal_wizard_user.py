from odoo import models
from odoo.exceptions import UserError


class PortalWizardUser(models.TransientModel):
    """Odoo never invites a marketplace buyer to its portal (the invitation is a mail): the
    marketplace owns the relation with its buyers. A partner the seller also sells to directly (a
    hand-made order) may be invited as usual."""

    _inherit = "portal.wizard.user"

    def action_grant_access(self):
        self._marketplace_refuse_buyers()
        return super().action_grant_access()

    def action_invite_again(self):
        self._marketplace_refuse_buyers()
        return super().action_invite_again()

    def _marketplace_refuse_buyers(self):
        """:raise UserError: when a partner of ``self`` is known only as a marketplace buyer"""
        buyers = self.partner_id._marketplace_only_buyers()
        if buyers:
            raise UserError(self.env._(
                "%(partners)s bought through a marketplace only: Odoo does not contact marketplace buyers, "
                "so it does not invite them to the portal.", partners=", ".join(buyers.mapped("display_name"))))
