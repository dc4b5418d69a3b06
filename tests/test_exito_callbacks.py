import base64
import json

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import file_path

from .common import EXITO_TOKEN, EXITO_URL

SEED_AUTH = "Basic dXNlcm5hbWU6cGFzc3dvcmQ="  # the seed's own header: username:password


def fixture(name):
    with open(file_path(f"marketplace_connector/marketplaces/tests/fixtures/{name}"), encoding="utf-8") as handle:
        return json.load(handle)


@tagged("post_install", "-at_install")
class TestExitoCallbacks(HttpCase):
    """Éxito calls notifyproduct and notifyoffer with Basic auth; the module stores a job and
    answers at once, the job runner applies it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["marketplace.account"].create({
            "name": "Éxito callbacks", "marketplace": "exito", "api_url": EXITO_URL, "api_token": EXITO_TOKEN,
            "callback_username": "username", "callback_password": "password"})
        products = cls.env["product.product"].create([
            {"name": f"Product {sku}", "barcode": ean, "default_code": sku}
            for ean, sku in (("IZ20000062863", "1994"), ("IZ20000062862", "1992"), ("7701410118349", "X1"),
                             ("7701410118035", "X2"))])
        cls.listings = cls.env["marketplace.listing"].create([
            {"account_id": cls.account.id, "product_id": product.id, "state": "pending"} for product in products])
        cls.Job = cls.env["marketplace.job"]

    def call(self, kind, body, auth=SEED_AUTH, token=None):
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = auth
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        url = f"{self.base_url()}/marketplace/exito/{token or self.account.callback_token}/{kind}"
        return self.opener.patch(url, data=data, headers=headers, timeout=20)

    def jobs(self):
        return self.Job.search([("account_id", "=", self.account.id)])

    def run_jobs(self):
        self.Job._run_due_jobs(account_ids=self.account.ids)

    def listing(self, ean):
        return self.listings.filtered(lambda listing: listing.ean == ean)

    def test_moderation_results_update_the_listings(self):
        response = self.call("notifyproduct", fixture("exito_notifyproduct_rejected.json"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.jobs().job_type, "product_callback")
        self.run_jobs()
        self.assertRecordValues(self.listing("IZ20000062863") | self.listing("IZ20000062862"), [
            {"state": "rejected", "moderation_reason": "Nombre no válido"},
            {"state": "rejected", "moderation_reason": "Nombre no válido"}])
        self.assertIn("Nombre no válido", self.account.activity_ids.note, "the responsible is told")

        self.call("notifyproduct", fixture("exito_notifyproduct_approved.json"))
        self.run_jobs()
        self.assertEqual(self.listing("IZ20000062863").state, "published")
        self.assertTrue(self.listing("IZ20000062863").moderation_date)

    def test_a_replayed_callback_is_answered_and_stored_once(self):
        body = fixture("exito_notifyproduct_approved.json")
        self.assertEqual(self.call("notifyproduct", body).status_code, 200)
        self.assertEqual(self.call("notifyproduct", body).status_code, 200)
        self.assertEqual(len(self.jobs()), 1)

    def test_the_same_results_after_a_later_push_are_applied_again(self):
        body = fixture("exito_notifyoffer_ok.json")
        listing = self.listing("7701410118349")
        listing.write({"offer_state": "sent", "offer_date": "2026-12-01 10:00:00"})
        self.call("notifyoffer", body)
        self.run_jobs()
        self.assertEqual(listing.offer_state, "active")
        listing.write({"offer_state": "sent", "offer_date": "2026-12-02 10:00:00"})  # the offer was sent again since
        self.env.flush_all()  # the HTTP request reads the database
        self.assertEqual(self.call("notifyoffer", body).status_code, 200)
        self.run_jobs()
        self.assertEqual(listing.offer_state, "active")
        self.assertEqual(len(self.jobs()), 2, "an answer to a later push is a new delivery")

    def test_a_replayed_callback_changes_nothing_once_applied(self):
        body = fixture("exito_notifyproduct_rejected.json")
        self.assertEqual(self.call("notifyproduct", body).status_code, 200)
        self.run_jobs()
        job = self.jobs()
        self.assertEqual(job.state, "done")
        note = self.account.activity_ids.note
        self.assertEqual(note.count("Nombre no válido"), 2, "one line per rejected listing")
        for _replay in range(2):
            self.assertEqual(self.call("notifyproduct", body).status_code, 200)
            self.run_jobs()
        self.assertEqual(self.jobs(), job)
        self.assertRecordValues(job, [{"state": "done", "attempts": 1}])
        self.assertEqual(self.account.activity_ids.note, note, "the same rejection is not added again")

    def test_a_callback_with_nothing_to_apply_is_refused(self):
        for body in ([], b"[]", b" [ ] "):
            self.assertEqual(self.call("notifyproduct", body).status_code, 400)
            self.assertEqual(self.call("notifyoffer", body).status_code, 400)
        self.assertFalse(self.jobs())

    def test_offer_results_update_the_listings(self):
        self.assertEqual(self.call("notifyoffer", fixture("exito_notifyoffer_ok.json")).status_code, 200)
        self.assertEqual(self.call("notifyoffer", fixture("exito_notifyoffer_ko.json")).status_code, 200)
        self.run_jobs()
        self.assertEqual(self.listing("7701410118349").offer_state, "active")
        refused = self.listing("7701410118035")
        self.assertEqual(refused.offer_state, "error")
        self.assertEqual(refused.offer_message, "DiscountPrice is lower than Price.; PromiseDelivery is not correct.")
        self.assertIn("PromiseDelivery", self.account.activity_ids.note)

    def test_wrong_or_missing_credentials_are_refused_and_change_nothing(self):
        body = fixture("exito_notifyproduct_approved.json")
        wrong = "Basic " + base64.b64encode(b"username:wrong").decode()
        for auth in (wrong, None, "Bearer x", "Basic !!!"):
            response = self.call("notifyproduct", body, auth=auth)
            self.assertEqual(response.status_code, 401, auth)
        self.assertEqual(self.call("notifyproduct", body, token="not-the-token").status_code, 404)
        self.assertFalse(self.jobs())

    def test_an_account_without_credentials_refuses_every_callback(self):
        self.account.write({"callback_username": False, "callback_password": False})
        response = self.call("notifyoffer", fixture("exito_notifyoffer_ok.json"))
        self.assertEqual(response.status_code, 401, "fails closed")
        self.assertFalse(self.jobs())

    def test_bodies_that_are_not_json_or_too_large_or_of_the_wrong_shape_get_a_4xx(self):
        self.assertEqual(self.call("notifyproduct", b"{not json").status_code, 400)
        self.assertEqual(self.call("notifyproduct", {"Ean": "x"}).status_code, 400)
        self.assertEqual(self.call("notifyproduct", [{"Ean": "x", "Response": "Quizás"}]).status_code, 400)
        self.assertEqual(self.call("notifyoffer", [{"Message": "OK"}]).status_code, 400)
        self.assertEqual(self.call("notifyoffer", b"[" + b" " * (2 * 1024 * 1024) + b"]").status_code, 413)
        self.assertFalse(self.jobs())
        self.assertEqual(set(self.listings.mapped("state")), {"pending"})

    def test_an_approved_product_without_ean_takes_the_one_exito_assigned(self):
        product = self.env["product.product"].create({"name": "Variant without barcode", "default_code": "NOEAN-1"})
        listing = self.env["marketplace.listing"].create(
            {"account_id": self.account.id, "product_id": product.id, "state": "pending"})
        self.assertFalse(listing.ean)
        self.call("notifyproduct", [{"Ean": "IZ20000099999", "SellerSku": "NOEAN-1", "Response": "Aprobado",
                                     "Comment": "", "Reason": "", "IsUpdating": False}])
        self.run_jobs()
        self.assertRecordValues(listing, [{"state": "published", "ean": "IZ20000099999"}])
