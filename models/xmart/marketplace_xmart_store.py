from odoo import api, fields, models
from odoo.exceptions import UserError

from ...marketplaces.base import MarketplaceError
from ...marketplaces.xmart import const as xmart_const
from ...marketplaces.xmart.records import ChannelSchedule, Schedule, Store
from ..access import MANAGER, guard

WEEKDAY_SELECTION = [(day, day.capitalize()) for day in xmart_const.WEEKDAYS]


def _hours(value):
    """8.5 -> "08:30" (Odoo's float_time widget)."""
    hours, minutes = divmod(round((value or 0) * 60), 60)
    return f"{int(hours):02d}:{int(minutes):02d}"


def _float_hours(text):
    hours, _sep, minutes = (text or "0:0").partition(":")
    return int(hours or 0) + int(minutes or 0) / 60


class XmartStore(models.Model):
    """A store of the brand on X-Mart, shipping from an Odoo warehouse."""

    _name = "marketplace.xmart.store"
    _description = "X-Mart Store"
    _order = "brand_id, code"
    _check_company_auto = True

    account_id = fields.Many2one("marketplace.account", required=True, index=True, ondelete="cascade",
                                 domain="[('marketplace', '=', 'xmart')]")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    xmart_id = fields.Char(string="X-Mart Store ID", readonly=True, copy=False, index=True,
                           help="Given by X-Mart when the store is first saved.")
    brand_id = fields.Many2one("marketplace.xmart.brand", required=True, check_company=True)
    code = fields.Char(string="Store Code", required=True)
    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    status = fields.Selection([("ACTIVE", "Active"), ("INACTIVE", "Inactive")], default="ACTIVE", required=True,
                              readonly=True, help="The store's status on X-Mart (change it with the buttons).")
    warehouse_id = fields.Many2one("stock.warehouse", check_company=True,
                                   help="Orders of this store are made in this warehouse; lists take its stock.")
    city_id = fields.Many2one("marketplace.xmart.city", check_company=True)
    sector_id = fields.Many2one("marketplace.xmart.sector", check_company=True,
                                domain="[('city_id', '=', city_id)]")
    zone_ids = fields.Many2many("marketplace.xmart.zone", "marketplace_xmart_store_zone_rel", "store_id", "zone_id",
                                string="Coverage Zones", check_company=True)
    delivery = fields.Boolean(default=True)
    pickup = fields.Boolean(default=True)
    channel_ids = fields.Many2many("marketplace.xmart.channel", string="Sales Channels", check_company=True)
    schedule_ids = fields.One2many("marketplace.xmart.schedule", "store_id", string="Schedules")
    phone = fields.Char()
    email = fields.Char()
    contact_name = fields.Char()
    address = fields.Char()
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    tax_rate = fields.Float(string="Tax Rate (%)")
    delivery_fee = fields.Float()
    minimum_order = fields.Float()
    last_sync_date = fields.Datetime(string="Read from X-Mart On", readonly=True, copy=False)

    _sql_constraints = [("account_code_uniq", "unique(account_id, code)", "Store codes are unique per account.")]

    def _xmart_record(self):
        """The store as X-Mart's channels-stores call takes it."""
        self.ensure_one()
        schedules = {}
        for line in self.schedule_ids:
            schedules.setdefault(line.channel_id.xmart_id or "", []).append(
                Schedule(day=line.day, start=_hours(line.open_from), end=_hours(line.open_to)))
        return Store(
            store_id=self.xmart_id or "", vendor_id=self.brand_id.identifier, code=self.code, name=self.name,
            status=self.status,
            services=[service for service, on in (("DELIVERY", self.delivery), ("PICKUP", self.pickup)) if on],
            schedules=[ChannelSchedule(channel_id=channel_id, schedules=lines)
                       for channel_id, lines in schedules.items()],
            tax_rate=self.tax_rate, tax_included=True, phone=self.phone or "", email=self.email or "",
            contact_name=self.contact_name or "", zone_ids=self.zone_ids.mapped("code"),
            delivery_fee=self.delivery_fee, minimum_order=self.minimum_order,
            city_id=self.city_id.xmart_id or self.city_id.name or "", city_name=self.city_id.name or "",
            sector_id=self.sector_id.name or "", address=self.address or "",
            latitude=self.latitude or None, longitude=self.longitude or None,
            channel_ids=[channel.xmart_id for channel in self.channel_ids],
        )

    @api.model
    def _xmart_values(self, account, store):
        """Odoo values of a store as X-Mart describes it (the sync keeps warehouse and zones)."""
        brand = account.xmart_brand_ids.filtered(lambda brand: brand.identifier == store.vendor_id)[:1]
        city = account._xmart_city(store.city_name, create=bool(store.city_name))
        channels = account.xmart_channel_ids.filtered(lambda channel: channel.xmart_id in store.channel_ids)
        values = {
            "xmart_id": store.store_id, "code": store.code, "name": store.name or store.code, "status": store.status,
            "delivery": "DELIVERY" in store.services, "pickup": "PICKUP" in store.services,
            "phone": store.phone, "email": store.email, "contact_name": store.contact_name,
            "address": store.address, "latitude": store.latitude or 0, "longitude": store.longitude or 0,
            "tax_rate": store.tax_rate, "delivery_fee": store.delivery_fee, "minimum_order": store.minimum_order,
            "city_id": city.id or False, "channel_ids": [fields.Command.set(channels.ids)],
            "last_sync_date": fields.Datetime.now(),
        }
        if brand:
            values["brand_id"] = brand.id
        zones = account.xmart_zone_ids.filtered(lambda zone: zone.code in store.zone_ids)
        if zones:
            values["zone_ids"] = [fields.Command.set(zones.ids)]
        return values

    @guard(MANAGER, "write")
    def action_refresh(self):
        """Read the store again from X-Mart (get store by id)."""
        for store in self:
            if not store.xmart_id:
                raise UserError(self.env._("%(store)s is not on X-Mart yet.", store=store.name))
            try:
                with store.account_id._get_client() as client:
                    remote = client.get_store(store.xmart_id)
            except MarketplaceError as error:
                raise UserError(self.env["marketplace.job"]._describe_error(error)) from None
            store.write(self._xmart_values(store.account_id, remote))
        return True

    @guard(MANAGER, "write")
    def action_activate(self):
        """Activate the stores on X-Mart."""
        return self._xmart_set_status(True)

    @guard(MANAGER, "write")
    def action_deactivate(self):
        """Deactivate the stores on X-Mart."""
        return self._xmart_set_status(False)

    def _xmart_set_status(self, active):
        """Change the store's status on X-Mart now (a person confirmed it)."""
        for store in self:
            if not store.xmart_id:
                raise UserError(self.env._("Save %(store)s on X-Mart first (Save Stores and Channels on the "
                                           "account).", store=store.name))
            try:
                with store.account_id._get_client() as client:
                    answer = client.set_store_status(store.xmart_id, active)
            except MarketplaceError as error:
                raise UserError(self.env["marketplace.job"]._describe_error(error)) from None
            store.status = answer.status or ("ACTIVE" if active else "INACTIVE")
            store.account_id.message_post(body=self.env._(
                "X-Mart store %(store)s is now %(status)s.", store=store.name,
                status=dict(self._fields["status"]._description_selection(self.env))[store.status]))
        return True
