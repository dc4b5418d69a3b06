"""Who may call what: every public method the module defines, found in the registry, is called
by the people who must not act, and must change nothing.

How a method is found: for every model of the registry, the classes of its MRO defined in this
module (``odoo.addons.marketplace_connector``) give their public callables (no leading
underscore: ``/web/dataset/call_kw`` exposes exactly those). A name that one of Odoo's classes in
the same MRO also defines (``write``, ``create``, ``action_confirm``, ``message_subscribe``,
``default_get``, ``init``...) is Odoo's own method that the module overrides: it keeps Odoo's
semantics and Odoo's checks, so it is left out here (what the module adds in those overrides is
done in ``sudo()`` for the system, see ``models/access.py``).

So a public method added tomorrow without ``@guard`` makes
``test_every_public_method_declares_its_guard`` fail (it names the method), and one added with a
guard makes ``test_declared_guards_are_the_reviewed_ones`` fail until its group is reviewed and
written in :data:`REVIEWED` (and a record to call it on exists in the fixture, or
``test_callers_without_the_right_change_nothing`` fails). Checked once by adding an unguarded
``action_leak`` to ``marketplace.account``: the first test failed naming it.

How "nothing changes" is seen: PostgreSQL counts, per transaction, every row inserted, updated
or deleted (``pg_stat_xact_user_tables``), even in a savepoint rolled back afterwards; the count
is taken after flushing what the ORM kept pending. Outbound HTTP goes through ``responses`` with
no URL registered: any call is recorded (and refused).
"""

import base64
import contextlib
import inspect

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.models import LOG_ACCESS_COLUMNS
from odoo.tests import tagged

from ..models.access import MANAGER, STOCK_MANAGER, STOCK_USER, SYSTEM, USER, declaration_of
from .access_common import TrustCase

MODULE_PREFIX = "odoo.addons.marketplace_connector."

