"""The findings of issue 11 about users, each reproduced: callback tokens reset by anyone, remote
webhooks moved before a refusal, jobs rewritten and re-run, a token logged by a duplicate account."""

import json

import psycopg2

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .access_common import TOKEN_URL, TrustCase
from .common import MARKETFUL_URL, exito_order, orders_page


class MarketfulWebhooks:
    """Marketful's webhooks API as the seed describes it: one webhook per topic; registering a
    topic that has another URL answers 404 "Ya existe un Webhook para <tipo>"."""

    def __init__(self, http, existing=()):
        self.hooks = {topic: (str(index + 1), url) for index, (topic, url) in enumerate(existing)}
        self.next_id = 100
        http.add_callback("GET", MARKETFUL_URL + "/webhooks/consultar", callback=self.list)
        http.add_callback("POST", MARKETFUL_URL + "/webhooks/crear", callback=self.create)
        http.add_callback("POST", MARKETFUL_URL + "/webhooks/eliminar", callback=self.delete)

    def list(self, _request):
        return 200, {}, json.dumps({"message": "Success", "webhooks": [
            {"id": hook_id, "tipo": topic, "url": url} for topic, (hook_id, url) in self.hooks.items()]})

    def create(self, request):  # pylint: disable=method-required-super  # a responses callback
        body = json.loads(request.body)
        current = self.hooks.get(body["tipo"])
        if current and current[1] != body["url"]:
            return 404, {}, json.dumps({"message": f"Ya existe un Webhook para {body['tipo']}"})
        if not current:
            self.next_id += 1
            self.hooks[body["tipo"]] = current = (str(self.next_id), body["url"])
        return 200, {}, json.dumps({"message": "Success", "webhook": {
            "id": current[0], "tipo": body["tipo"], "url": current[1]}})

    def delete(self, request):
        webhook_id = str(json.loads(request.body)["webhook_id"])
        for topic, (hook_id, _url) in list(self.hooks.items()):
            if hook_id == webhook_id:
                del self.hooks[topic]
                return 200, {}, json.dumps({"message": "Success"})
        return 404, {}, json.dumps({"message": f"Webhook {webhook_id} no encontrado"})


