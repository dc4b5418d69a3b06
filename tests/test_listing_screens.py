"""The listing screens: rows open the listing's form, its state is the marketplace's (read-only),
Publish is a button on the product and listing forms, Éxito categories are chosen by name."""

import json

from lxml import etree

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import EXITO_URL, MarketplaceCase


def fixture(name):
    with open(file_path(f"marketplace_connector/marketplaces/tests/fixtures/{name}"), encoding="utf-8") as handle:
        return json.load(handle)


@tagged("post_install", "-at_install")
class TestListingScreens(MarketplaceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.listing = cls.env["marketplace.listing"].create({
            "account_id": cls.account.id, "product_id": cls.smartwatch.id, "exito_category": "27193"})
        cls.Category = cls.env["marketplace.exito.category"]

    def arch(self, model, view_type):
        views = self.env[model].get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"]), views["models"][model]

    def test_listing_rows_open_the_form(self):
        arch, _fields = self.arch("marketplace.listing", "list")
        self.assertIsNone(arch.get("editable"), "a row opens the listing's form")
        product_form, _fields = self.arch("product.template", "form")
        [tab_list] = product_form.xpath("//field[@name='marketplace_listing_ids']/list")
        self.assertIsNone(tab_list.get("editable"), "the product's Marketplaces tab opens the listing too")

    def test_listing_state_is_read_only(self):
        arch, fields = self.arch("marketplace.listing", "form")
        [state] = arch.xpath("//header/field[@name='state']")
        self.assertEqual(state.get("widget"), "statusbar")
        self.assertNotIn("clickable", state.get("options") or "")
        self.assertIn(state.get("readonly"), ("1", "True"))
        self.assertTrue(fields["fields"]["state"]["readonly"])

    def test_publish_is_a_button_on_the_product_and_listing_forms(self):
        action = self.env.ref("marketplace_connector.action_marketplace_publish_template")
        for model in ("product.template", "product.product"):
            arch, _fields = self.arch(model, "form")
            self.assertTrue(arch.xpath(f"//header/button[@name='{action.id}'][@type='action']"), model)
        arch, _fields = self.arch("marketplace.listing", "form")
        self.assertTrue(arch.xpath("//header/button[@name='action_publish']"))

    def test_publish_button_of_a_product_opens_the_wizard_with_its_variants(self):
        wizard = self.env["marketplace.publish.wizard"].with_context(
            active_model="product.template", active_ids=self.speaker.product_tmpl_id.ids).create(
                {"account_id": self.account.id})
        self.assertEqual(wizard.product_ids, self.speaker)

    def test_exito_category_is_chosen_among_those_the_account_knows(self):
        category = self.Category.search([("account_id", "=", self.account.id)])
        self.assertEqual(category.code, "27193", "a listing's category is remembered")
        self.assertEqual(self.listing.exito_category_id, category)

        # Loading a category's specifications names it.
        self.http.get(f"{EXITO_URL}/specs-external/getbycategoryid/28086", json=fixture("exito_specs_response.json"))
        new_id, _name = self.Category.with_context(default_account_id=self.account.id).name_create("28086")
        shoes = self.Category.browse(new_id)
        self.listing.exito_category_id = shoes
        self.assertEqual(self.listing.exito_category, "28086", "the id is what is sent")
        self.listing.action_load_specs()
        self.assertEqual(shoes.display_name, "28086 Shoes")
        self.assertEqual(self.Category.name_search("Shoes"), [(shoes.id, "28086 Shoes")])

        # The publish wizard offers them too.
        wizard = self.env["marketplace.publish.wizard"].create({
            "account_id": self.account.id, "product_ids": [(6, 0, self.speaker.ids)], "exito_category_id": shoes.id})
        wizard.action_publish()
        speaker = self.env["marketplace.listing"].search([("product_id", "=", self.speaker.id)])
        self.assertEqual(speaker.exito_category_id, shoes)
