from datetime import timedelta

import requests
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EXITO_ORDERS_URL, EXITO_TOKEN, MarketplaceCase, exito_order, orders_page

NOW = "2026-11-20 12:00:00"


@tagged("post_install", "-at_install")
class TestJobRunner(MarketplaceCase):

    def fetch_job(self):
        return self.jobs_of("fetch_orders")

    def set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(f"marketplace_connector.{key}", value)

    @freeze_time(NOW)
    def test_transient_errors_back_off_exponentially_then_give_up_with_an_activity(self):
        self.set_param("job_max_attempts", 3)
        self.http.get(EXITO_ORDERS_URL, status=503, json={"message": "Service Unavailable"})
        self.account._enqueue_order_fetch()
        job = self.fetch_job()
        now = fields.Datetime.now()

        self.run_jobs()
        self.assertRecordValues(job, [{"state": "failed", "attempts": 1,
                                       "next_attempt_date": now + timedelta(seconds=60)}])
        self.assertIn("HTTP 503", job.last_error)
        self.run_jobs()
        self.assertEqual(job.attempts, 1, "not due yet: not run again")

        with freeze_time(now + timedelta(seconds=61)):
            self.run_jobs()
        self.assertRecordValues(job, [{"state": "failed", "attempts": 2,
                                       "next_attempt_date": now + timedelta(seconds=61 + 120)}])
        self.assertFalse(self.account.activity_ids)

        with freeze_time(now + timedelta(seconds=200)):
            self.run_jobs()
        self.assertRecordValues(job, [{"state": "dead", "attempts": 3}])
        [activity] = self.account.activity_ids
        self.assertEqual(activity.user_id, self.account.user_id)
        self.assertEqual(activity.summary, "Marketplace jobs gave up")
        self.assertIn("HTTP 503", str(activity.note))
        self.assertEqual(len(self.http.calls), 3)

    @freeze_time(NOW)
    def test_rate_limit_honours_retry_after(self):
        self.http.get(EXITO_ORDERS_URL, status=429, headers={"Retry-After": "7"}, json={"message": "Too Many"})
        self.account._enqueue_order_fetch()
        self.run_jobs()
        job = self.fetch_job()
        self.assertRecordValues(job, [{"state": "failed",
                                       "next_attempt_date": fields.Datetime.now() + timedelta(seconds=7)}])
        self.assertIn("429", job.last_error)

    def test_timeout_is_retried_and_then_succeeds(self):
        self.http.get(EXITO_ORDERS_URL, body=requests.Timeout())
        self.http.get(EXITO_ORDERS_URL, json=orders_page([exito_order(1, [("7752285029933", "x", 1, 1000)])]))
        self.account._enqueue_order_fetch()
        self.run_jobs()
        job = self.fetch_job()
        self.assertEqual(job.state, "failed")
        self.assertIn("did not answer within", job.last_error)

        job.next_attempt_date = fields.Datetime.now() - timedelta(seconds=1)
        self.run_jobs()
        self.assertRecordValues(job, [{"state": "done", "attempts": 2, "last_error": False}])
        self.assertEqual(len(self.orders_of()), 1)

    def test_refused_token_marks_the_account_and_tells_the_responsible(self):
        self.http.get(EXITO_ORDERS_URL, status=401, json={"message": "Unauthorized"})
        self.account._enqueue_order_fetch()
        self.run_jobs()
        self.assertEqual(self.fetch_job().state, "failed")
        self.assertEqual(self.account.state, "error")
        self.assertIn("refused the credentials", self.account.last_error)
        [activity] = self.account.activity_ids
        self.assertEqual(activity.summary, "Marketplace credentials refused")
        self.assertNotIn("test-exito-token", str(activity.note) + self.account.last_error + self.fetch_job().last_error)

        # The account's calls wait for new credentials instead of meeting the same refusal.
        self.fetch_job().next_attempt_date = fields.Datetime.now() - timedelta(seconds=1)
        self.run_jobs()
        self.assertEqual((len(self.http.calls), self.fetch_job().attempts), (1, 1))

        # A new token that is refused too adds to the same activity rather than piling up new ones.
        self.account.api_token = "another-wrong-token"
        self.run_jobs()
        self.assertEqual((len(self.http.calls), self.fetch_job().attempts), (2, 2))
        self.assertEqual(len(self.account.activity_ids), 1)

        # The right token: the read goes through.
        self.http.replace("GET", EXITO_ORDERS_URL, json=orders_page([]))
        self.account.api_token = EXITO_TOKEN
        self.run_jobs()
        self.assertEqual(self.fetch_job().state, "done")

    def test_retry_and_cancel(self):
        self.http.get(EXITO_ORDERS_URL, status=500, json={})
        self.account._enqueue_order_fetch()
        self.run_jobs()
        job = self.fetch_job()
        self.assertEqual(job.state, "failed")

        job.action_cancel()
        self.assertEqual(job.state, "cancelled")
        job.next_attempt_date = fields.Datetime.now() - timedelta(hours=1)
        self.run_jobs()
        self.assertEqual(job.attempts, 1, "a cancelled job never runs")

        self.http.replace("GET", EXITO_ORDERS_URL, json=orders_page([]))
        job.action_retry()
        self.assertRecordValues(job, [{"state": "pending", "attempts": 0}])
        self.run_jobs()
        self.assertEqual(job.state, "done")

    def test_dedupe_key_is_unique_per_account(self):
        values = {"name": "x", "account_id": self.account.id, "job_type": "import_order", "dedupe_key": "order:1"}
        self.Job.create(values)
        other = self.create_account(self.env["res.company"].create({"name": "B"}))
        self.Job.create(dict(values, account_id=other.id))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.Job.create(values)

    def test_only_one_unfinished_read_per_account(self):
        self.account._enqueue_order_fetch()
        self.account._enqueue_order_fetch()
        self.assertEqual(len(self.fetch_job()), 1)

    def test_scheduled_import_queues_reads_for_automated_accounts_only(self):
        manual = self.create_account(self.env["res.company"].create({"name": "B"}), auto_import=False)
        self.env["marketplace.account"]._cron_import_orders()
        reads = self.jobs_of("fetch_orders")
        self.assertFalse(self.jobs_of("fetch_orders", manual))
        by_purpose = {job.payload["purpose"]: job.payload["query"] for job in reads}
        self.assertEqual(by_purpose["new"], {"date_from": "2026-11-01", "date_to": None, "status": "35"})
        # Cancellations on Éxito are looked for among the orders of the last 30 days.
        self.assertEqual({purpose: query["status"] for purpose, query in by_purpose.items() if purpose != "new"},
                         {"status:80": "80", "status:120": "120"})
        self.env["marketplace.account"]._cron_import_orders()
        self.assertEqual(self.jobs_of("fetch_orders"), reads, "unfinished reads are not queued twice")

    def test_next_read_starts_a_day_before_the_last_complete_one(self):
        self.account.last_sync_date = "2026-11-21 03:00:00"
        self.assertEqual(str(self.account._get_order_query().date_from), "2026-11-20")

    def test_cron_reports_progress_and_leaves_the_rest(self):
        self.Job.create([
            {"name": f"order {n}", "account_id": self.account.id, "job_type": "import_order",
             "dedupe_key": f"order:{n}", "payload": exito_order(n, [("7752285029933", "x", 1, 1000)])}
            for n in range(130)
        ])
        cron = self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")
        cron, progress = cron._add_progress()
        self.Job.with_context(ir_cron_progress_id=progress.id)._cron_run_jobs()
        self.assertRecordValues(progress, [{"done": 100, "remaining": 30}])
        self.assertEqual(len(self.orders_of()), 100)

    def test_orders_with_characters_postgresql_refuses_are_stored_not_lost(self):
        # JSON may carry \u0000 and lone surrogates, which jsonb refuses: the order is stored with
        # U+FFFD in their place (and its import then says what is wrong, if anything).
        order = exito_order(71, [("7752285029933", "smartwatch08", 1, 189900)],
                            name="Ana\u0000 María \ud800Gómez", address="Calle 45 # 23-10, MEDELLIN")
        self.mock_pages(orders_page([order]))
        self.account._enqueue_order_fetch()
        self.run_jobs()
        job = self.jobs_of("import_order")
        self.assertEqual(job.payload["clientName"], "Ana\ufffd María \ufffdGómez")
        self.assertEqual(self.orders_of().partner_id.name, "Ana\ufffd María \ufffdGómez")

    def test_the_note_of_jobs_that_gave_up_keeps_the_newest_twenty(self):
        self.set_param("job_max_attempts", 1)
        self.http.get(EXITO_ORDERS_URL, status=503, json={"message": "Service Unavailable"})
        for number in range(25):
            self.account._enqueue_order_fetch()
            self.fetch_job().filtered(lambda job: job.state == "pending").name = f"Read number {number}"
            self.run_jobs()
        note = str(self.account.activity_ids.filtered(lambda act: act.summary == "Marketplace jobs gave up").note)
        self.assertIn("Read number 24", note)
        self.assertIn("Read number 5:", note)
        self.assertNotIn("Read number 4:", note)
