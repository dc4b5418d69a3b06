import unicodedata

from odoo import api, models

# Odoo never contacts marketplace buyers (mail, SMS, portal invitations): the marketplace owns the
# relation with them. A document is a marketplace one when it belongs to an imported order (its
# ``marketplace_account_id``); a hand-made order for the same partner is ordinary Odoo. Two nets,
# on each of the buyer-facing documents (sale.order, stock.picking, account.move):
# - ``message_subscribe``: Odoo's own flows (import, confirmation, deliveries, their backorders) do not make
#   the buyers followers of a marketplace document (the flows say so with NO_BUYER_FOLLOWERS in the
#   context; a person may still add a buyer, e.g. to share the order on the portal);
# - ``_notify_get_recipients``: whatever is posted on a marketplace document (a template sent by
#   Odoo or another module, stock_sms's SMS, a message a person writes), the buyers are not among
#   its recipients. It is the one path of Odoo's mail and SMS notifications, so it also holds for
#   modules that are not installed today (stock_sms), whatever their load order.
# The flows that would only post for the buyer are left out explicitly too (order confirmation,
# delivery confirmation, invoice sending by email, portal invitations).


#: context key of the flows whose subscriptions leave the buyers out
NO_BUYER_FOLLOWERS = "marketplace_no_buyer_followers"


def subscriptions_without_buyers(records, partner_ids):
    """How to subscribe ``partner_ids`` to ``records`` leaving out, on each marketplace record, its
    buyers, in Odoo's own flows: ``[(records, partner ids), ...]``, or None when nothing is left out
    (subscribe as asked).

    :param records: sale orders, deliveries or invoices (they have ``_marketplace_buyers``)
    """
    context = records.env.context
    if not (context.get(NO_BUYER_FOLLOWERS) or context.get("marketplace_import")):
        return None
    if not partner_ids or not records._marketplace_buyers():
        return None
    Partner = records.env["res.partner"]
    groups = {}
    for record in records:
        kept = tuple(Partner._marketplace_without_buyers(partner_ids, record._marketplace_buyers()))
        groups[kept] = groups.get(kept, records.browse()) | record
    return [(group, list(kept)) for kept, group in groups.items()]


def recipients_without_buyers(record, recipients):
    """``recipients`` (``_notify_get_recipients`` data) without the buyers of ``record``."""
    buyers = record._marketplace_buyers() if len(record) == 1 else record.env["res.partner"]
    if not buyers or not recipients:
        return recipients
    kept = set(record.env["res.partner"]._marketplace_without_buyers([data["id"] for data in recipients], buyers))
    return [data for data in recipients if data["id"] in kept]


