from odoo import api, models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_sending_method(self, move):
        # The marketplace gives the buyer the invoice (Éxito: uploaded with the order): Odoo downloads it.
        if move._marketplace_buyers():
            return "manual"
        return super()._get_default_sending_method(move)

    @api.model
    def _is_applicable_to_move(self, method, move):
        if method == "email" and move._marketplace_buyers():
            return False
        return super()._is_applicable_to_move(method, move)