@tagged("post_install", "-at_install")
class TestTrustBoundary(TrustCase):

    def tokens(self):
        return dict(self.env["marketplace.account"].sudo().search([]).mapped(
            lambda account: (account.id, account.callback_token)))

    # -- finding 1: anyone reset every callback token ---------------------------------------

    def test_callback_tokens_are_reset_by_system_administrators_only(self):
        every_account = self.accounts | self.account_b
        before = self.tokens()
        for user in (self.portal, self.internal, self.mkt_user, self.mkt_manager, self.manager_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.as_user(every_account, user).action_reset_callback_token()
            self.assertEqual(self.tokens(), before, f"{user.login} changed callback tokens")
        with self.assertRaises(AccessError, msg="a system administrator of company A only: not B's accounts"):
            self.as_user(self.account_b, self.system_admin).action_reset_callback_token()

        old_url = self.exito.exito_notifyproduct_url
        self.as_user(self.exito, self.system_admin).action_reset_callback_token()
        after = self.tokens()
        self.assertNotEqual(after[self.exito.id], before[self.exito.id])
        self.assertEqual({key: value for key, value in after.items() if key != self.exito.id},
                         {key: value for key, value in before.items() if key != self.exito.id})
        self.assertNotEqual(self.exito.exito_notifyproduct_url, old_url)
        message = self.exito.message_ids[0]
        self.assertIn("previous ones no longer work", message.body)
        self.assertFalse(TOKEN_URL.search(message.body) or before[self.exito.id] in message.body)

    # -- finding 9: Register Webhooks moved Marketful's webhooks before refusing ------------

    def test_webhook_buttons_refuse_marketplace_people_before_calling_marketful(self):
        MarketfulWebhooks(self.http, [("order/created", "https://erp.example.com/hooks")])
        for user in (self.mkt_user, self.mkt_manager, self.manager_b):
            for method in ("action_marketful_register_webhooks", "action_marketful_replace_webhooks",
                           "action_marketful_remove_webhooks", "action_reset_callback_token"):
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    getattr(self.as_user(self.marketful, user), method)()
        self.assertEqual(len(self.http.calls), 0, "Marketful was not called")

    def test_moved_webhooks_are_named_by_their_host_never_by_their_token_url(self):
        old_token = self.marketful.callback_token
        old_urls = [self.marketful._marketful_webhook_url(topic)
                    for topic in ("order/created", "order/updated", "shipment_event/created")]
        marketful = MarketfulWebhooks(self.http, zip(("order/created", "order/updated", "shipment_event/created"),
                                                     old_urls, strict=True))
        admin = self.as_user(self.marketful, self.system_admin)
        admin.action_reset_callback_token()
        admin.action_marketful_register_webhooks()
        new_token = self.marketful.callback_token
        self.assertTrue(all(url.endswith(tuple(("order_created", "order_updated", "shipment_event_created")))
                            and new_token in url for _id, url in marketful.hooks.values()))
        moved = self.marketful.message_ids.filtered(lambda message: "moved to Odoo" in (message.body or ""))
        self.assertTrue(moved)
        self.assertIn("http://localhost:8069", moved.body)
        for message in self.marketful.message_ids:
            self.assertFalse(TOKEN_URL.search(message.body or ""), message.body)
            self.assertNotIn(old_token, message.body or "")
            self.assertNotIn(new_token, message.body or "")

    # -- finding 9: a duplicate account logged its INSERT, token included --------------------

    def test_the_same_seller_twice_is_refused_without_logging_the_insert(self):
        as_admin = self.as_user(self.env["marketplace.account"], self.system_admin)
        with self.assertNoLogs("odoo.sql_db", level="ERROR"), \
                self.assertRaisesRegex(ValidationError, "Éxito test already connects") as caught, \
                self.env.cr.savepoint():
            as_admin.create({"name": "Éxito again", "marketplace": "exito", "api_url": self.exito.api_url,
                             "api_token": self.exito.api_token})
        self.assertNotIn(self.exito.api_token, str(caught.exception))
        # Another seller's account of the same marketplace, in the same company, is welcome.
        as_manager = self.as_user(self.env["marketplace.account"], self.mkt_manager)
        with self.assertNoLogs("odoo.sql_db", level="ERROR"):
            second = as_manager.create({"name": "Éxito store 2", "marketplace": "exito"})
        self.assertEqual(second.company_id, self.exito.company_id)
        with self.assertNoLogs("odoo.sql_db", level="ERROR"), self.assertRaises(AccessError):
            as_manager.create({"name": "B", "marketplace": "exito", "company_id": self.company_b.id,
                               "api_token": "second-token-6632"})

    def test_a_statement_refused_by_postgresql_never_logs_credentials(self):
        Account = self.env["marketplace.account"]
        with self.assertLogs("odoo.sql_db", level="ERROR") as logs:
            for values in ({"name": False}, {"name": "FK", "warehouse_id": 999999999}):
                with self.subTest(values=values), self.assertRaises(psycopg2.IntegrityError), \
                        self.env.cr.savepoint():
                    Account.create({"marketplace": "xstak", "company_id": self.company_b.id,
                                    "api_token": "logged-token-5512", "xstak_client_secret": "logged-secret-7731",
                                    **values})
            with self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint():  # NOT NULL: the row in DETAIL
                self.exito.write({"name": False})
        output = "\n".join(logs.output)
        self.assertIn("marketplace_account", output, "the failure is still logged")
        for secret in ("logged-token-5512", "logged-secret-7731", *self.known_secrets()):
            self.assertNotIn(secret, output)

    def test_only_system_administrators_move_where_the_credentials_are_sent(self):
        for account in self.accounts:
            with self.subTest(account=account.name), self.assertRaises(AccessError):
                self.as_user(account, self.mkt_manager).write({"api_url": "https://attacker.example"})
        self.assertNotIn("https://attacker.example", self.accounts.mapped("api_url"))
        self.as_user(self.exito, self.system_admin).write({"api_url": "http://127.0.0.1:9/exito2"})
        self.assertEqual(self.exito.api_url, "http://127.0.0.1:9/exito2")

    def test_an_administrator_changes_the_x_mart_client_without_touching_its_token_field(self):
        self.as_user(self.xmart, self.mkt_manager).write({"xmart_client_id": "other-client"})
        self.assertEqual(self.xmart.xmart_client_id, "other-client")
        self.assertFalse(self.xmart.xmart_token, "the token of the former client is dropped")

    def test_warehouse_staff_without_marketplace_groups_get_the_label(self):
        """The guard asks for what Odoo asks of the record's people (Inventory / User on the
        delivery), and the account acts for them: they need not see marketplace accounts."""
        self.import_one_order()
        order = self.orders_of()
        picking = order.picking_ids
        storekeeper = self.make_user("trust_storekeeper", "base.group_user,stock.group_stock_user")
        with self.assertRaises(AccessError):
            self.as_user(picking, self.internal).action_marketplace_label()
        self.assertEqual(len(self.http.calls), 1, "only the import read Éxito")
        sticker = f"{self.exito.api_url}/dev/api/orders/{order.marketplace_order_number}/sticker"
        self.http.get(sticker, json={"errors": [], "data": "http://127.0.0.1:9/s3/Label_11.pdf",
                                     "message": "Operación realizada con éxito", "pendingResponse": False})
        self.http.get("http://127.0.0.1:9/s3/Label_11.pdf", body=b"%PDF-1.4 label", content_type="application/pdf")
        action = self.as_user(picking, storekeeper).action_marketplace_label()
        self.assertEqual(picking.marketplace_label_id.raw, b"%PDF-1.4 label")
        self.assertIn(f"/web/content/{picking.marketplace_label_id.id}", action["url"])

    # -- finding 3: a Marketplaces / User rewrote a done job and re-ran it -------------------

    def import_one_order(self):
        self.mock_pages(orders_page([exito_order(11, [("7752285029933", "smartwatch08", 1, 189900)])]))
        self.exito.action_import_orders()
        job = self.jobs_of()
        self.assertEqual(job.state, "done")
        return job

    def test_nobody_rewrites_a_job_outside_its_methods(self):
        job = self.import_one_order()
        orders = self.orders_of()
        edited = dict(job.payload, id="637000000000000099", orderNumber="99", costTotalOrder=1)
        for user in (self.mkt_user, self.mkt_manager, self.system_admin):
            as_user = self.as_user(job, user)
            for values in ({"state": "pending", "payload": edited}, {"attempts": 0}, {"dedupe_key": "order:x"},
                           {"res_id": 1}, {"next_attempt_date": fields.Datetime.now()},
                           {"awaiting_answer_since": False}, {"payload_text": "{}"}):
                with self.subTest(user=user.login, values=list(values)), self.assertRaises(AccessError):
                    as_user.write(values)
            with self.assertRaises(AccessError):
                as_user.unlink()
            with self.assertRaises(AccessError):
                self.as_user(self.Job, user).create({"name": "forged", "account_id": self.exito.id,
                                                     "job_type": "import_order", "payload": edited})
            with self.assertRaises(AccessError):
                as_user.copy()
            as_user.action_retry()  # a done job is not retried
        self.assertEqual(job.state, "done")
        self.assertNotEqual(job.payload, edited)
        self.run_jobs()
        self.assertEqual(self.orders_of(), orders, "no forged order")

    def test_a_manager_corrects_the_payload_of_a_failed_job_and_the_chatter_keeps_it(self):
        bad = exito_order(12, [("7752285029933", "smartwatch08", 1, 189900)])
        del bad["clientName"]
        self.mock_pages(orders_page([bad]))
        self.exito.action_import_orders()
        job = self.jobs_of()
        self.assertEqual(job.state, "dead", "a payload that cannot validate gives up at once")
        fixed = dict(bad, clientName="Carlos Pérez")

        with self.assertRaises(AccessError):
            self.as_user(job, self.mkt_user).action_correct_payload(json.dumps(fixed))
        with self.assertRaises(AccessError):
            self.as_user(job, self.manager_b).action_correct_payload(json.dumps(fixed))
        with self.assertRaises(AccessError, msg="company B's manager cannot open the wizard on A's job"):
            self.as_user(self.env["marketplace.job.payload.wizard"], self.manager_b).create({"job_id": job.id})

        wizard = self.as_user(self.env["marketplace.job.payload.wizard"], self.mkt_manager).create({"job_id": job.id})
        self.assertEqual(json.loads(wizard.payload_text), bad)
        wizard.payload_text = json.dumps(fixed)
        wizard.action_apply()
        self.assertEqual(job.payload, fixed)
        note = job.message_ids[0]
        self.assertEqual(note.author_id, self.mkt_manager.partner_id)
        self.assertTrue(note.date)
        self.assertIn("Payload corrected by", note.body)
        before, after = note.body.split("After:")
        self.assertIn('"clientName": "Carlos Pérez"', after)
        self.assertNotIn("Carlos Pérez", before, "the payload before the correction")
        self.assertIn(f'"orderNumber": "{bad["orderNumber"]}"', before)

        self.as_user(job, self.mkt_user).action_retry()
        self.run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(self.orders_of().partner_id.name, "Carlos Pérez")
        with self.assertRaisesRegex(UserError, "failed or gave up"):
            self.as_user(job, self.mkt_manager).action_correct_payload("{}")

    def test_a_pending_job_is_not_corrected_and_retry_cancel_stay_in_the_company(self):
        job = self.Job.create({"name": "Pending", "account_id": self.exito.id, "job_type": "import_order",
                               "payload": {"id": "1"}, "next_attempt_date": "2100-01-01"})
        with self.assertRaisesRegex(UserError, "failed or gave up"):
            self.as_user(job, self.mkt_manager).action_correct_payload("{}")
        with self.assertRaises(AccessError):
            self.as_user(job, self.manager_b).action_cancel()
        self.assertEqual(job.state, "pending")
        self.as_user(job, self.mkt_user).action_cancel()
        self.assertEqual(job.state, "cancelled")
        with self.assertRaises(AccessError):
            self.as_user(job, self.manager_b).action_retry()
        self.as_user(job, self.mkt_user).action_retry()
        self.assertEqual(job.state, "pending")

    def test_creating_jobs_leaves_no_chatter_or_followers(self):
        self.import_one_order()
        jobs = self.Job.search([("account_id", "=", self.exito.id)])
        self.assertEqual(len(jobs), 2)
        self.assertFalse(jobs.message_ids)
        self.assertFalse(jobs.message_follower_ids)


@tagged("post_install", "-at_install")
class TestTrustBoundaryOverRpc(HttpCase, TrustCase):
    """The same refusals through ``/web/dataset/call_kw``, as a hostile client sends them."""

    def setUp(self):
        super().setUp()
        self.http.add_passthru(self.base_url())  # the requests to Odoo itself

    def call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs})

    def test_portal_user_cannot_reset_the_callback_tokens(self):
        tokens = (self.accounts | self.account_b).mapped("callback_token")
        self.authenticate("trust_portal", "trust_portal")
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.call("marketplace.account", "action_reset_callback_token", (self.accounts | self.account_b).ids)
        self.env.invalidate_all()
        self.assertEqual((self.accounts | self.account_b).mapped("callback_token"), tokens)

    def test_marketplace_user_cannot_rewrite_a_job(self):
        job = self.Job.create({"name": "Done", "account_id": self.exito.id, "job_type": "import_order",
                               "state": "done", "payload": {"id": "1"}, "dedupe_key": "order:1"})
        self.authenticate("trust_mkt_user", "trust_mkt_user")
        self.assertEqual(self.call("marketplace.job", "read", job.ids, ["state"])[0]["state"], "done")
        for values in ({"state": "pending"}, {"payload": {"id": "2"}}, {"attempts": 0}, {"dedupe_key": "order:2"},
                       {"res_id": 1}):
            with self.subTest(values=values), self.assertRaisesRegex(JsonRpcException, "AccessError"):
                self.call("marketplace.job", "write", job.ids, values)
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.call("marketplace.job", "action_correct_payload", job.ids, "{}")
        self.env.invalidate_all()
        self.assertRecordValues(job, [{"state": "done", "payload": {"id": "1"}, "dedupe_key": "order:1"}])

