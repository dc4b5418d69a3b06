import uuid
from contextlib import closing
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from ..marketplaces.base import TransientError
from ..marketplaces.records import RawOrder

# This test commits on purpose: the mark must be committed before the call, which only another
# transaction can see. pylint: disable=invalid-commit


@tagged("post_install", "-at_install")
class TestSendOnce(BaseCase):
    """A call that must not be repeated blindly (Marketful's fulfillment POST) is preceded by a
    committed "sent, awaiting answer" mark, the way a server outside the test transaction runs."""

    def connection(self):
        return closing(sql_db.db_connect(get_db_name()).cursor())

    def setup_jobs(self):
        with self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].create({"name": f"Send once {uuid.uuid4().hex[:8]}"})
            account = env["marketplace.account"].with_company(company).create({
                "name": "Send once", "marketplace": "marketful", "company_id": company.id,
                "api_url": "http://127.0.0.1:9/marketful", "api_token": "t", "marketful_user_id": "u"})
            jobs = env["marketplace.job"].create([
                {"name": f"fulfillment {n}", "account_id": account.id, "job_type": "push_fulfillment",
                 "dedupe_key": f"fulfillment:test{n}", "payload": {"order_id": 0}} for n in range(2)])
            cr.commit()
            return company.id, account.id, jobs.ids

    def cleanup(self, company_id, account_id):
        with self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["marketplace.account"].browse(account_id).unlink()
            # an iMotriz account made itself a pricelist in its currency
            env["product.pricelist"].search([("company_id", "=", company_id)]).unlink()
            env["res.company"].browse(company_id).active = False
            cr.commit()

    def test_the_mark_is_committed_before_the_call_and_survives_a_lost_answer(self):
        company_id, account_id, job_ids = self.setup_jobs()
        self.addCleanup(self.cleanup, company_id, account_id)
        registry = Registry(get_db_name())
        seen = []

        def prepare(account, job):
            return {"order": job.id}

        def send(account, job, request):
            # What another server sees while the call is on the wire.
            with self.connection() as cr:
                cr.execute("SELECT awaiting_answer_since IS NOT NULL, next_attempt_date > now() at time zone 'utc' "
                           "FROM marketplace_job WHERE id = %s", [job.id])
                marked, leased = cr.fetchone()
                other_runner = api.Environment(cr, SUPERUSER_ID, {})["marketplace.job"]
                taken = other_runner._acquire_due_jobs(10, [account_id])
                seen.append((job.id, marked, leased, taken.ids))
                cr.rollback()
            raise TransientError("The answer was lost on the way.")

        account_class, job_class = registry["marketplace.account"], registry["marketplace.job"]
        with patch.object(account_class, "_prepare_fulfillment", prepare), \
                patch.object(account_class, "_send_fulfillment", send), \
                patch.object(job_class, "_can_commit", staticmethod(lambda: True)), \
                self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["marketplace.job"]._run_due_jobs(account_ids=[account_id])
            cr.commit()

        self.assertEqual(seen, [(job_ids[0], True, True, []), (job_ids[1], True, True, [])],
                         "committed mark, and no other runner can take the batch's jobs meanwhile")
        with self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            jobs = env["marketplace.job"].browse(job_ids)
            self.assertEqual(jobs.mapped("state"), ["failed", "failed"])
            self.assertTrue(all(jobs.mapped("awaiting_answer_since")), "the next attempt will look first")
            self.assertEqual(jobs.mapped("attempts"), [1, 1])


@tagged("post_install", "-at_install")
class TestReceiveOnce(BaseCase):
    """What a read the marketplace answers only once (iMotriz ``newOrders``) stored is committed
    before anything else runs: a worker killed, or a job failing, right after cannot lose it."""

    def connection(self):
        return closing(sql_db.db_connect(get_db_name()).cursor())

    def test_what_a_read_received_is_committed_before_the_next_job_runs(self):
        with self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].create({"name": f"Receive once {uuid.uuid4().hex[:8]}"})
            account = env["marketplace.account"].with_company(company).create({
                "name": "Receive once", "marketplace": "imotriz", "company_id": company.id,
                "api_url": "http://127.0.0.1:9/imotriz", "api_token": "t"})
            reads = env["marketplace.job"].create([
                {"name": f"read {purpose}", "account_id": account.id, "job_type": "fetch_orders", "priority": 5,
                 "payload": {"purpose": purpose, "started_at": "2026-12-01 00:00:00"}}
                for purpose in ("new", "reconcile")])
            cr.commit()
            company_id, account_id, read_ids = company.id, account.id, reads.ids
        self.addCleanup(TestSendOnce.cleanup, self, company_id, account_id)
        seen = []

        def fetch(account, job):
            if job.payload["purpose"] == "new":
                account._enqueue_orders([RawOrder(ref=ref, number=ref, payload={"order": {"id": ref}})
                                         for ref in ("R1", "R2")])
                return False
            with self.connection() as cr:  # what another transaction sees when the next job runs
                cr.execute("SELECT dedupe_key FROM marketplace_job WHERE account_id = %s AND job_type = 'import_order' "
                           "ORDER BY dedupe_key", [account_id])
                seen.append([row[0] for row in cr.fetchall()])
            raise RuntimeError("The worker dies here.")

        registry = Registry(get_db_name())
        with patch.object(registry["marketplace.account"], "_fetch_orders_page", fetch), \
                patch.object(registry["marketplace.job"], "_can_commit", staticmethod(lambda: True)), \
                mute_logger("odoo.addons.marketplace_connector.models.marketplace_job"), \
                self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            jobs = env["marketplace.job"]._acquire_due_jobs(10, [account_id])
            self.assertEqual(jobs.ids, read_ids)
            jobs._process()
            cr.rollback()  # the worker dies: its open transaction is lost

        self.assertEqual(seen, [["order:R1", "order:R2"]], "committed before the reconciliation ran")
        with self.connection() as cr:
            cr.execute("SELECT count(*) FROM marketplace_job WHERE account_id = %s AND job_type = 'import_order'",
                       [account_id])
            self.assertEqual(cr.fetchone()[0], 2, "and still there after the worker died")
