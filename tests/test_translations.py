from odoo.tests import TransactionCase, tagged

from ..marketplaces.base import TransientError, _


@tagged("post_install", "-at_install")
class TestSpanish(TransactionCase):
    """A Colombian user sees the module in Spanish, client errors included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_CO")
        cls.env["ir.module.module"]._load_module_terms(["marketplace_connector"], ["es_CO"])

    def test_client_errors_are_translated_where_they_are_shown(self):
        error = TransientError(_("%(marketplace)s did not answer within %(seconds)s seconds."), code="timeout",
                               marketplace="Éxito", seconds="30")
        self.assertEqual(str(error), "Éxito did not answer within 30 seconds.")
        message = self.env["marketplace.job"].with_context(lang="es_CO")._describe_error(error)
        self.assertEqual(message, "Éxito no respondió en 30 segundos.")

    def test_labels_are_translated(self):
        fields = self.env["marketplace.account"].with_context(lang="es_CO").fields_get(["auto_confirm"])
        self.assertEqual(fields["auto_confirm"]["string"], "Confirmar órdenes")
