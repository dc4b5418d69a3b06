"""Field level: no token, secret or URL that carries one reaches a Marketplaces / User or a
Marketplaces / Administrator who is not a system administrator, through any field of any model
of the module, the module's fields on Odoo's models, fields_get, the chatter or the jobs."""

import json

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .access_common import SECRETS, TOKEN_URL, TrustCase
from .common import EXITO_ORDERS_URL, EXITO_TOKEN, exito_order, orders_page
from .test_access_matrix import module_models
from .test_trust_boundary import MarketfulWebhooks

MODULE = "marketplace_connector"
TOPICS = ("order/created", "order/updated", "shipment_event/created")


@tagged("post_install", "-at_install")
class TestSecrets(TrustCase):

    def produce_traffic(self):
        """What puts secrets within reach in real life: webhooks registered then moved to new
        URLs, orders imported, the marketplace refusing (and echoing) the token."""
        old_tokens = set(self.accounts.mapped("callback_token"))
        MarketfulWebhooks(self.http, [(topic, self.marketful._marketful_webhook_url(topic)) for topic in TOPICS])
        admin = self.as_user(self.marketful | self.exito | self.xmart, self.system_admin)
        admin.action_reset_callback_token()
        self.as_user(self.marketful, self.system_admin).action_marketful_register_webhooks()
        self.assertTrue(self.marketful.marketful_webhook_ids.filtered("is_odoo"))

        # A webhook delivery through the ingress path: Marketful's body names the seller's user id.
        event = {"tipo": "shipment_event/created", "webhook_id": 1, "user": SECRETS["marketful_user_id"],
                 "data": {"id": 90001, "order_id": 5060, "status": "enviado", "tracking_number": "EST-1"}}
        account = self.env["marketplace.account"]._ingress_find(self.marketful.callback_token, "marketful")
        self.assertTrue(self.env["marketplace.job"]._ingress_insert(account, self.marketful._marketful_webhook_jobs(
            "shipment_event/created", event, json.dumps(event).encode())))

        self.mock_pages(orders_page([exito_order(21, [("7752285029933", "smartwatch08", 1, 189900)])]))
        self.exito.action_import_orders()
        self.assertTrue(self.orders_of())
        self.http.get(EXITO_ORDERS_URL, status=401, json={"message": f"Token {EXITO_TOKEN} no es válido"})
        self.exito.action_import_orders()
        self.assertTrue(self.exito.credentials_refused, "the refusal was recorded")
        return old_tokens

    def readable(self, user):
        """Everything ``user`` can read of the module: ``{where: value}``."""
        seen = {}
        env = self.env(user=user, context={"active_test": False})
        for model in module_models(self.env):
            Model = env[model]
            seen[f"{model} fields_get"] = Model.fields_get()
            if not Model.has_access("read"):
                continue
            for values in Model.search([]).read():
                seen[f"{model}({values['id']})"] = values
        for model, model_class in self.env.registry.items():
            names = [name for name, field in model_class._fields.items()
                     if MODULE in (field._modules or ()) and field.is_accessible(env)]
            if model_class._original_module == MODULE or not names or model_class._abstract:
                continue
            Model = env[model]
            seen[f"{model} fields_get"] = Model.fields_get(names)
            if Model.has_access("read"):
                records = Model.search([("id", "in", self.env[model].search([], limit=200).ids)])
                seen[model] = records.read(names)
        messages = env["marketplace.account"].search([]).message_ids | env["marketplace.job"].search([]).message_ids
        seen["messages"] = messages.read(["body", "subject", "preview"])
        try:
            seen["tracking"] = messages.tracking_value_ids.read()
        except AccessError:
            seen["tracking"] = "not readable"
        activities = env["marketplace.account"].search([]).activity_ids._filtered_access("read")
        seen["activities"] = activities.read(["summary", "note"])
        return seen

    def test_no_secret_reaches_marketplace_people(self):
        old_tokens = self.produce_traffic()
        secrets = self.known_secrets() | old_tokens
        self.assertIn(EXITO_TOKEN, secrets)
        for user in (self.mkt_user, self.mkt_manager):
            readable = self.readable(user)
            self.assertIn(f"marketplace.marketful.webhook({self.marketful.marketful_webhook_ids[0].id})", readable)
            self.assertIn("moved to Odoo", json.dumps(readable["messages"]), "the chatter is read")
            self.assertIn("no es válido", json.dumps(readable, default=str, ensure_ascii=False),
                          "the refusal is read (its token hidden)")
            for where, value in readable.items():
                text = json.dumps(value, default=str, ensure_ascii=False)
                for secret in secrets:
                    self.assertNotIn(secret, text, f"{user.login} reads a secret in {where}")
                self.assertFalse(TOKEN_URL.search(text), f"{user.login} reads a token URL in {where}")

    def test_secret_fields_are_refused_one_by_one(self):
        webhook = self.env["marketplace.marketful.webhook"].create({
            "account_id": self.marketful.id, "webhook_id": "9", "topic": "order/created",
            "url": self.marketful._marketful_webhook_url("order/created")})
        secret_fields = ["api_token", "callback_token", "callback_username", "callback_password",
                         "exito_notifyproduct_url", "exito_notifyoffer_url", "marketful_user_id",
                         "marketful_webhook_order_created_url", "marketful_webhook_order_updated_url",
                         "marketful_webhook_shipment_url", "xmart_client_secret", "xmart_token",
                         "xmart_token_expires_at", "xmart_webhook_secret", "xmart_webhook_url",
                         "xstak_client_secret", "xstak_token", "xstak_token_expires_at"]
        for user in (self.mkt_user, self.mkt_manager):
            accounts = self.as_user(self.accounts, user)
            self.assertFalse(set(secret_fields) & set(accounts.fields_get()))
            for name in secret_fields:
                with self.subTest(user=user.login, field=name), self.assertRaises(AccessError):
                    accounts.read([name])
                if self.accounts._fields[name].store:
                    with self.subTest(user=user.login, field=name, search=True), self.assertRaises(AccessError):
                        accounts.search([(name, "=", "x")])
            with self.assertRaises(AccessError):
                self.as_user(webhook, user).read(["url"])
            with self.assertRaises(AccessError):
                self.as_user(webhook, user).search([("url", "like", "marketplace")])
        self.assertEqual(self.as_user(self.marketful, self.system_admin).marketful_webhook_ids.url, webhook.url)
