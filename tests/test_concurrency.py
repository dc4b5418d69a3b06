import threading
import time
import uuid
from contextlib import closing
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from .common import EXITO_TOKEN, EXITO_URL, exito_order

JOBS = 40

# This test commits on purpose: runners only see what other transactions committed.
# pylint: disable=invalid-commit


@tagged("post_install", "-at_install")
class TestConcurrentRunners(BaseCase):
    """Two runners, each in its own database connection and transaction, work one queue.

    This test needs committed data (a runner only sees what another transaction committed), so
    it works outside the test transaction and removes everything it made afterwards.
    """

    def connection(self):
        return closing(sql_db.db_connect(get_db_name()).cursor())

    def setup_queue(self):
        with self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            ean = f"77{uuid.uuid4().int % 10**11:011d}"
            company = env["res.company"].create({"name": f"Concurrency test {uuid.uuid4().hex[:8]}"})
            env = env(context={"allowed_company_ids": [company.id]})
            cop = env.ref("base.COP")
            cop.active = True
            pricelist = env["product.pricelist"].create({
                "name": "Concurrency COP", "currency_id": cop.id, "company_id": company.id})
            product = env["product.product"].create({
                "name": "Concurrency watch", "barcode": ean, "type": "consu",
                "company_id": company.id})
            account = env["marketplace.account"].with_company(company).create({
                "name": "Concurrency", "marketplace": "exito", "company_id": company.id, "api_url": EXITO_URL,
                "api_token": EXITO_TOKEN, "pricelist_id": pricelist.id, "auto_confirm": False,
            })
            env["marketplace.job"].create([
                {"name": f"order {n}", "account_id": account.id, "job_type": "import_order",
                 "dedupe_key": f"order:{n}", "payload": exito_order(900000 + n, [(ean, "W", 1, 1000)])}
                for n in range(JOBS)
            ])
            cr.commit()
            return company.id, account.id, product.id, pricelist.id

    def cleanup(self, company_id, account_id, product_id, pricelist_id):
        with self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            orders = env["sale.order"].search([("marketplace_account_id", "=", account_id)])
            partners = orders.partner_id
            orders.unlink()
            partners.unlink()
            env["marketplace.account"].browse(account_id).unlink()  # cascades to jobs
            env["product.product"].browse(product_id).product_tmpl_id.unlink()
            env["product.pricelist"].browse(pricelist_id).unlink()
            env["res.company"].browse(company_id).active = False
            cr.commit()

    def test_two_runners_never_take_the_same_job(self):
        ids = self.setup_queue()
        self.addCleanup(self.cleanup, *ids)
        account_id = ids[1]
        barrier = threading.Barrier(2)
        processed, errors = {}, []
        job_class = Registry(get_db_name())["marketplace.job"]
        process = job_class._process

        def slow_process(jobs):
            time.sleep(0.05)  # each batch takes a while, so that both runners are busy at once
            return process(jobs)

        def runner(name):
            try:
                with self.connection() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait()
                    processed[name] = env["marketplace.job"]._run_due_jobs(account_ids=[account_id], batch_size=5)
                    cr.commit()
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        threads = [threading.Thread(target=runner, args=(name,)) for name in ("first", "second")]
        with patch.object(job_class, "_process", slow_process):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertFalse(errors)
        self.assertEqual(sum(processed.values()), JOBS, processed)
        self.assertTrue(all(processed.values()), f"both runners worked: {processed}")

        with self.connection() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            jobs = env["marketplace.job"].search([("account_id", "=", account_id)])
            self.assertEqual(set(jobs.mapped("state")), {"done"})
            self.assertEqual(set(jobs.mapped("attempts")), {1}, "each job ran exactly once")
            orders = env["sale.order"].search([("marketplace_account_id", "=", account_id)])
            self.assertEqual(len(orders), JOBS)
            self.assertEqual(len(set(orders.mapped("marketplace_order_ref"))), JOBS)
