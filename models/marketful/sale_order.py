from odoo import api, fields, models
from odoo.exceptions import UserError

from ...marketplaces.marketful import mapping as marketful_mapping
from ...marketplaces.marketful.records import FulfillmentOrder, OrderLine
from ..sale_order import MARKETPLACE_USERS

#: partner fields that make up the address Marketful ships to
ADDRESS_FIELDS = {"name", "street", "street2", "city", "state_id", "zip", "country_id", "phone", "mobile",
                  "street_name", "street_number", "street_number2", "l10n_mx_edi_colony"}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    marketful_account_id = fields.Many2one(
        "marketplace.account", string="Fulfilled by", readonly=True, copy=False, index="btree_not_null",
        groups=MARKETPLACE_USERS, help="The Marketful account whose warehouse ships this order.")
    marketful_state = fields.Selection(
        selection=[("to_send", "To Send"), ("sent", "Sent"), ("shipped", "Shipped"), ("delivered", "Delivered")],
        string="Marketful Fulfillment", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketful_order_ref = fields.Char(
        string="Marketful Order ID", readonly=True, copy=False, index="btree_not_null", groups=MARKETPLACE_USERS)
    marketful_channel = fields.Char(readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketful_number = fields.Char(
        string="Marketful Order Number", readonly=True, copy=False, index="btree_not_null", groups=MARKETPLACE_USERS)
    marketful_status = fields.Char(string="Status on Marketful", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketful_label_url = fields.Char(string="Marketful Label", readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketful_event_ids = fields.Json(readonly=True, copy=False, groups=MARKETPLACE_USERS)
    marketful_problem = fields.Text(
        compute="_compute_marketful_problem", groups=MARKETPLACE_USERS,
        help="Why the order could not be sent to Marketful yet (the job retries by itself).")

    @api.depends("marketful_state")
    def _compute_marketful_problem(self):
        orders = self.filtered(lambda order: order.marketful_state == "to_send")
        jobs = orders and self.env["marketplace.job"].sudo().search_fetch(
            [("dedupe_key", "in", [f"fulfillment:{order.id}" for order in orders]),
             ("state", "in", ("failed", "dead"))], ["dedupe_key", "last_error"])
        errors = {job.dedupe_key: job.last_error for job in jobs}
        for order in self:
            order.marketful_problem = errors.get(f"fulfillment:{order.id}", False)

    def action_confirm(self):
        res = super().action_confirm()
        # Whoever confirms, the order goes to Marketful: the module's own bookkeeping, as superuser.
        self.sudo()._marketful_queue_fulfillment()
        return res

    def _action_cancel(self):
        sent = self.sudo().filtered(
            lambda order: order.marketful_order_ref and order.marketful_state != "delivered")
        res = super()._action_cancel()
        for order in sent:
            order.activity_schedule(
                "mail.mail_activity_data_todo", user_id=(order.user_id or order.marketful_account_id._responsible()).id,
                summary=self.env._("Cancel the order with Marketful"),
                note=self.env._("Marketful was asked to fulfil order %(ref)s and has no cancellation call: ask "
                                "Marketful to stop it.", ref=order.marketful_order_ref))
        return res

    # -- sending --------------------------------------------------------------------------

    def _marketful_pickings(self, account=None):
        """Deliveries of the order that leave the Marketful warehouse."""
        account = account or self.marketful_account_id
        return self.picking_ids.filtered(
            lambda picking: picking.state != "cancel" and picking.picking_type_code == "outgoing"
            and picking.picking_type_id.warehouse_id == account.warehouse_id)

    def _marketful_channel_for(self, account):
        """Marketful's canal of this order: the line of its source account, else of its team."""
        self.ensure_one()
        lines = account.marketful_channel_ids
        source = self.marketplace_account_id
        line = (source and lines.filtered(lambda line: line.source_account_id == source)[:1]
                or lines.filtered(lambda line: not line.source_account_id and line.team_id == self.team_id
                                  and line.team_id)[:1])
        return line.name or account.marketful_channel or "Odoo"

    def _marketful_queue_fulfillment(self):
        """Queue a fulfillment order for every confirmed order that ships from a Marketful
        warehouse (a job: Marketful is never called while a user confirms)."""
        orders = self.filtered(lambda order: order.state == "sale" and not order.marketful_state)
        if not orders:
            return
        accounts = self.env["marketplace.account"]._marketful_accounts(orders.company_id)
        by_warehouse = {account.warehouse_id: account for account in accounts if account.warehouse_id}
        if not by_warehouse:
            return
        values = []
        for order in orders:
            outgoing = order.picking_ids.filtered(
                lambda picking: picking.state != "cancel" and picking.picking_type_code == "outgoing")
            account = next((by_warehouse[picking.picking_type_id.warehouse_id] for picking in outgoing
                            if picking.picking_type_id.warehouse_id in by_warehouse
                            and by_warehouse[picking.picking_type_id.warehouse_id].company_id == order.company_id),
                           None)
            if not account:
                continue
            order.write({"marketful_account_id": account.id, "marketful_state": "to_send",
                         "marketful_channel": order._marketful_channel_for(account),
                         "marketful_number": order.marketplace_order_number or order.name})
            values.append({
                "name": self.env._("Fulfillment of %(order)s by Marketful", order=order.name),
                "account_id": account.id,
                "job_type": "push_fulfillment",
                "dedupe_key": f"fulfillment:{order.id}",
                "payload": {"order_id": order.id},
                "res_model": order._name,
                "res_id": order.id,
            })
        self.env["marketplace.job"]._create_unique(values)

    def _marketful_fulfillment_order(self, account):
        """The multichannel order Marketful must fulfil (seed: POST /shopi_orders/multicanal_api).

        :raise UserError: naming every field that is missing, before anything is sent
        """
        self.ensure_one()
        partner = self.partner_shipping_id
        address = partner._marketful_address()
        problems = []
        quantities = {}
        for move in self._marketful_pickings(account).move_ids.filtered(lambda move: move.state != "cancel"):
            quantity = move.product_uom._compute_quantity(move.product_uom_qty, move.product_id.uom_id)
            quantities[move.product_id] = quantities.get(move.product_id, 0) + quantity
        skus = self.env["marketplace.listing"]._marketful_skus(account, self.env["product.product"].union(*quantities))
        items = []
        for product, quantity in quantities.items():
            if not skus.get(product.id):
                problems.append(self.env._(
                    "%(product)s has no SKU for Marketful: give it an Internal Reference (or a SKU on its Marketful "
                    "listing).", product=product.display_name))
                continue
            if quantity != int(quantity):
                problems.append(self.env._("%(product)s: Marketful takes whole units only (%(quantity)s).",
                                           product=product.display_name, quantity=quantity))
            items.append(OrderLine(sku=skus[product.id], cantidad=int(quantity)))
        carrier = self.carrier_id
        request = FulfillmentOrder(
            num_orden=self.marketful_number or self.marketplace_order_number or self.name,
            orden_id=self.name,
            customer=partner.name or partner.commercial_partner_id.name or "",
            carrier=carrier.marketful_carrier or account.marketful_carrier or "",
            phone=partner.phone or partner.mobile or "",
            street=address["street"], exterior_number=address["exterior"], interior_number=address["interior"],
            colonia=address["colonia"], city=partner.city or "",
            state=marketful_mapping.mx_state(partner.state_id.code) if partner.country_id.code == "MX" else "",
            postal_code=partner.zip or "",
            canal=self.marketful_channel or self._marketful_channel_for(account),
            tipo_envio=carrier.marketful_shipping_type or account.marketful_shipping_type,
            items=items,
            insured=account.marketful_insured,
        )
        problems += [account._marketful_problem(problem)
                     for problem in marketful_mapping.fulfillment_problems(request)]
        if problems:
            raise UserError(self.env._(
                "Not sent to Marketful: %(problems)s Complete the delivery address of %(partner)s (Mexican address: "
                "street and exterior number, colonia in the second street line, city, state, ZIP, phone); the job "
                "then runs again by itself.", problems=" ".join(problems), partner=partner.display_name))
        return request

    def _marketful_record_sent(self, order_ref, status, request):
        self.ensure_one()
        self.write({"marketful_order_ref": order_ref or False, "marketful_state": "sent",
                    "marketful_status": status or False, "marketful_channel": request.canal,
                    "marketful_number": request.num_orden})
        self.message_post(body=self.env._(
            "Sent to Marketful for fulfillment as order %(ref)s (channel %(channel)s, number %(number)s).",
            ref=order_ref or "-", channel=request.canal, number=request.num_orden))

    # -- events ---------------------------------------------------------------------------

    @api.model
    def _marketful_find(self, account, marketful_ref=None, channel=None, number=None, seller_ref=None):
        """The sale order Marketful knows as ``marketful_ref``, else as ``number`` of ``channel``,
        else as ``seller_ref`` (the seller's order id Marketful keeps: the Odoo order name)."""
        base = [("marketful_account_id", "=", account.id)]
        for domain, usable in (([("marketful_order_ref", "=", marketful_ref)], marketful_ref),
                               ([("marketful_channel", "=", channel), ("marketful_number", "=", number)],
                                channel and number),
                               ([("name", "=", seller_ref)], seller_ref)):
            if usable:
                order = self.search(base + domain, limit=1)
                if order:
                    return order
        return self.browse()

    def _marketful_apply_event(self, event):
        """Apply what Marketful says of the order: its status, tracking and carrier on the
        deliveries, and (when the account asks for it) the delivery done once delivered."""
        self.ensure_one()
        seen = list(self.marketful_event_ids or [])
        if event.event_id and event.event_id in seen:
            return
        account = self.marketful_account_id
        values = {}
        if event.order_ref and not self.marketful_order_ref:
            values["marketful_order_ref"] = event.order_ref
        if event.status:
            values["marketful_status"] = event.status
        if event.label_url:
            values["marketful_label_url"] = event.label_url
        state = self.marketful_state if self.marketful_state != "to_send" else "sent"
        pickings = self._marketful_pickings(account)
        if event.tracking_number:
            carrier = self.env["delivery.carrier"]._marketful_find(event.carrier, self.company_id)
            for picking in pickings.filtered(lambda picking: picking.carrier_tracking_ref != event.tracking_number):
                picking.write({"carrier_tracking_ref": event.tracking_number,
                               **({"carrier_id": carrier.id} if carrier else {})})
            if state == "sent":
                state = "shipped"
        if event.delivered:
            state = "delivered"
        values["marketful_state"] = state
        if event.event_id:
            values["marketful_event_ids"] = seen + [event.event_id]
        self.write(values)
        if event.topic.startswith("shipment_event"):
            body = self.env._("Marketful: %(status)s.", status=event.status or "-")
            if event.tracking_number:
                body += " " + self.env._("Tracking %(tracking)s (%(carrier)s).", tracking=event.tracking_number,
                                         carrier=event.carrier or "-")
            for picking in pickings:
                picking.message_post(body=body)
        if event.delivered and account.marketful_validate_delivered:
            pickings._marketful_validate_delivered()
