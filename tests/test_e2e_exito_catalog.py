"""End to end over real HTTP: the module publishes products and offers to the sandbox, and the
sandbox plays Éxito's side of the callbacks (moderation and offer results) into Odoo."""

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import MarketplaceCase, Sandbox
from .test_exito_catalog import IMAGE, fixture


@tagged("post_install", "-at_install")
class TestExitoCatalogEndToEnd(HttpCase, MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox("--exito-token", "e2e-token")
        cls.addClassCleanup(cls.sandbox.stop)
        cls.account.write({"api_url": cls.sandbox.exito_url, "api_token": "e2e-token",
                           "callback_username": "exito", "callback_password": "s3cret-e2e",
                           "exito_freight_cost": 25000, "exito_warranty": 12})
        cls.camera = cls.env["product.product"].create({
            "name": "Camara deportiva", "barcode": "9205147694107", "default_code": "1992", "list_price": 500000,
            "description_sale": "La mejor camara del mundo", "weight": 1, "image_1920": IMAGE, "is_storable": True})
        cls.env["stock.quant"]._update_available_quantity(cls.camera, cls.account.warehouse_id.lot_stock_id, 8)
        cls.listing = cls.env["marketplace.listing"].create({
            "account_id": cls.account.id, "product_id": cls.camera.id, "exito_category": "27193",
            "brand": "ADIDAS", "keywords": "camara,deportes,adidas,tecnologia"})

    def setUp(self):
        super().setUp()
        self.http.stop()  # real HTTP here: no mocks
        self.sandbox.post("/_sandbox/reset", {"seed": 3, "exito": {"orders": 0}})
        prefix = f"{self.base_url()}/marketplace/exito/{self.account.callback_token}"
        self.sandbox.post("/_sandbox/exito/callbacks", {
            "notifyproduct_url": f"{prefix}/notifyproduct", "notifyoffer_url": f"{prefix}/notifyoffer",
            "username": "exito", "password": "s3cret-e2e", "auto": False})

    def run_until_done(self, job_type, rounds=6):
        """Run the queue as the scheduler would, making waiting jobs due at once."""
        for _round in range(rounds):
            self.run_jobs()
            waiting = self.jobs_of(job_type).filtered(lambda job: job.state == "pending")
            if not waiting:
                return
            waiting.next_attempt_date = fields.Datetime.now()
        self.fail(f"{job_type} jobs did not finish")

    def sent(self, method, path):
        return [entry["body"] for entry in self.sandbox.get("/_sandbox/requests")
                if entry["method"] == method and entry["path"].endswith(path)]

    def test_publish_moderate_offer_and_price_approval(self):
        # Specifications of the category, from the sandbox; the required one must be filled.
        self.listing.action_load_specs()
        warranty = self.listing.spec_ids.filtered(lambda spec: spec.name == "Garantía")
        self.assertTrue(warranty.required)
        warranty.value = "1 año"

        self.listing.action_publish()
        self.run_until_done("poll_products")
        [body] = self.sent("POST", "/products-massive/")
        seed = fixture("exito_product_technology.json")[0]
        self.assertEqual(set(body[0]), set(seed), "the seed's field names")
        self.assertEqual({key: type(value) for key, value in body[0].items() if value is not None},
                         {key: type(value) for key, value in seed.items() if value is not None and key in body[0]
                          and body[0][key] is not None}, "the seed's types")
        self.assertEqual(self.listing.state, "pending")
        self.assertEqual(self.jobs_of("poll_products").state, "done")

        # Éxito's content team approves: the sandbox calls notifyproduct with Basic auth.
        answer = self.sandbox.post("/_sandbox/exito/moderate", {"items": [{"seller_sku": "1992"}]})
        self.assertEqual(answer["status"], 200)
        # Approval queues the offer at once; the sandbox then notifies the result. Callbacks are
        # held until the runner is idle: HttpCase's server shares the test's database cursor.
        self.sandbox.post("/_sandbox/exito/callbacks", {"auto": True, "hold": True})
        self.run_jobs()
        self.assertEqual(self.listing.state, "published")
        [offer] = self.sandbox.get("/_sandbox/exito/offers")
        self.assertEqual((offer["EAN"], float(offer["Price"]), int(offer["Stock"])), ("9205147694107", 500000, 8))
        [sent] = self.sent("PATCH", "/OfferExternal")
        seed_row = fixture("exito_offer_individual.json")["ListOffers"][0]
        self.assertEqual(set(sent["ListOffers"][0]), set(seed_row), "the seed's offer fields")
        [flushed] = self.sandbox.post("/_sandbox/exito/callbacks/flush", {})
        self.assertEqual((flushed["kind"], flushed["status"]), ("offer", 200))
        self.run_jobs()
        self.assertEqual(self.listing.offer_state, "active")

        # A price change over 30%: Éxito asks (PEX), the user approves, it goes with PriceApproval.
        self.camera.list_price = 900000
        self.account._queue_changed_offers()
        self.run_jobs()
        self.assertEqual(self.listing.offer_state, "needs_approval")
        self.assertEqual(float(self.sandbox.get("/_sandbox/exito/offers")[0]["Price"]), 500000, "not applied")
        self.listing.action_approve_price()
        self.run_jobs()
        self.assertEqual(self.sent("PATCH", "/OfferExternal")[-1]["PriceApproval"], 1)
        self.assertEqual(float(self.sandbox.get("/_sandbox/exito/offers")[0]["Price"]), 900000)
        self.assertEqual(self.listing.offer_price, 900000)
