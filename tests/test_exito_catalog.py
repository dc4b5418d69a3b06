import base64
import json

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import EXITO_URL, MarketplaceCase

PRODUCTS_URL = f"{EXITO_URL}/products-massive/"
STATUS_URL = f"{EXITO_URL}/products-massive/status"
# A 1x1 JPEG: products need an image to be published.
IMAGE = base64.b64encode(bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f"
    "1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000"
    "010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105"
    "122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a4344454647"
    "48494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3"
    "b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00"
    "fbd3ffd9"))


def fixture(name):
    with open(file_path(f"marketplace_connector/marketplaces/tests/fixtures/{name}"), encoding="utf-8") as handle:
        return json.load(handle)


def status(value, notify=()):
    detail = {"Data": {"TotalProcess": 0, "Error": len(notify), "Successful": 0, "ProductNotify": [
        {"Ean": ean, "Message": message, "ProductName": "x"} for ean, message in notify]}}
    return {"errors": [], "Message": "Operación realizada éxitosamente.", "data": {
        "idSeller": 11618, "status": value, "checked": "false", "response": json.dumps(detail)}}


def created(issues=()):
    return {"Errors": [], "Data": [{"totalProcess": 1, "error": len(issues), "successful": 0, "fileName": "",
                                    "productNotifyViewModel": [{"Ean": ean, "Message": message}
                                                               for ean, message in issues]}],
            "Message": "Operación realizada éxitosamente."}