def _normalize(text):
    """Lowercase, unaccented, single-spaced text, to compare names and addresses."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace(".", " ").split())


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _marketplace_find_or_create_buyers(self, account, buyers):
        """Partners for marketplace buyers, found by identification or created.

        A known buyer who ships to a new address gets a delivery contact for it. Everything is
        resolved with a few queries for the whole batch.

        :param account: the ``marketplace.account`` the orders come from
        :param list buyers: ``records.Buyer``
        :return: one ``(customer, shipping_partner)`` pair per buyer, in order
        """
        company = account.company_id
        places = self._marketplace_places(buyers)
        identifications = {buyer.identification for buyer in buyers if buyer.identification}
        known = {}
        if identifications:
            found = self.search_fetch(
                [("vat", "in", list(identifications)), ("parent_id", "=", False),
                 ("company_id", "in", (False, company.id))],
                ["vat", "street", "city"], order="company_id, id")
            for partner in found:
                known.setdefault(partner.vat, partner)

        new_values = {}
        for buyer in buyers:
            if buyer.identification not in known:
                key = buyer.identification or id(buyer)
                new_values.setdefault(key, self._marketplace_buyer_values(buyer, company, places))
        created = dict(zip(new_values, self.create(list(new_values.values())), strict=True))

        deliveries = self.search_fetch(
            [("parent_id", "in", [partner.id for partner in known.values()]), ("type", "=", "delivery")],
            ["parent_id", "street", "city"]) if known else self.browse()
        delivery_by_key = {
            (contact.parent_id.id, _normalize(contact.street), _normalize(contact.city)): contact
            for contact in deliveries
        }
        pairs, to_create = [], {}
        for buyer in buyers:
            if buyer.identification not in known:
                partner = created[buyer.identification or id(buyer)]
                pairs.append([partner, partner])
                continue
            partner = known[buyer.identification]
            street, city = _normalize(buyer.address.street), _normalize(buyer.address.city)
            if (street, city) == (_normalize(partner.street), _normalize(partner.city)):
                pairs.append([partner, partner])
                continue
            key = (partner.id, street, city)
            if key not in delivery_by_key and key not in to_create:
                to_create[key] = dict(self._marketplace_buyer_values(buyer, company, places),
                                      parent_id=partner.id, type="delivery", vat=False)
            pairs.append([partner, key])
        delivery_by_key.update(zip(to_create, self.create(list(to_create.values())), strict=True))
        return [(partner, delivery_by_key[shipping] if isinstance(shipping, tuple) else shipping)
                for partner, shipping in pairs]

    @api.model
    def _marketplace_without_buyers(self, partner_ids, buyers):
        """``partner_ids`` without the buyers (their contacts included: same commercial entity).

        :param partner_ids: ids of partners about to be contacted or subscribed
        :param buyers: commercial partners of marketplace buyers (``_marketplace_buyers()``)
        :rtype: list
        """
        if not buyers or not partner_ids:
            return list(partner_ids or ())
        partners = self.sudo().browse(list(partner_ids))
        return [partner.id for partner in partners if partner.commercial_partner_id not in buyers]

    def _marketplace_only_buyers(self):
        """The partners of ``self`` known only as marketplace buyers: their commercial entity has
        marketplace orders and no other sale order (a seller who sells to them directly may invite
        them to the portal; Odoo never does on its own)."""
        SaleOrder = self.env["sale.order"].sudo().with_context(active_test=False)
        only = self.browse()
        for partner in self:
            domain = [("partner_id", "child_of", partner.commercial_partner_id.id), ("state", "!=", "cancel")]
            if (SaleOrder.search_count(domain + [("marketplace_account_id", "!=", False)], limit=1)
                    and not SaleOrder.search_count(domain + [("marketplace_account_id", "=", False)], limit=1)):
                only |= partner
        return only

    @api.model
    def _marketplace_places(self, buyers):
        """Countries and states of the buyers' addresses, read once for the batch."""
        codes = {buyer.address.country_code for buyer in buyers if buyer.address.country_code}
        countries = self.env["res.country"].search_fetch([("code", "in", list(codes))], ["code"]) if codes else []
        states = self.env["res.country.state"].search_fetch(
            [("country_id", "in", [country.id for country in countries])], ["code", "name", "country_id"]
        ) if countries else []
        by_state = {}
        for state in states:
            by_state[(state.country_id.code, state.code)] = state
            by_state[(state.country_id.code, _normalize(state.name))] = state
        return {"countries": {country.code: country for country in countries}, "states": by_state}

    @api.model
    def _marketplace_buyer_values(self, buyer, company, places):
        address = buyer.address
        country = places["countries"].get(address.country_code)
        state = (places["states"].get((address.country_code, address.state_code))
                 or places["states"].get((address.country_code, _normalize(address.state_name))))
        return {
            "name": buyer.name,
            "vat": buyer.identification or False,
            "email": buyer.email or False,
            "phone": buyer.phone or False,
            "street": address.street or False,
            "street2": address.street2 or False,
            "city": address.city or False,
            "zip": address.zip or False,
            "state_id": state.id if state else False,
            "country_id": country.id if country else False,
            "company_id": company.id,
            "customer_rank": 1,
        }
