import requests

from odoo.tests import TransactionCase, new_test_user, tagged

from ..marketplaces.base import TransientError, _
from .common import EXITO_ORDERS_URL, MarketplaceCase


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


@tagged("post_install", "-at_install")
class TestJobErrorsInTheReadersLanguage(MarketplaceCase):
    """A job's error is shown in the language of whoever reads it, whatever the language of the
    runner that recorded it."""

    def test_a_marketplace_error_reads_in_spanish_for_a_spanish_user_and_in_english_for_others(self):
        self.env["res.lang"]._activate_lang("es_CO")
        self.env["ir.module.module"]._load_module_terms(["marketplace_connector"], ["es_CO"])
        self.http.get(EXITO_ORDERS_URL, body=requests.exceptions.ReadTimeout("slow"))
        self.account.with_context(lang="en_US").action_import_orders()
        job = self.jobs_of("fetch_orders")
        self.assertEqual(job.state, "failed")
        self.assertIn("did not answer within", job.last_error, "stored as the runner wrote it")
        spanish = new_test_user(self.env, "mc_lector", groups="marketplace_connector.group_marketplace_user",
                                lang="es_CO")
        self.assertRegex(job.with_user(spanish).with_context(lang=spanish.lang).error_message,
                         r"^Éxito.* no respondió en \d+ segundos\.$")
        self.assertIn("did not answer within", job.with_context(lang="en_US").error_message)