@tagged("post_install", "-at_install")
class TestExitoCatalog(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.camera = cls.env["product.product"].create({
            "name": "Camara deportiva", "barcode": "9205147694107", "default_code": "1992", "list_price": 500000,
            "description_sale": "<p>La mejor camara del mundo</p>", "weight": 1.2, "image_1920": IMAGE,
            "is_storable": True})
        cls.listing = cls.env["marketplace.listing"].create({
            "account_id": cls.account.id, "product_id": cls.camera.id, "exito_category": "27193",
            "brand": "ADIDAS", "keywords": "camara,deportes,adidas,tecnologia",
            "package_height": 11, "package_length": 21, "package_width": 34, "package_weight": 1.5,
            "spec_ids": [Command.create({"name": "Tipo de cámara", "label": "Tipo de cámara", "value": "Deportiva"})],
        })

    def sent_products(self):
        return [json.loads(call.request.body) for call in self.http.calls
                if call.request.method == "POST" and "products-massive" in call.request.url]

    def test_publishing_sends_the_seed_fields_and_the_status_poll_records_refusals(self):
        self.http.get(STATUS_URL, json=status(2))  # before sending: no process running
        self.http.get(STATUS_URL, json=status(4))  # then: our process starts
        self.http.post(PRODUCTS_URL, json=created())
        self.listing.action_publish()
        self.run_jobs()
        [[sent]] = self.sent_products()
        seed = fixture("exito_product_technology.json")[0]
        self.assertEqual(set(sent), set(seed), "the seed's field names")
        for key in ("Ean", "Name", "Category", "Brand", "Description", "KeyWords", "Seller", "ProductType",
                    "SellerSku", "features", "MeasurementUnit", "IsLogisticsExito"):
            self.assertEqual(sent[key], seed[key], key)
        self.assertTrue(sent["ImageUrl1"].endswith(".jpg"))
        self.assertEqual([sent[key] for key in ("PackageHeight", "PackageLength", "PackageWidth", "PackageWeight",
                                                "ProductHeight", "ProductLength", "ProductWidth", "ProductWeight")],
                         ["11", "21", "34", "1,5", "1", "1", "1", "1,2"], "dimensions with a decimal comma")
        self.assertTrue(all(isinstance(sent[key], str) for key in ("PackageWeight", "ProductHeight")))
        self.assertEqual(self.listing.state, "pending")

        poll = self.jobs_of("poll_products")
        self.assertEqual((poll.state, poll.attempts), ("pending", 0), "polls again while the process runs")
        # The bulk process ends with errors: the poll records them on the listing.
        self.http.reset()
        self.http.get(STATUS_URL, json=status(3, [("9205147694107", "La marca no existe en la base de datos.")]))
        poll.next_attempt_date = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual(poll.state, "done")
        self.assertRecordValues(self.listing, [
            {"state": "error", "last_error": "La marca no existe en la base de datos."}])

    def test_nothing_is_sent_while_a_bulk_process_runs(self):
        self.http.get(STATUS_URL, json=status(1))
        self.http.post(PRODUCTS_URL, json=created())
        self.listing.action_publish()
        self.run_jobs()
        self.assertEqual(self.sent_products(), [])
        job = self.jobs_of("push_products")
        self.assertEqual((job.state, job.attempts), ("pending", 0), "waiting is not a failure")
        self.assertGreater(job.next_attempt_date, fields.Datetime.now())

        self.http.replace("GET", STATUS_URL, json=status(2))
        job.next_attempt_date = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual(len(self.sent_products()), 1)

    def test_a_listing_missing_a_required_spec_or_field_is_not_sent(self):
        self.http.get(STATUS_URL, json=status(2))
        self.http.post(PRODUCTS_URL, json=created())
        self.listing.spec_ids = [Command.create({"name": "Garantía", "required": True})]
        self.listing.action_publish()
        self.run_jobs()
        self.assertEqual(self.sent_products(), [])
        self.assertEqual(self.listing.state, "error")
        self.assertIn("Garantía", self.listing.last_error)

        self.listing.brand = False
        self.listing.spec_ids.filtered("required").value = "1 año"
        self.listing.action_publish()
        self.run_jobs()
        self.assertIn("Brand is missing", self.listing.last_error)

    def test_refused_products_in_the_answer_are_marked(self):
        self.http.get(STATUS_URL, json=status(2))
        self.http.post(PRODUCTS_URL, json=created([("9205147694107", "'Nombre del producto' no es válido.")]))
        self.listing.action_publish()
        self.run_jobs()
        self.assertRecordValues(self.listing, [{"state": "error", "last_error": "'Nombre del producto' no es válido."}])

    def test_clothing_variants_share_their_parent_and_take_size_and_colour_from_attributes(self):
        size, colour = self.env["product.attribute"].create([
            {"name": "Talla", "value_ids": [Command.create({"name": "S"})]},
            {"name": "Color", "value_ids": [Command.create({"name": name}) for name in ("Rojo", "Azul", "Blanco")]},
        ])
        template = self.env["product.template"].create({
            "name": "Blusa Polo Deportiva", "default_code": "BlusaPolo", "image_1920": IMAGE, "weight": 1,
            "attribute_line_ids": [
                Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]}),
                Command.create({"attribute_id": colour.id, "value_ids": [Command.set(colour.value_ids.ids)]}),
            ]})
        variants = template.product_variant_ids
        for number, variant in enumerate(variants):
            variant.write({"barcode": f"92051476941{number:02d}", "default_code": f"199{3 + number}",
                           "image_variant_1920": IMAGE, "weight": 0.3})
        self.account.write({"exito_size_attribute_id": size.id, "exito_color_attribute_id": colour.id})
        listings = self.env["marketplace.listing"].create([{
            "account_id": self.account.id, "product_id": variant.id, "exito_product_type": "Clothing",
            "exito_category": "50031", "brand": "POLO", "keywords": "blusa,deporte,fit,polo"} for variant in variants])
        self.http.get(STATUS_URL, json=status(2))
        self.http.post(PRODUCTS_URL, json=created())
        listings.action_publish()
        self.run_jobs()
        [sent] = self.sent_products()
        self.assertEqual([(row["Size"], row["Color"]) for row in sent], [("S", "Rojo"), ("S", "Azul"), ("S", "Blanco")])
        self.assertEqual(len({row["ParentReference"] for row in sent}), 1, "variants of one template share it")
        self.assertEqual([row["SellerSku"] for row in sent], ["1993", "1994", "1995"])
        self.assertEqual({row["ProductType"] for row in sent}, {"Clothing"})
        self.assertEqual(set(sent[0]), set(fixture("exito_product_clothing.json")[0]))

    def test_a_large_selection_is_split_in_requests_of_400(self):
        products = self.env["product.product"].create([{"name": f"P{n}", "barcode": f"77{n:011d}"} for n in range(401)])
        listings = self.env["marketplace.listing"].create([
            {"account_id": self.account.id, "product_id": product.id} for product in products])
        jobs = self.account._queue_product_push(listings)
        self.assertEqual([len(job.payload["listing_ids"]) for job in jobs], [400, 1])

    def test_category_specs_show_on_the_listing(self):
        self.http.get(f"{EXITO_URL}/specs-external/getbycategoryid/28086", json=fixture("exito_specs_response.json"))
        self.listing.exito_category = "28086"
        self.listing.action_load_specs()
        self.assertEqual(set(self.listing.spec_ids.mapped("name")),
                         {"Tipo de cámara", "Type of Cane", "Material Principal"})
        cane = self.listing.spec_ids.filtered(lambda spec: spec.name == "Type of Cane")
        self.assertEqual(cane.allowed_values, "Media, High, Low")

    def test_publish_wizard_creates_missing_listings(self):
        self.http.get(STATUS_URL, json=status(2))
        self.http.post(PRODUCTS_URL, json=created())
        wizard = self.env["marketplace.publish.wizard"].with_context(
            active_model="product.product", active_ids=(self.camera | self.smartwatch).ids).create({
                "account_id": self.account.id, "exito_category": "27193", "brand": "GENERICA"})
        action = wizard.action_publish()
        listings = self.env["marketplace.listing"].search(action["domain"])
        self.assertEqual(listings.product_id, self.camera | self.smartwatch)
        self.assertEqual(listings.filtered(lambda listing: listing.product_id == self.smartwatch).brand, "GENERICA")
        self.assertEqual(self.listing.brand, "ADIDAS", "existing values are kept")

    def test_a_product_without_weight_is_not_sent_and_says_so(self):
        self.http.get(STATUS_URL, json=status(2))
        self.http.post(PRODUCTS_URL, json=created())
        self.camera.weight = 0
        self.listing.action_publish()
        self.run_jobs()
        self.assertEqual(self.sent_products(), [])
        self.assertIn("Product weight", self.listing.last_error)

    def test_the_public_image_copy_follows_the_product_image(self):
        [url] = self.listing._exito_image_urls()
        attachment = self.env["ir.attachment"].browse(int(url.split("/web/content/")[1].split("/")[0]))
        first = attachment.raw
        self.assertEqual(first[:2], b"\xff\xd8", "a JPEG")
        self.assertEqual(self.listing._exito_image_urls(), [url], "the same image keeps its copy")

        # A red image instead of the original: the copy is made again, under the same address.
        red = base64.b64encode(bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000004000000040802000000269309290000001449444154789c633cc1c5c5"
            "00034c0c48003707002cba00e4355552fd0000000049454e44ae426082"))
        self.camera.image_1920 = red
        self.assertEqual(self.listing._exito_image_urls(), [url])
        self.assertNotEqual(attachment.raw, first)