#: the security review: (model, method) -> (group, operation on the records)
REVIEWED = {
    ("marketplace.account", "action_test_connection"): (MANAGER, "write"),
    ("marketplace.account", "action_import_orders"): (USER, "read"),
    ("marketplace.account", "action_view_orders"): (USER, "read"),
    ("marketplace.account", "action_view_jobs"): (USER, "read"),
    ("marketplace.account", "action_view_listings"): (USER, "read"),
    ("marketplace.account", "action_view_settlements"): (USER, "read"),
    ("marketplace.account", "action_import_settlements"): (USER, "read"),
    ("marketplace.account", "action_overview_open"): (USER, "read"),
    ("marketplace.account", "action_reimport_order"): (USER, "read"),
    ("marketplace.account", "action_marketful_compare_stock"): (USER, "read"),
    ("marketplace.account", "action_xmart_sync_stores"): (MANAGER, "write"),
    ("marketplace.account", "action_xmart_save_stores"): (MANAGER, "write"),
    ("marketplace.account", "action_xmart_import"): (MANAGER, "read"),
    ("marketplace.account", "action_xmart_export_zones"): (MANAGER, "write"),
    ("marketplace.account", "action_reset_callback_token"): (SYSTEM, "write"),
    ("marketplace.account", "action_marketful_register_webhooks"): (SYSTEM, "write"),
    ("marketplace.account", "action_marketful_replace_webhooks"): (SYSTEM, "write"),
    ("marketplace.account", "action_marketful_remove_webhooks"): (SYSTEM, "write"),
    ("marketplace.job", "action_retry"): (USER, "read"),
    ("marketplace.job", "action_cancel"): (USER, "read"),
    ("marketplace.job", "action_open_record"): (USER, "read"),
    ("marketplace.job", "action_fix_products"): (USER, "read"),
    ("marketplace.product.fix.wizard", "action_create_products"): (USER, "write"),
    ("marketplace.product.fix.wizard", "action_link_products"): (USER, "write"),
    ("marketplace.job", "action_send_again"): (MANAGER, "read"),
    ("marketplace.job", "action_correct_payload"): (MANAGER, "read"),
    ("marketplace.job.payload.wizard", "action_apply"): (MANAGER, "write"),
    ("marketplace.listing", "action_publish"): (USER, "write"),
    ("marketplace.listing", "action_load_specs"): (USER, "write"),
    ("marketplace.listing", "action_approve_price"): (USER, "write"),
    ("marketplace.listing", "action_push_offer"): (USER, "write"),
    ("marketplace.publish.wizard", "action_publish"): (USER, "write"),
    ("marketplace.reimport.wizard", "action_reimport"): (USER, "write"),
    ("marketplace.marketful.stock", "action_apply"): (STOCK_MANAGER, "read"),
    ("marketplace.xmart.import.wizard", "action_import"): (MANAGER, "write"),
    ("marketplace.xmart.store", "action_refresh"): (MANAGER, "write"),
    ("marketplace.xmart.store", "action_activate"): (MANAGER, "write"),
    ("marketplace.xmart.store", "action_deactivate"): (MANAGER, "write"),
    ("marketplace.xmart.list", "action_add_brand_products"): (MANAGER, "write"),
    ("marketplace.xmart.list", "action_push"): (MANAGER, "write"),
    ("marketplace.xmart.transfer.wizard", "action_transfer"): (USER, "write"),
    ("marketplace.xmart.coupon.wizard", "action_redeem"): (USER, "write"),
    ("sale.order", "action_xmart_delivered"): (USER, "write"),
    ("sale.order", "action_xmart_refresh_payment"): (USER, "write"),
    ("stock.picking", "action_marketplace_label"): (STOCK_USER, "write"),
    ("stock.picking", "action_marketplace_labels"): (STOCK_USER, "write"),
    ("stock.picking", "action_xmart_customer_collected"): (STOCK_USER, "write"),
    ("stock.picking", "action_marketful_announce"): (STOCK_USER, "write"),
    ("stock.picking", "action_marketful_events"): (STOCK_USER, "write"),
}
#: arguments of the public methods that take some
CALL_ARGS = {
    "action_reimport_order": ("ORDER-404",),
    "action_correct_payload": ('{"edited": true}',),
}


def module_public_methods(registry):
    """``{(model, method): [functions]}``: every public method the module defines, on its own
    models and on Odoo's, with each definition (a method overridden inside the module has
    several); Odoo's own methods that the module overrides are left out (see the module
    docstring)."""
    found = {}
    for model_name, model_class in registry.items():
        ours, odoo_names = {}, set()
        for klass in model_class.__mro__:
            if klass.__module__.startswith(MODULE_PREFIX):
                for name, value in vars(klass).items():
                    if not name.startswith("_") and callable(value):
                        ours.setdefault(name, []).append(value)
            else:
                odoo_names.update(vars(klass))
        for name, functions in ours.items():
            if name not in odoo_names:
                found[model_name, name] = functions
    return found


def module_models(env):
    """Names of the (concrete) models the module defines."""
    return sorted(name for name, model_class in env.registry.items()
                  if model_class._original_module == "marketplace_connector" and not model_class._abstract)


