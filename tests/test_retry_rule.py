from datetime import timedelta

import pydantic
import requests
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import EXITO_ORDERS_URL, MarketplaceCase, exito_order, orders_page

NOW = "2026-11-20 12:00:00"


class _Shape(pydantic.BaseModel):
    quantity: int


@tagged("post_install", "-at_install")
class TestRetryRule(MarketplaceCase):
    """What waiting can cure is retried with backoff; what it cannot gives up at once, with an
    activity that says what to fix. One real job through the runner per class of error."""

    def read_once(self, **answer):
        """Queue a read of new orders, answer it with ``answer`` and run it once."""
        self.http.get(EXITO_ORDERS_URL, **answer)
        self.account._enqueue_order_fetch()
        self.run_jobs()
        return self.jobs_of("fetch_orders")

    def assert_gave_up_at_once(self, job, *texts):
        """Dead after one attempt, never taken again, and the responsible reads what to fix."""
        self.assertRecordValues(job, [{"state": "dead", "attempts": 1}])
        with freeze_time(fields.Datetime.now() + timedelta(days=1)):
            self.run_jobs()
        self.assertEqual(job.attempts, 1, "a job that gave up never runs by itself")
        [activity] = self.account.activity_ids
        self.assertEqual(activity.summary, "Marketplace jobs gave up")
        self.assertEqual(activity.user_id, self.account.user_id)
        for text in texts:
            self.assertIn(text, job.last_error)
            self.assertIn(text, str(activity.note))

    def assert_backs_off(self, job, *texts, delay=60):
        self.assertRecordValues(job, [{
            "state": "failed", "attempts": 1, "next_attempt_date": fields.Datetime.now() + timedelta(seconds=delay)}])
        for text in texts:
            self.assertIn(text, job.last_error)
        self.assertFalse(self.account.activity_ids, "nobody is bothered while waiting can cure it")

    # -- gives up at once -----------------------------------------------------------------

    @freeze_time(NOW)
    def test_a_payload_that_does_not_validate_gives_up_at_once(self):
        bad = exito_order(1, [("7752285029933", "smartwatch08", 1, 189900)])
        del bad["clientName"]
        job = self.read_once(json=orders_page([bad]))
        self.assertEqual(job.state, "done")
        order_job = self.jobs_of()
        self.assert_gave_up_at_once(order_job, "clientName: Field required")
        self.assertEqual(order_job.payload, bad, "the raw payload is kept for a correction")
        self.assertFalse(self.orders_of())

    @freeze_time(NOW)
    def test_an_operation_the_marketplace_does_not_implement_gives_up_at_once(self):
        job = self.Job.sudo().create({"name": "Announced order", "account_id": self.account.id,
                                      "job_type": "retrieve_order", "payload": {"order_id": "1"}})
        self.run_jobs()
        self.assert_gave_up_at_once(job, "Grupo Éxito does not support order retrieval.")
        self.assertFalse(self.http.calls)

    @freeze_time(NOW)
    def test_a_refused_request_gives_up_at_once(self):
        for status in (400, 403, 422):
            with self.subTest(status=status):
                self.http.reset()
                self.account.activity_ids.unlink()
                self.jobs_of("fetch_orders").unlink()
                job = self.read_once(status=status, json={"message": "dateOrderInitial is not a date"})
                self.assert_gave_up_at_once(job, f"refused the request (HTTP {status})",
                                            "dateOrderInitial is not a date")
                self.assertEqual(len(self.http.calls), 1)
                self.assertNotEqual(self.account.state, "error", "the account is fine: the request is not")

    @freeze_time(NOW)
    def test_something_the_marketplace_does_not_know_gives_up_at_once(self):
        job = self.read_once(status=404, json={"message": "Not Found"})
        self.assert_gave_up_at_once(job, "HTTP 404", "Not Found")
        self.assertEqual(len(self.http.calls), 1)

    def test_data_that_does_not_validate_outside_a_client_gives_up_at_once(self):
        try:
            _Shape.model_validate({"quantity": "many"})
        except pydantic.ValidationError as error:
            self.assertTrue(self.Job._gives_up_at_once(error))
            job = self.Job.sudo().create({"name": "x", "account_id": self.account.id, "job_type": "import_order"})
            self.assertIn("quantity: Input should be a valid integer", job._describe_error(error))

    # -- backs off ------------------------------------------------------------------------

    @freeze_time(NOW)
    def test_a_server_failure_is_retried_with_backoff(self):
        job = self.read_once(status=502, json={"message": "Bad Gateway"})
        self.assert_backs_off(job, "HTTP 502")

    @freeze_time(NOW)
    def test_a_timeout_is_retried_with_backoff(self):
        job = self.read_once(body=requests.Timeout())
        self.assert_backs_off(job, "did not answer within")

    @freeze_time(NOW)
    def test_request_timeout_conflict_too_early_and_too_many_requests_are_retried(self):
        for status in (408, 409, 425, 429):
            with self.subTest(status=status):
                self.http.reset()
                self.jobs_of("fetch_orders").unlink()
                job = self.read_once(status=status, json={"message": "Later"})
                self.assert_backs_off(job, f"HTTP {status}")

    @freeze_time(NOW)
    def test_refused_credentials_still_wait_for_new_ones(self):
        job = self.read_once(status=401, json={"message": "Unauthorized"})
        self.assertRecordValues(job, [{"state": "failed", "attempts": 1}])
        self.assertTrue(self.account.credentials_refused)
        self.assertEqual(self.account.activity_ids.summary, "Marketplace credentials refused")
