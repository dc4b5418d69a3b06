import json

import responses

from odoo import Command
from odoo.tests import tagged

from .common import EXITO_URL, MarketplaceCase

OFFERS_URL = f"{EXITO_URL}/OfferExternal"


def offers_answer(issues=()):
    """Éxito's answer to PATCH /OfferExternal (seed shape) reporting ``issues``."""
    def callback(request):
        rows = json.loads(request.body)["ListOffers"]
        notes = [{"ean": ean, "message": message, "code": code} for ean, message, code in issues]
        return 200, {}, json.dumps({"message": "Operation successful", "errors": [], "data": {
            "totalProcess": len(rows), "error": len(notes), "successful": len(rows) - len(notes),
            "offerNotifyViewModels": notes}})
    return callback


@tagged("post_install", "-at_install")
class TestExitoOffers(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.account.warehouse_id.lot_stock_id
        for product, quantity in zip(cls.products, (10, 5, 0, 7), strict=True):
            if quantity:
                cls.env["stock.quant"]._update_available_quantity(product, cls.stock, quantity)
        cls.account.write({"stock_buffer": 1, "exito_freight_cost": 25000, "exito_warranty": 12})
        cls.listings = cls.env["marketplace.listing"].create([
            {"account_id": cls.account.id, "product_id": product.id, "state": "published"}
            for product in cls.products
        ])

    def setUp(self):
        super().setUp()
        self.http.add_callback(responses.PATCH, OFFERS_URL, callback=offers_answer())

    def sent_bodies(self):
        return [json.loads(call.request.body) for call in self.http.calls if "OfferExternal" in call.request.url]

    def push_changes(self):
        self.account._queue_changed_offers()
        self.run_jobs()

    def test_first_push_sends_every_published_offer_with_the_seed_fields(self):
        self.push_changes()
        [body] = self.sent_bodies()
        self.assertEqual(body["PriceApproval"], 0)
        rows = {row["EAN"]: row for row in body["ListOffers"]}
        self.assertEqual(set(rows), set(self.products.mapped("barcode")))
        self.assertEqual(rows["7752285029933"], {
            "EAN": "7752285029933", "Stock": "9", "Price": "189900.00", "DiscountPrice": "189900.00",
            "AverageFreightCost": "25000.00", "PromiseDelivery": "1 a 10", "Warranty": 12,
            "IsFreeShipping": 0, "IsEnviosExito": 0, "IsFreightCalculator": 0, "IsLogisticsExito": 0,
            "IsUpdatedStock": 1, "Currency": "COP", "Periodicity": 1, "SellerSku": "smartwatch08"})
        self.assertEqual(rows["7701234500023"]["Stock"], "0", "no stock, never negative after the buffer")
        self.assertEqual(set(self.listings.mapped("offer_state")), {"sent"})

    def test_a_stock_change_pushes_exactly_that_offer_once_and_no_change_pushes_nothing(self):
        self.push_changes()
        self.push_changes()
        self.assertEqual(len(self.sent_bodies()), 1, "nothing changed: nothing sent")

        self.env["stock.quant"]._update_available_quantity(self.headphones, self.stock, 3)
        self.push_changes()
        self.assertEqual(len(self.sent_bodies()), 2)
        [row] = self.sent_bodies()[1]["ListOffers"]
        self.assertEqual((row["EAN"], row["Stock"], row["IsUpdatedStock"]), ("7701234500016", "7", 1))

        self.push_changes()
        self.assertEqual(len(self.sent_bodies()), 2, "sent once")

    def test_a_reservation_lowers_the_stock_sent(self):
        self.push_changes()
        self.env["stock.quant"]._update_reserved_quantity(self.smartwatch, self.stock, 4)
        self.push_changes()
        [row] = self.sent_bodies()[1]["ListOffers"]
        self.assertEqual((row["EAN"], row["Stock"]), ("7752285029933", "5"))

    def test_a_price_change_is_sent_without_a_stock_update(self):
        self.push_changes()
        self.charger.list_price = 52900
        self.push_changes()
        [row] = self.sent_bodies()[1]["ListOffers"]
        self.assertEqual((row["EAN"], row["Price"], row["IsUpdatedStock"]), ("7701234500030", "52900.00", 0))

    def test_price_change_over_30_percent_waits_for_approval_then_is_resent_with_price_approval(self):
        self.push_changes()
        self.http.replace(responses.PATCH, OFFERS_URL, status=200, json={})
        self.http.remove(responses.PATCH, OFFERS_URL)
        self.http.add_callback(responses.PATCH, OFFERS_URL, callback=offers_answer([(
            "7701234500030", "There are '7701234500030' EAN that suffer an extreme change in prices. "
                             "do you wish to continue?", "PEX")]))
        self.charger.list_price = 99900
        self.push_changes()
        listing = self.listings.filtered(lambda listing: listing.product_id == self.charger)
        self.assertRecordValues(listing, [{"offer_state": "needs_approval", "offer_price": 49900,
                                           "pending_price": 99900}])
        self.assertIn("extreme change", listing.offer_message)

        self.env["stock.quant"]._update_available_quantity(self.charger, self.stock, 1)
        self.push_changes()
        self.assertEqual(len(self.sent_bodies()), 2, "waits for the user, even when its stock moves")

        self.http.remove(responses.PATCH, OFFERS_URL)
        self.http.add_callback(responses.PATCH, OFFERS_URL, callback=offers_answer())
        listing.action_approve_price()
        self.run_jobs()
        body = self.sent_bodies()[2]
        self.assertEqual(body["PriceApproval"], 1)
        self.assertEqual([(row["EAN"], row["Price"]) for row in body["ListOffers"]], [("7701234500030", "99900.00")])
        self.assertRecordValues(listing, [{"offer_state": "sent", "offer_price": 99900}])

    def test_a_refused_offer_is_shown_on_the_listing_with_an_activity(self):
        self.http.remove(responses.PATCH, OFFERS_URL)
        self.http.add_callback(responses.PATCH, OFFERS_URL, callback=offers_answer([
            ("7701234500016", "'Indicador  Envios  Exito' debe ser 1 o 0", "")]))
        self.push_changes()
        listing = self.listings.filtered(lambda listing: listing.product_id == self.headphones)
        self.assertEqual(listing.offer_state, "error")
        self.assertIn("Envios", listing.offer_message)
        self.assertIn("Envios", self.account.activity_ids.note)

    def test_unpublished_listings_are_not_offered(self):
        self.listings[:2].state = "pending"
        self.push_changes()
        [body] = self.sent_bodies()
        self.assertEqual(len(body["ListOffers"]), 2)

    def test_combo_rows_follow_their_offer_and_add_up_to_its_price(self):
        combo_product = self.env["product.product"].create({
            "name": "Combo", "barcode": "2365477746910", "default_code": "COMBO1", "list_price": 300000,
            "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(combo_product, self.stock, 3)
        combo = self.env["marketplace.listing"].create({
            "account_id": self.account.id, "product_id": combo_product.id, "state": "published",
            "component_ids": [Command.create({"product_id": self.speaker.id, "quantity": 1}),
                              Command.create({"product_id": self.charger.id, "quantity": 2})]})
        combo.action_push_offer()
        self.run_jobs()
        rows = self.sent_bodies()[-1]["ListOffers"]
        self.assertEqual(rows[0]["EAN"], "2365477746910")
        components = rows[1:]
        self.assertEqual([(row["EanCombo"], row["EAN"], row["ComboQuantity"]) for row in components],
                         [("2365477746910", "7701234500023", "1"), ("2365477746910", "7701234500030", "2")])
        self.assertEqual(sum(float(row["Price"]) * int(row["ComboQuantity"]) for row in components), 300000)

    def test_a_thousand_changed_listings_go_out_in_batches_within_the_limit(self):
        products = self.env["product.product"].create([
            {"name": f"Bulk {n}", "barcode": f"770999{n:07d}", "default_code": f"BULK{n}", "list_price": 1000 + n,
             "is_storable": True} for n in range(1000)])
        self.env["marketplace.listing"].create([
            {"account_id": self.account.id, "product_id": product.id, "state": "published"} for product in products])
        self.push_changes()
        sizes = [len(body["ListOffers"]) for body in self.sent_bodies()]
        self.assertEqual(sum(sizes), 1004)
        self.assertEqual(len(sizes), 3)
        self.assertLessEqual(max(sizes), 400)

    def test_a_pricelist_rule_change_reprices_the_offers_it_concerns(self):
        self.push_changes()
        self.env["product.pricelist.item"].create({
            "pricelist_id": self.pricelist.id, "applied_on": "0_product_variant", "product_id": self.speaker.id,
            "compute_price": "fixed", "fixed_price": 199900})
        self.push_changes()
        [row] = self.sent_bodies()[1]["ListOffers"]
        self.assertEqual((row["EAN"], row["Price"], row["DiscountPrice"]), ("7701234500023", "199900.00", "219900.00"))

    def test_the_daily_check_finds_changes_no_hook_saw(self):
        self.push_changes()
        # A change made behind the ORM's back (an import script, SQL): no dirty mark.
        self.env.cr.execute("UPDATE product_template SET list_price = 59900 WHERE id = %s",
                            [self.charger.product_tmpl_id.id])
        self.env.invalidate_all()
        self.push_changes()
        self.assertEqual(len(self.sent_bodies()), 1)
        self.env["marketplace.account"]._cron_push_offers(full=True)
        self.run_jobs()
        [row] = self.sent_bodies()[1]["ListOffers"]
        self.assertEqual((row["EAN"], row["Price"]), ("7701234500030", "59900.00"))

    def test_bulk_prices_equal_odoo_pricelist_prices(self):
        """The offer prices computed in bulk are the ones Odoo's pricelist gives, product by product:
        variants with attribute extras, rules on a variant, a template and a category, and a
        pricelist in another currency than the company's."""
        colour = self.env["product.attribute"].create({
            "name": "Colour", "value_ids": [Command.create({"name": "Red"}), Command.create({"name": "Blue"})]})
        category = self.env["product.category"].create({"name": "Phones"})
        sub_category = self.env["product.category"].create({"name": "Smart", "parent_id": category.id})
        template = self.env["product.template"].create({
            "name": "Case", "list_price": 100, "categ_id": self.env.ref("product.product_category_all").id,
            "attribute_line_ids": [Command.create({"attribute_id": colour.id,
                                                   "value_ids": [Command.set(colour.value_ids.ids)]})]})
        template.attribute_line_ids.product_template_value_ids[0].price_extra = 15
        ruled_template = self.env["product.template"].create({"name": "Ruled template", "list_price": 300})
        in_category = self.env["product.product"].create({"name": "In category", "list_price": 400,
                                                          "categ_id": sub_category.id})
        plain = self.env["product.product"].create({"name": "Plain", "list_price": 500})
        products = template.product_variant_ids | ruled_template.product_variant_id | in_category | plain | self.charger
        company_pricelist = self.env["product.pricelist"].create({
            "name": "Company currency", "currency_id": self.env.company.currency_id.id})
        self.env["res.currency.rate"].create({"currency_id": self.cop.id, "rate": 4000, "name": "2020-01-01"})
        for pricelist in (self.pricelist, company_pricelist):
            self.env["product.pricelist.item"].create([
                {"pricelist_id": pricelist.id, "applied_on": "0_product_variant", "product_id": self.charger.id,
                 "compute_price": "fixed", "fixed_price": 12345},
                {"pricelist_id": pricelist.id, "applied_on": "1_product", "product_tmpl_id": ruled_template.id,
                 "compute_price": "percentage", "percent_price": 10},
                {"pricelist_id": pricelist.id, "applied_on": "2_product_category", "categ_id": category.id,
                 "compute_price": "formula", "price_discount": 20, "price_surcharge": 7},
            ])
            # The account's own check refuses a pricelist outside the marketplace's currency: set as
            # in a database from before it, since the computation must agree with Odoo's in any currency.
            self.env.flush_all()
            self.env.cr.execute("UPDATE marketplace_account SET pricelist_id = %s WHERE id = %s",
                                [pricelist.id, self.account.id])
            self.account.invalidate_recordset(["pricelist_id"])
            expected = pricelist._get_products_price(products, 1.0)
            got = self.account._offer_prices(products)
            self.assertEqual({key: round(value, 6) for key, value in got.items()},
                             {key: round(value, 6) for key, value in expected.items()}, pricelist.name)
        self.assertNotEqual(got[template.product_variant_ids[0].id], got[template.product_variant_ids[1].id])