@tagged("post_install", "-at_install")
class TestAccessMatrix(TrustCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Order, Job = env["sale.order"], env["marketplace.job"]
        cls.buyer = env["res.partner"].create({"name": "Buyer"})
        main = env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)

        # X-Mart onboarding, stores, channels, lists
        brand = cls.xmart.xmart_brand_ids
        city = env["marketplace.xmart.city"].create({"account_id": cls.xmart.id, "name": "Quito"})
        sector = env["marketplace.xmart.sector"].create(
            {"account_id": cls.xmart.id, "name": "Norte", "city_id": city.id})
        zone = env["marketplace.xmart.zone"].create({
            "account_id": cls.xmart.id, "name": "Norte", "code": "Z1", "city_id": city.id,
            "polygons": [[[-78.5, -0.1], [-78.4, -0.1], [-78.4, -0.2]]]})
        channel = env["marketplace.xmart.channel"].create(
            {"account_id": cls.xmart.id, "xmart_id": "CH-1", "name": "App", "brand_id": brand.id})
        stores = env["marketplace.xmart.store"].create([
            {"account_id": cls.xmart.id, "brand_id": brand.id, "code": code, "name": code, "xmart_id": f"X-{code}",
             "warehouse_id": main.id, "city_id": city.id, "sector_id": sector.id, "zone_ids": [Command.set(zone.ids)],
             "channel_ids": [Command.set(channel.ids)]}
            for code in ("QUI-01", "QUI-02")])
        schedule = env["marketplace.xmart.schedule"].create({"store_id": stores[0].id, "channel_id": channel.id})
        xmart_listing = env["marketplace.listing"].create(
            {"account_id": cls.xmart.id, "product_id": cls.charger.id, "seller_sku": "CARG-USBC-20"})
        xmart_list = env["marketplace.xmart.list"].create({
            "name": "Menú", "channel_id": channel.id, "store_id": stores[0].id,
            "listing_ids": [Command.set(xmart_listing.ids)]})

        # Listings
        listing = env["marketplace.listing"].create({
            "account_id": cls.exito.id, "product_id": cls.smartwatch.id, "exito_category": "27193",
            "state": "published", "spec_ids": [Command.create({"name": "Garantía", "value": "1 año"})],
            "component_ids": [Command.create({"product_id": cls.charger.id, "quantity": 1})]})
        listing.offer_state = "needs_approval"
        marketful_listing = env["marketplace.listing"].create({
            "account_id": cls.marketful.id, "product_id": cls.headphones.id, "marketplace_product_id": "77",
            "seller_sku": "AUD-BT-01"})

        # Orders and their deliveries: Éxito (label), X-Mart pickup, Marketful fulfilment
        line = [Command.create({"product_id": cls.smartwatch.id, "product_uom_qty": 1, "price_unit": 189900,
                                "marketplace_line_ref": "L1"})]
        cls.exito_order = Order.create({
            "partner_id": cls.buyer.id, "pricelist_id": cls.pricelist.id, "marketplace_account_id": cls.exito.id,
            "marketplace_order_ref": "637000000000000001", "marketplace_order_number": "1", "order_line": line})
        cls.xmart_order = Order.create({
            "partner_id": cls.buyer.id, "marketplace_account_id": cls.xmart.id, "marketplace_order_ref": "XM-1",
            "marketplace_order_number": "XM-1", "xmart_order_type": "PICKUP", "xmart_store_id": stores[0].id,
            "warehouse_id": main.id, "order_line": line})
        cls.marketful_order = Order.create({
            "partner_id": cls.buyer.id, "warehouse_id": cls.marketful_warehouse.id, "order_line": line})
        (cls.exito_order | cls.xmart_order | cls.marketful_order).action_confirm()
        cls.marketful_order.write({"marketful_order_ref": "5021", "marketful_state": "sent"})
        receipt = env["stock.picking"].create({
            "picking_type_id": cls.marketful_warehouse.in_type_id.id,
            "location_id": env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": cls.marketful_warehouse.lot_stock_id.id,
            "move_ids": [Command.create({
                "name": "Headphones", "product_id": cls.headphones.id, "product_uom_qty": 5,
                "product_uom": cls.headphones.uom_id.id, "location_id": env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": cls.marketful_warehouse.lot_stock_id.id})]})
        receipt.action_confirm()
        coupon = env["marketplace.xmart.coupon"].create(
            {"order_id": cls.xmart_order.id, "customer_uid": "U-1", "code": "PROMO"})

        # Jobs in every state a person acts on
        now = fields.Datetime.now()
        jobs = Job.create([
            {"name": "Import 1", "account_id": cls.exito.id, "job_type": "import_order", "dedupe_key": "order:1",
             "state": "done", "payload": {"id": "1"}, "date_done": now, "res_model": "sale.order",
             "res_id": cls.exito_order.id},
            {"name": "Import 2", "account_id": cls.exito.id, "job_type": "import_order", "dedupe_key": "order:2",
             "state": "failed", "payload": {"id": "2"}, "attempts": 1, "last_error": "clientName missing"},
            {"name": "Fulfil", "account_id": cls.marketful.id, "job_type": "push_fulfillment",
             "dedupe_key": "fulfillment:x", "state": "dead", "payload": {"order_id": cls.marketful_order.id},
             "awaiting_answer_since": now, "attempts": 8},
            {"name": "Read", "account_id": cls.imotriz.id, "job_type": "fetch_orders", "state": "pending",
             "payload": {"purpose": "new"}},
        ])

        # Other records of the module
        settlement = env["marketplace.settlement"].create({
            "account_id": cls.exito.id, "ref": "S1", "billing_number": "9406165195", "commission": 10,
            "line_ids": [Command.create({"name": "Smartwatch", "commission": 10})]})
        stock_line = env["marketplace.marketful.stock"].create({
            "account_id": cls.marketful.id, "listing_id": marketful_listing.id, "product_id": cls.headphones.id,
            "marketful_qty": 3, "odoo_qty": 0, "difference": 3, "state": "differs"})
        marketful_channel = env["marketplace.marketful.channel"].create(
            {"account_id": cls.marketful.id, "name": "Shopify"})
        webhook = env["marketplace.marketful.webhook"].create({
            "account_id": cls.marketful.id, "webhook_id": "1", "topic": "order/created",
            "url": cls.marketful._marketful_webhook_url("order/created")})
        location = env["marketplace.xstak.location"].create(
            {"account_id": cls.xstak.id, "location_id": "LOC-1", "warehouse_id": main.id})

        # Wizards (as someone else would have opened them)
        wizards = {
            "marketplace.publish.wizard": {"account_id": cls.exito.id, "product_ids": [Command.set(cls.speaker.ids)]},
            "marketplace.reimport.wizard": {"account_id": cls.imotriz.id, "order_ref": "ORDER-404"},
            "marketplace.xmart.import.wizard": {
                "account_id": cls.xmart.id, "kind": "city", "filename": "cities.csv",
                "file": base64.b64encode(b"name,latitude,longitude\nCuenca,-2.9,-79.0\n")},
            "marketplace.xmart.transfer.wizard": {
                "order_id": cls.xmart_order.id, "store_id": stores[1].id, "reason": "Closed"},
            "marketplace.xmart.coupon.wizard": {"order_id": cls.xmart_order.id, "customer_uid": "U-2", "code": "NEW"},
            "marketplace.job.payload.wizard": {"job_id": jobs[1].id},
            "marketplace.label.batch": {"file_name": "Marketplace labels.pdf", "problems": "none"},
            "marketplace.product.fix.wizard": {"job_ids": [Command.set(jobs[1].ids)]},
        }
        cls.records = {model: env[model].create(values) for model, values in wizards.items()}
        fix_wizard = cls.records["marketplace.product.fix.wizard"]
        fix_wizard.flush_recordset()  # its lines are computed from its jobs first (none wait here)
        cls.records["marketplace.product.fix.wizard.line"] = env["marketplace.product.fix.wizard.line"].create({
            "wizard_id": fix_wizard.id, "account_id": cls.imotriz.id,
            "name": "Oil filter", "seller_sku": "FIL-ACE-1234", "price": 38900})
        cls.records.update({
            "marketplace.account": cls.accounts,
            "marketplace.job": jobs,
            "marketplace.listing": listing | marketful_listing | xmart_listing,
            "marketplace.listing.spec": listing.spec_ids,
            "marketplace.exito.category": env["marketplace.exito.category"].search([("account_id", "=", cls.exito.id)]),
            "marketplace.listing.component": listing.component_ids,
            "marketplace.settlement": settlement,
            "marketplace.settlement.line": settlement.line_ids,
            "marketplace.marketful.stock": stock_line,
            "marketplace.marketful.channel": marketful_channel,
            "marketplace.marketful.webhook": webhook,
            "marketplace.xstak.location": location,
            "marketplace.xmart.city": city,
            "marketplace.xmart.sector": sector,
            "marketplace.xmart.brand": brand,
            "marketplace.xmart.zone": zone,
            "marketplace.xmart.store": stores,
            "marketplace.xmart.schedule": schedule,
            "marketplace.xmart.channel": channel,
            "marketplace.xmart.list": xmart_list,
            "marketplace.xmart.coupon": coupon,
            "sale.order": cls.exito_order | cls.xmart_order | cls.marketful_order,
            "stock.picking": (cls.exito_order | cls.xmart_order | cls.marketful_order).picking_ids | receipt,
        })

    # -- detectors --------------------------------------------------------------------------

    def written_rows(self):
        """Rows inserted, updated or deleted so far in this transaction, per table."""
        self.env.flush_all()
        self.env.cr.execute("""SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables
                                WHERE n_tup_ins + n_tup_upd + n_tup_del > 0""")
        return dict(self.env.cr.fetchall())

    def attempt(self, function):
        """Run ``function`` in a savepoint rolled back afterwards.

        :return: ``(exception or None, {table: rows written}, outbound calls)``
        """
        before_rows, before_calls = self.written_rows(), len(self.http.calls)
        outcome = changes = None
        with contextlib.suppress(_RollBack), self.env.cr.savepoint():
            try:
                function()
            except Exception as error:  # noqa: BLE001 - the outcome is what is tested
                outcome = error
            try:
                after = self.written_rows()
            except Exception as error:  # noqa: BLE001 - what the call left pending could not be written
                after = {f"<flush failed: {error}>": 1}
            changes = {table: count - before_rows.get(table, 0) for table, count in after.items()
                       if before_rows.get(table) != count}
            raise _RollBack()
        self.env.invalidate_all()
        return outcome, changes, len(self.http.calls) - before_calls

    def create_in_place_of(self, record, model, values):
        """``model.create(values)`` once ``record`` is gone (when it can go: another record may
        still need it), so that a unique constraint does not answer in place of the rules."""
        try:
            with self.env.cr.savepoint():
                record.unlink()
        except Exception:  # noqa: BLE001 - kept: the create then meets it
            self.env.invalidate_all()
        return model.create(values)

    def assert_refused(self, label, function):
        outcome, changes, calls = self.attempt(function)
        self.assertIsInstance(outcome, AccessError, f"{label}: expected AccessError, got {outcome!r}")
        self.assertEqual(changes, {}, f"{label}: rows were written before the refusal")
        self.assertEqual(calls, 0, f"{label}: the marketplace was called before the refusal")

    # -- tests ------------------------------------------------------------------------------

    def test_the_detectors_see_a_write_and_a_call(self):
        _outcome, changes, calls = self.attempt(lambda: self.exito.sudo().write({"auto_import": False}))
        self.assertEqual(changes, {"marketplace_account": 1})
        self.assertEqual(calls, 0)
        _outcome, changes, calls = self.attempt(lambda: self.imotriz.action_test_connection())
        self.assertEqual(calls, 1)
        self.assertTrue(self.exito.auto_import, "rolled back")

    def test_every_public_method_declares_its_guard(self):
        methods = module_public_methods(self.env.registry)
        self.assertIn(("marketplace.account", "action_reset_callback_token"), methods, "the discovery works")
        unguarded = sorted(f"{model}.{name}" for (model, name), functions in methods.items()
                           if not all(declaration_of(function) for function in functions))
        self.assertEqual(unguarded, [], "public methods callable over RPC without @guard (models/access.py)")

    def test_declared_guards_are_the_reviewed_ones(self):
        declared = {}
        for key, functions in module_public_methods(self.env.registry).items():
            guards = {declaration_of(function) for function in functions}
            self.assertEqual(len(guards), 1, f"{key}: the overrides declare different guards: {guards}")
            guard = guards.pop()
            declared[key] = guard and (guard.group, guard.operation)
        self.assertEqual(declared, REVIEWED)

    def test_callers_without_the_right_change_nothing(self):
        """Portal user, internal user without the module's groups, Marketplaces / User (where the
        method asks for more), Marketplaces / Administrator of company B: each public method on
        each record of company A is refused before it writes a row or calls a marketplace."""
        checked = 0
        for (model, name), functions in sorted(module_public_methods(self.env.registry).items()):
            if self.env[model]._abstract:
                continue  # called on the models that inherit it
            guard = declaration_of(functions[0])
            targets = self.records.get(model)
            self.assertTrue(targets, f"no record of {model} to call {name} on: add one to the fixture")
            method = getattr(type(self.env[model]), name)
            required = [parameter for parameter in list(inspect.signature(method).parameters.values())[1:]
                        if parameter.default is inspect.Parameter.empty
                        and parameter.kind is parameter.POSITIONAL_OR_KEYWORD]
            args = CALL_ARGS.get(name, ("x",) * len(required))
            for user in (self.portal, self.internal, self.mkt_user, self.manager_b):
                if user == self.mkt_user and guard and user.has_group(guard.group):
                    continue  # he may act on his company's records
                for record in targets:
                    records = self.as_user(record, user)
                    self.assert_refused(f"{user.login}: {model}.{name}({record.id})",
                                        lambda records=records, name=name, args=args: getattr(records, name)(*args))
                    checked += 1
        self.assertGreater(checked, 300)

    def test_models_refuse_crud_to_other_companies_and_outsiders(self):
        """Every model of the module: portal user, internal user and company B's administrator
        can neither read, create, change nor delete company A's records; nothing remains of
        their attempts."""
        for model in module_models(self.env):
            records = self.records.get(model)
            self.assertTrue(records, f"no record of {model} in the fixture: add one")
            record = records[0]
            Model = self.env[model]
            field = next(name for name, field in Model._fields.items()
                         if field.store and not field.relational and field.type in (
                             "char", "text", "integer", "float", "boolean", "selection")
                         and name not in models_magic_fields(Model) and not field.groups)
            # A copy whose texts differ, so that no unique constraint answers in place of the rules.
            values = {name: f"{value} (2)" if Model._fields[name].type == "char" and value else value
                      for name, value in record.copy_data()[0].items()}
            count = Model.with_context(active_test=False).search_count([])
            for user in (self.portal, self.internal, self.manager_b):
                mine = self.as_user(record, user)
                label = f"{user.login}: {model}"
                outcome, _changes, calls = self.attempt(lambda mine=mine, field=field: mine.read([field]))
                self.assertIsInstance(outcome, AccessError, f"{label} read")
                for operation, function in (
                        ("write", lambda mine=mine, field=field, record=record: mine.write({field: record[field]})),
                        ("unlink", lambda mine=mine: mine.unlink())):
                    self.assert_refused(f"{label} {operation}", function)
                # Odoo checks record rules after the INSERT (the refusal rolls it back); the original
                # goes first so that no unique constraint answers in the rules' place.
                outcome, _changes, calls = self.attempt(
                    lambda user=user, model=model, values=values, record=record: self.create_in_place_of(
                        record, self.as_user(self.env[model], user), values))
                self.assertIsInstance(outcome, AccessError, f"{label} create: {outcome!r}")
                self.assertEqual(calls, 0, f"{label} create")
                self.assertEqual(Model.with_context(active_test=False).search_count([]), count, f"{label} create")
                self.assertTrue(record.exists(), label)


def models_magic_fields(_model):
    return {"id", "display_name", *LOG_ACCESS_COLUMNS}


class _RollBack(Exception):
    """Undo what an attempt did (the attempt's effects were measured inside)."""
