from odoo import Command, models
from odoo.exceptions import UserError

from ..marketplaces.base import MarketplaceError


def _odoo_datetime(moment):
    """Odoo stores naive UTC datetimes, to the second."""
    return moment and moment.replace(tzinfo=None, microsecond=0)


class MarketplaceAccount(models.Model):
    """Turning stored marketplace orders into sale orders, a batch of jobs at a time."""

    _inherit = "marketplace.account"

    def _import_order_jobs(self, jobs):
        """Create (and confirm) the sale orders of ``jobs``, all of this account.

        Products and buyers are resolved for the whole batch in a few queries and the orders
        are created with one ``create``. Jobs whose payload cannot be read or whose products
        are unknown are left out and reported; anything else that fails raises, and the job
        runner then retries each job alone, so that no order is ever half-created.

        :return: ``{job_id: exception}`` for the jobs left out
        """
        self.ensure_one()
        outcomes = {}
        client = self._get_client()
        parsed = []
        for job in jobs:
            try:
                parsed.append((job, client.parse_order(job.payload)))
            except MarketplaceError as error:
                outcomes[job.id] = error

        SaleOrder = self.env["sale.order"]
        existing = SaleOrder._marketplace_find_orders(self, [order.ref for _job, order in parsed])
        for job, order in parsed:
            if order.ref in existing:
                job._link_record(existing[order.ref])
        parsed = [(job, order) for job, order in parsed if order.ref not in existing]
        if not parsed:
            return outcomes

        config_error = self._check_order_configuration(parsed[0][1])
        products = self.env["marketplace.listing"]._resolve_products(
            self, [line for _job, order in parsed for line in order.lines])
        ready = []
        for job, order in parsed:
            missing = [line for line in order.lines if id(line) not in products]
            if config_error:
                outcomes[job.id] = UserError(config_error)
            elif missing:
                outcomes[job.id] = UserError(self._unknown_products_message(order, missing))
            else:
                ready.append((job, order))
        if not ready:
            return outcomes

        buyers = self.env["res.partner"].with_context(tracking_disable=True)._marketplace_find_or_create_buyers(
            self, [order.buyer for _job, order in ready])
        # Like Odoo's own imports (base_import's "track history" option is off by default), orders
        # are created and confirmed without field tracking, creation logs, follower subscription
        # and "assigned to you" mails; each order gets one note saying where it came from.
        SaleOrder = SaleOrder.with_context(tracking_disable=True)
        vals_list = [
            self._prepare_sale_order_values(order, partner, shipping_partner, products)
            for (_job, order), (partner, shipping_partner) in zip(ready, buyers, strict=True)
        ]
        if not self._has_analytic_distribution_models():
            # Each line would look for a distribution model, one query per line, to find none.
            for values in vals_list:
                for _command, _id, line_values in values["order_line"]:
                    line_values["analytic_distribution"] = False
        sale_orders = SaleOrder.create(vals_list)
        sale_orders.mapped("amount_total")  # computed for the whole batch at once
        for (_job, order), sale_order in zip(ready, sale_orders, strict=True):
            sale_order._marketplace_check_total(order)
        sale_orders._message_log_batch(bodies={
            sale_order.id: self.env._("Imported from %(marketplace)s order %(number)s.",
                                      marketplace=self._marketplace_label(), number=order.number)
            for (_job, order), sale_order in zip(ready, sale_orders, strict=True)
        })
        if self.auto_confirm:
            # The buyer is not made a follower (the marketplace owns the relation with its buyers:
            # Odoo must not mail them) and each delivery's "created from" note is logged in one
            # batch rather than rendered one by one.
            sale_orders.with_context(marketplace_import=True).action_confirm()
            sale_orders.picking_ids._marketplace_log_origin()
        for (job, _order), sale_order in zip(ready, sale_orders, strict=True):
            job._link_record(sale_order)
        self.env["marketplace.settlement"]._marketplace_link_orders(self, sale_orders)
        return outcomes

    def _has_analytic_distribution_models(self):
        return bool(self.env["account.analytic.distribution.model"].sudo().search_count(
            [("company_id", "in", (False, self.company_id.id))], limit=1))

    def _check_order_configuration(self, order):
        """A readable reason why no order of this account can be created, or ``None``."""
        if not self.pricelist_id:
            return self.env._("Set a pricelist on the account %(account)s.", account=self.name)
        if self.pricelist_id.currency_id.name != order.currency:
            return self.env._(
                "The pricelist %(pricelist)s of %(account)s is in %(currency)s but the marketplace sells in "
                "%(marketplace_currency)s: choose a pricelist in %(marketplace_currency)s on the account.",
                pricelist=self.pricelist_id.display_name, account=self.name,
                currency=self.pricelist_id.currency_id.name, marketplace_currency=order.currency)
        if not self.warehouse_id:
            return self.env._("Set a warehouse on the account %(account)s.", account=self.name)
        if order.shipping_amount and not self.shipping_product_id:
            return self.env._("Set a shipping product on the account %(account)s.", account=self.name)
        if order.discount and not self.discount_product_id:
            return self.env._("Set a discount product on the account %(account)s.", account=self.name)
        return None

    def _unknown_products_message(self, order, lines):
        described = "; ".join(
            self.env._("%(name)s (EAN %(ean)s, seller SKU %(sku)s)",
                       name=line.name, ean=line.ean or "-", sku=line.seller_sku or "-")
            for line in lines
        )
        return self.env._(
            "Order %(number)s: no product matches %(lines)s. Give the product this barcode, or add a listing "
            "with this EAN or seller SKU on the account, then retry the job.",
            number=order.number, lines=described)

    def _prepare_sale_order_values(self, order, partner, shipping_partner, products):
        """Values of the sale order of a ``MarketOrder``, with the marketplace's prices."""
        order_lines = [
            Command.create({
                "product_id": products[id(line)].id,
                "product_uom_qty": line.quantity,
                "price_unit": line.unit_price,
                "marketplace_line_ref": line.ref,
            })
            for line in order.lines
        ]
        if order.shipping_amount:
            order_lines.append(Command.create({
                "product_id": self.shipping_product_id.id,
                "product_uom_qty": 1,
                "price_unit": order.shipping_amount,
                "is_delivery": True,
            }))
        if order.discount:
            if not self.discount_product_id:
                raise UserError(self.env._("Set a discount product on the account %(account)s.", account=self.name))
            order_lines.append(Command.create({
                "product_id": self.discount_product_id.id,
                "product_uom_qty": 1,
                "price_unit": -order.discount,
            }))
        return {
            "partner_id": partner.id,
            "partner_invoice_id": partner.id,
            "partner_shipping_id": shipping_partner.id,
            "company_id": self.company_id.id,
            "warehouse_id": self.warehouse_id.id,
            "pricelist_id": self.pricelist_id.id,
            "team_id": self.team_id.id,
            "user_id": self.user_id.id,
            "date_order": _odoo_datetime(order.date_order),
            "commitment_date": _odoo_datetime(order.max_delivery_date),
            "client_order_ref": order.number,
            "origin": f"{self._marketplace_label()} {order.number}",
            "marketplace_account_id": self.id,
            "marketplace_order_ref": order.ref,
            "marketplace_order_number": order.number,
            "marketplace_status": order.status,
            "marketplace_channel": order.channel,
            "marketplace_delivery_type": order.delivery_type.strip(),
            "marketplace_max_delivery_date": _odoo_datetime(order.max_delivery_date),
            "marketplace_label_url": order.label_url,
            "order_line": order_lines,
        }

