from odoo import api, fields, models

from ..models.access import USER, check_readable, guard


class MarketplacePublishWizard(models.TransientModel):
    """Publish a selection of products on a marketplace account (creates missing listings)."""

    _name = "marketplace.publish.wizard"
    _description = "Publish Products on a Marketplace"

    account_id = fields.Many2one(
        "marketplace.account", required=True,
        domain="[('marketplace', 'in', ('exito', 'marketful'))]")
    marketplace = fields.Selection(related="account_id.marketplace")
    product_ids = fields.Many2many("product.product", string="Products", required=True)
    exito_category = fields.Char(string="Éxito Category ID", help="Given to listings that have none.")
    exito_category_id = fields.Many2one(
        "marketplace.exito.category", string="Éxito Category", domain="[('account_id', '=', account_id)]",
        help="Given to listings that have none: one of the categories whose specifications the account loaded; "
             "type a new category id to add it.")
    brand = fields.Char(help="Given to listings that have none.")

    @api.constrains("account_id", "product_ids", "exito_category_id")
    def _check_targets_readable(self):
        check_readable(self, "account_id", "product_ids", "exito_category_id")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "product.template":
            templates = self.env["product.template"].browse(context.get("active_ids", []))
            values["product_ids"] = [fields.Command.set(templates.product_variant_ids.ids)]
        elif context.get("active_model") == "product.product":
            values["product_ids"] = [fields.Command.set(context.get("active_ids", []))]
        return values

    @guard(USER, "write", related=[("account_id", "read"), ("product_ids", "read")])
    def action_publish(self):
        """Create the missing listings of the products on the account and publish them all."""
        self.ensure_one()
        Listing = self.env["marketplace.listing"]
        listings = Listing.search([("account_id", "=", self.account_id.id), ("product_id", "in", self.product_ids.ids)])
        missing = self.product_ids - listings.product_id
        listings |= Listing.create([{"account_id": self.account_id.id, "product_id": product.id}
                                    for product in missing])
        defaults = {"exito_category": self.exito_category_id.code or self.exito_category, "brand": self.brand}
        for field, value in defaults.items():
            if value:
                listings.filtered(lambda listing, field=field: not listing[field]).write({field: value})
        listings.action_publish()
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_marketplace_listing")
        action["domain"] = [("id", "in", listings.ids)]
        return action
