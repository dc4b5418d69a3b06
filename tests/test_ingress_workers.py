"""Identical deliveries at the same moment, against a real Odoo server with workers (each request in
its own process and transaction, as in production; the test server of an HttpCase runs one request at
a time in the test's transaction, so it cannot show a race)."""

import os
import tempfile
import threading
import time
import uuid
from contextlib import closing

import requests

import odoo
from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import config

from .ingress_common import ACCOUNTS, ROUTES
from .odoo_server import OdooServer

DELIVERIES = 20

# This test commits on purpose: the server's workers only see committed accounts.
# pylint: disable=invalid-commit


def odoo_bin():
    return os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")


@tagged("post_install", "-at_install")
class TestIngressWithWorkers(BaseCase):

    def connection(self):
        return closing(sql_db.db_connect(get_db_name()).cursor())

    def setup_accounts(self):
        with self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].create({"name": f"Ingress workers {uuid.uuid4().hex[:8]}"})
            env = env(context={"allowed_company_ids": [company.id]})
            accounts = {marketplace: env["marketplace.account"].create(dict(values, company_id=company.id))
                        for marketplace, values in ACCOUNTS.items()}
            tokens = {marketplace: (account.id, account.callback_token) for marketplace, account in accounts.items()}
            cr.execute("SELECT now() at time zone 'UTC'")
            started = cr.fetchone()[0]
            cr.commit()
        self.addCleanup(self.cleanup, company.id, [account_id for account_id, _token in tokens.values()], started)
        return tokens, started

    def cleanup(self, company_id, account_ids, started):
        with self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["marketplace.account"].browse(account_ids).unlink()  # cascades to jobs
            # the accounts made themselves pricelists in their marketplaces' currencies
            env["product.pricelist"].search([("company_id", "=", company_id)]).unlink()
            env["res.company"].browse(company_id).active = False
            runner = env.ref("marketplace_connector.ir_cron_marketplace_job_runner")
            cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s AND create_date >= %s", [runner.id, started])
            cr.commit()

    def triggers(self, started):
        with self.connection() as cr:
            cr.execute("""SELECT count(*) FROM ir_cron_trigger t JOIN ir_model_data d ON d.res_id = t.cron_id
                           AND d.model = 'ir.cron' AND d.module = 'marketplace_connector'
                           AND d.name = 'ir_cron_marketplace_job_runner' WHERE t.create_date >= %s""", [started])
            return cr.fetchone()[0]

    def jobs(self, account_id, prefix):
        with self.connection() as cr:
            cr.execute("SELECT count(*) FROM marketplace_job WHERE account_id = %s AND dedupe_key LIKE %s",
                       [account_id, prefix + "%"])
            return cr.fetchone()[0]

    def deliver_at_once(self, route, url, data):
        barrier, statuses = threading.Barrier(DELIVERIES), []

        def deliver():
            barrier.wait()
            try:
                response = requests.request(route.method, url, data=data, timeout=60,
                                            headers=dict(route.headers, **{"Content-Type": "application/json"}))
                statuses.append(response.status_code)
            except requests.RequestException as error:
                statuses.append(repr(error))

        threads = [threading.Thread(target=deliver) for _delivery in range(DELIVERIES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return statuses

    def check_a_new_token_reaches_every_worker(self, server, account):
        """Each worker caches the account lookup: a token changed in another process must be refused
        at once by every worker (Odoo's registry signaling carries the cache invalidation)."""
        account_id, old_token = account
        route = next(route for route in ROUTES if route.marketplace == "marketful")
        with self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["marketplace.account"].browse(account_id).action_reset_callback_token()
            new_token = env["marketplace.account"].browse(account_id).callback_token
            cr.commit()
            env.registry.signal_changes()
        self.assertNotEqual(new_token, old_token)
        headers = {"Content-Type": "application/json"}
        for n in range(10, 16):  # several requests: both workers answer some
            old = requests.post(route.url(server.url, old_token), data=route.data(n), headers=headers, timeout=60)
            self.assertEqual(old.status_code, 403)
            new = requests.post(route.url(server.url, new_token), data=route.data(n), headers=headers, timeout=60)
            self.assertEqual(new.status_code, 200)

    def test_simultaneous_identical_deliveries_all_get_2xx_and_store_one_job(self):
        tokens, db_started = self.setup_accounts()
        log_file = tempfile.NamedTemporaryFile(prefix="ingress-workers-", suffix=".log", delete=False).name
        self.addCleanup(os.unlink, log_file)
        server = OdooServer(odoo_bin(), config.rcfile, get_db_name(), log_file, workers=2,
                            extra=["--max-cron-threads", "0", "--log-level", "info"])
        started = time.monotonic()
        with server:
            for route in ROUTES:
                account_id, token = tokens[route.marketplace]
                for n in (1, 2):  # a second burst, once the workers are warm
                    with self.subTest(route=route.name, burst=n):
                        statuses = self.deliver_at_once(route, route.url(server.url, token), route.data(n))
                        self.assertEqual(statuses, [200] * DELIVERIES)
                self.assertEqual(self.jobs(account_id, route.key_prefix), 2, route.name)
            self.check_a_new_token_reaches_every_worker(server, tokens["marketful"])
        self.assertLess(time.monotonic() - started, 300)
        # Nothing runs the jobs here (no cron worker): the first trigger stays due, and every later
        # delivery sees it. Two deliveries of the very first burst may both find none.
        self.assertIn(self.triggers(db_started), (1, 2), "the runner is woken once per burst, not per delivery")
        errors = server.error_lines()
        self.assertFalse(errors, "\n".join(errors[:40]))
        tracebacks = [line for line in server.log_lines() if line.startswith("Traceback")]
        self.assertFalse(tracebacks, "nothing logged a traceback, at any level")

    def test_a_delivery_stored_by_a_concurrent_transaction_is_answered_as_received(self):
        """Under Odoo's REPEATABLE READ, ``ON CONFLICT DO NOTHING`` raises a serialization failure when
        the conflicting job was committed by another transaction after this one began: the insert
        takes it for what it is (the job exists), without an error in the log."""
        tokens, _started = self.setup_accounts()
        account_id, token = tokens["marketful"]
        route = next(route for route in ROUTES if route.marketplace == "marketful")
        with self.connection() as first, self.connection() as second:
            env_first = api.Environment(first, SUPERUSER_ID, {})
            env_second = api.Environment(second, SUPERUSER_ID, {})
            account = env_first["marketplace.account"]._ingress_find(token, "marketful")
            second.execute("SELECT 1")  # the second transaction's snapshot is taken now
            jobs = env_first["marketplace.account"].browse(account_id)._marketful_webhook_jobs(
                None, route.body(50), route.data(50))
            self.assertEqual(len(env_first["marketplace.job"]._ingress_insert(account, jobs)), 1)
            first.commit()
            with self.assertNoLogs("odoo.sql_db", "ERROR"):
                self.assertEqual(env_second["marketplace.job"]._ingress_insert(account, jobs), [])
            second.commit()
        self.assertEqual(self.jobs(account_id, route.key_prefix), 1)
