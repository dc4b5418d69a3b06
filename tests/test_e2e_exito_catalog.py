"""End to end over real HTTP: the module publishes products and offers to the sandbox, and the
sandbox plays Éxito's side of the callbacks (moderation and offer results) into Odoo."""

import requests

from odoo import Command, fields
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
        self.configure_callbacks()

    def configure_callbacks(self):
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
        # Éxito fetches the image without credentials: a public JPEG.
        image = requests.get(body[0]["ImageUrl1"], timeout=10)
        self.assertEqual((image.status_code, image.content[:2]), (200, b"\xff\xd8"))
        self.assertTrue(body[0]["ImageUrl1"].endswith(".jpg"))

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

    def test_clothing_variants_and_a_combo_with_custom_city_offers(self):
        self.sandbox.post("/_sandbox/reset", {"seed": 3, "exito": {"orders": 0, "live_catalog": True}})
        self.configure_callbacks()
        size, colour = self.env["product.attribute"].create([
            {"name": "Talla E2E", "value_ids": [Command.create({"name": "M"})]},
            {"name": "Color E2E", "value_ids": [Command.create({"name": name}) for name in ("Rojo", "Azul", "Blanco")]},
        ])
        template = self.env["product.template"].create({
            "name": "Blusa Polo Deportiva", "image_1920": IMAGE, "weight": 1, "list_price": 59900,
            "is_storable": True, "attribute_line_ids": [
                Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]}),
                Command.create({"attribute_id": colour.id, "value_ids": [Command.set(colour.value_ids.ids)]})]})
        for number, variant in enumerate(template.product_variant_ids):
            variant.write({"barcode": f"92051476942{number:02d}", "default_code": f"BLUSA-{number}", "weight": 0.3})
        combo = self.env["product.product"].create({
            "name": "Combo parlante y cargadores", "barcode": "2365477746910", "default_code": "COMBO-E2E",
            "list_price": 300000, "image_1920": IMAGE, "weight": 2, "is_storable": True})
        stock = self.account.warehouse_id.lot_stock_id
        for product in template.product_variant_ids | combo:
            self.env["stock.quant"]._update_available_quantity(product, stock, 4)
        self.account.write({"exito_size_attribute_id": size.id, "exito_color_attribute_id": colour.id,
                            "exito_dane_code": "18001000", "exito_dispatch_address": "Calle Oscura"})
        Listing = self.env["marketplace.listing"]
        listings = Listing.create([{
            "account_id": self.account.id, "product_id": variant.id, "exito_product_type": "Clothing",
            "parent_reference": "BlusaPolo", "exito_category": "50031", "brand": "POLO",
            "keywords": "blusa,deporte,fit,polo"} for variant in template.product_variant_ids])
        listings |= Listing.create({
            "account_id": self.account.id, "product_id": combo.id, "exito_category": "27193", "brand": "GENERICA",
            "keywords": "combo,parlante,cargador",
            "component_ids": [Command.create({"product_id": self.speaker.id, "quantity": 1}),
                              Command.create({"product_id": self.charger.id, "quantity": 2})]})

        listings.action_publish()
        self.run_until_done("poll_products")
        [body] = self.sent("POST", "/products-massive/")
        clothing_seed = fixture("exito_product_clothing.json")
        combo_seed = fixture("exito_product_combo.json")[0]
        self.assertEqual([set(entry) for entry in body[:3]], [set(clothing_seed[0])] * 3, "clothing fields")
        self.assertEqual([(entry["ParentReference"], entry["Size"], entry["Color"]) for entry in body[:3]],
                         [("BlusaPolo", "M", "Rojo"), ("BlusaPolo", "M", "Azul"), ("BlusaPolo", "M", "Blanco")])
        self.assertEqual(set(body[3]), set(combo_seed), "combo fields")
        self.assertEqual(body[3]["EanCombo"], "7701234500023,7701234500030")
        for entry, seed in zip(body, [*clothing_seed, combo_seed], strict=True):
            both = [key for key, value in entry.items() if value is not None and seed[key] is not None]
            self.assertEqual({key: type(entry[key]) for key in both}, {key: type(seed[key]) for key in both},
                             "the seed's types")
        self.assertEqual(set(listings.mapped("state")), {"pending"})

        answer = self.sandbox.post("/_sandbox/exito/moderate", {"items": [
            {"seller_sku": sku} for sku in listings.mapped("seller_sku")]})
        self.assertEqual(answer["status"], 200)
        self.run_jobs()  # moderation applied, offers queued at once and sent
        self.assertEqual(set(listings.mapped("state")), {"published"})
        [offers] = self.sent("PATCH", "/OfferExternal")
        rows = offers["ListOffers"]
        city_seed = fixture("exito_offer_custom_city.json")["ListOffers"][0]
        self.assertEqual([set(row) for row in rows[:3]], [set(city_seed)] * 3, "custom-city offer fields")
        self.assertEqual({(row["DaneCode"], row["Address"]) for row in rows[:3]}, {("18001000", "Calle Oscura")})
        component_seed = fixture("exito_offer_combo.json")["ListOffers"][1]
        self.assertEqual(rows[3]["EAN"], "2365477746910")
        self.assertEqual([set(row) for row in rows[4:]], [set(component_seed)] * 2, "combo component fields")
        remote = {offer["EAN"]: offer for offer in self.sandbox.get("/_sandbox/exito/offers")}
        self.assertEqual(set(remote), set(listings.mapped("ean")), "every offer applied, the combo included")
