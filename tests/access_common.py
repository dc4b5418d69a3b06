"""What the trust-boundary tests share: company A with an account of every marketplace, each
holding known secrets, company B, and the people who must not get more than their due."""

import re

from odoo import Command
from odoo.tests import new_test_user

from .common import MARKETFUL_URL, MarketplaceCase

XMART_URL = "http://127.0.0.1:9/xmart"
XSTAK_URL = "http://127.0.0.1:9/xstak"
IMOTRIZ_URL = "http://127.0.0.1:9/imotriz"

#: every secret the accounts of company A hold (the Éxito API token is MarketplaceCase's)
SECRETS = {
    "exito_callback_username": "exito-basic-user-4412",
    "exito_callback_password": "exito-basic-password-8823",
    "marketful_api_token": "marketful-api-token-5531",
    "marketful_user_id": "marketful-seller-7719",
    "imotriz_api_token": "imotriz-api-token-6620",
    "xmart_client_secret": "xmart-client-secret-3318",
    "xmart_token": "xmart-access-token-9071",
    "xmart_webhook_secret": "xmart-webhook-secret-2286",
    "xstak_client_secret": "xstak-client-secret-4409",
    "xstak_token": "xstak-access-token-1175",
}
#: a callback or webhook URL of this module, whatever its token
TOKEN_URL = re.compile(r"/marketplace/(?:exito|marketful|xmart)/[A-Za-z0-9_-]{8,}")


class TrustCase(MarketplaceCase):
    """Company A with one account per marketplace (secrets set), company B with its own Éxito
    account, and: a portal user and an internal user without the module's groups (company A), a
    Marketplaces / User and a Marketplaces / Administrator of company A, a Marketplaces /
    Administrator of company B, and a system administrator of company A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["ir.config_parameter"].sudo().set_param("web.base.url", "http://localhost:8069")
        cls.company_b = env["res.company"].create({"name": "Company B"})
        cls.portal = cls.make_user("trust_portal", "base.group_portal")
        cls.internal = cls.make_user("trust_internal", "base.group_user")
        cls.mkt_user = cls.make_user("trust_mkt_user", "base.group_user,marketplace_connector.group_marketplace_user")
        cls.mkt_manager = cls.make_user(
            "trust_mkt_manager", "base.group_user,marketplace_connector.group_marketplace_manager")
        cls.manager_b = cls.make_user(
            "trust_manager_b", "base.group_user,marketplace_connector.group_marketplace_manager", cls.company_b)
        cls.system_admin = cls.make_user(
            "trust_system", "base.group_system,marketplace_connector.group_marketplace_manager")

        Account = env["marketplace.account"]
        cls.exito = cls.account
        cls.exito.write({"callback_username": SECRETS["exito_callback_username"],
                         "callback_password": SECRETS["exito_callback_password"]})
        cls.marketful_warehouse = env["stock.warehouse"].create({"name": "Marketful CDMX", "code": "MKF"})
        cls.marketful = Account.create({
            "name": "Marketful A", "marketplace": "marketful", "api_url": MARKETFUL_URL,
            "api_token": SECRETS["marketful_api_token"], "marketful_user_id": SECRETS["marketful_user_id"],
            "warehouse_id": cls.marketful_warehouse.id})
        cls.imotriz = Account.create({
            "name": "iMotriz A", "marketplace": "imotriz", "api_url": IMOTRIZ_URL,
            "api_token": SECRETS["imotriz_api_token"], "pricelist_id": cls.pricelist.id})
        cls.xmart = Account.create({
            "name": "X-Mart A", "marketplace": "xmart", "api_url": XMART_URL, "xmart_client_id": "xmart-client",
            "xmart_client_secret": SECRETS["xmart_client_secret"],
            "xmart_webhook_secret": SECRETS["xmart_webhook_secret"],
            "xmart_brand_ids": [Command.create({"name": "Pollo Dorado", "identifier": "BR-001"})]})
        cls.xmart.write({"xmart_token": SECRETS["xmart_token"], "xmart_token_expires_at": 4102444800.0})
        cls.xstak = Account.create({
            "name": "XStak A", "marketplace": "xstak", "api_url": XSTAK_URL, "xstak_client_id": "xstak-client",
            "xstak_client_secret": SECRETS["xstak_client_secret"], "xstak_company_code": "ACME"})
        cls.xstak.write({"xstak_token": SECRETS["xstak_token"], "xstak_token_expires_at": 4102444800.0})
        cls.accounts = cls.exito | cls.marketful | cls.imotriz | cls.xmart | cls.xstak
        cls.account_b = cls.create_account(cls.company_b, name="Éxito B")

    @classmethod
    def make_user(cls, login, groups, company=None):
        company = company or cls.company
        return new_test_user(cls.env, login=login, groups=groups, company_id=company.id,
                             company_ids=[Command.set(company.ids)])

    @classmethod
    def known_secrets(cls):
        """Every secret value of company A's accounts, callback tokens included."""
        accounts = cls.accounts.sudo()
        return {*SECRETS.values(), *accounts.mapped("api_token"), *accounts.mapped("callback_token")} - {
            False, None, ""}

    def as_user(self, records, user):
        """``records`` as seen by ``user`` (his own companies only)."""
        return records.with_env(records.env(user=user, context={}))
