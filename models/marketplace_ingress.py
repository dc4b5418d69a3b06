"""The database side of the callback ingress path (``controllers/ingress.py``): one indexed lookup of
the account, one idempotent insert of the jobs, at most one runner trigger per burst.

A webhook burst is the hot path of the module: these two statements are raw SQL (the ORM's
``search`` + ``create`` cost several times more per request, and a search-then-create pair races).
"""

import hmac
import json
from typing import NamedTuple

from psycopg2 import errors as pg_errors

from odoo import api, models
from odoo.tools import SQL

RUNNER_CRON = "marketplace_connector.ir_cron_marketplace_job_runner"


class IngressAccount(NamedTuple):
    """What the ingress path needs of the account a callback token designates."""

    id: int
    company_id: int
    marketplace: str


class MarketplaceAccount(models.Model):
    _inherit = "marketplace.account"

    @api.model
    def _ingress_find(self, token, marketplace):
        """The active account of ``marketplace`` whose callback token is ``token``.

        :param str token: a token of valid format (``marketplaces.ingress.valid_token``)
        :rtype: IngressAccount or None
        """
        self.env.cr.execute(SQL(
            "SELECT id, company_id, callback_token FROM marketplace_account"
            " WHERE callback_token = %s AND marketplace = %s AND active", token, marketplace))
        row = self.env.cr.fetchone()
        # The unique index found it; comparing in constant time as well keeps the check explicit
        # whatever the column's collation does.
        if row is None or not hmac.compare_digest(row[2].encode(), token.encode()):
            return None
        return IngressAccount(row[0], row[1], marketplace)


class MarketplaceJob(models.Model):
    _inherit = "marketplace.job"

    #: the columns the ingress insert fills: every stored field of the model that has a default, is
    #: required or is computed from the account (a test compares this with the model's fields)
    _ingress_columns = (
        "name", "account_id", "company_id", "marketplace", "job_type", "state", "priority", "dedupe_key",
        "payload", "attempts", "next_attempt_date", "create_uid", "create_date", "write_uid", "write_date",
    )

    def init(self):
        super().init()
        # Marketful webhook jobs stored before the ingress path kept whole bodies, with the seller's
        # Marketful user id that only system administrators may read: drop it from them.
        self.env.cr.execute("""
            UPDATE marketplace_job SET payload = jsonb_set(payload, '{body}', (payload->'body') - 'user')
             WHERE job_type = 'webhook' AND jsonb_typeof(payload->'body') = 'object' AND payload->'body' ? 'user'
        """)

    @api.model
    def _ingress_insert(self, account, jobs):
        """Store the jobs a callback brought, each unless its account already has its dedupe key, and
        wake the runner unless a trigger of it is already due (one per burst, not one per request).

        One ``INSERT ... ON CONFLICT (account_id, dedupe_key) DO NOTHING``: any number of identical
        deliveries, one after the other or at the same moment, store one job, and none of them fails.

        A due trigger not yet consumed is enough: the runner deletes its due triggers when a run ends,
        and a run counts the jobs still due before it ends (a job stored during the run makes it run
        again at once). A job committed in the instant between that count and the end of the run waits
        for the runner's next scheduled run (its interval, a minute), as with Odoo's own ``_trigger``.

        :param IngressAccount account: the account
        :param list jobs: dicts with ``name``, ``job_type``, ``dedupe_key``, ``payload`` (JSON-able) and
            ``priority``
        :return: the ids of the jobs created (empty when every one existed)
        """
        self.env.flush_all()  # the insert must see what this transaction wrote through the ORM
        runner_id = self.env["ir.model.data"]._xmlid_to_res_id(RUNNER_CRON)
        now = SQL("(now() AT TIME ZONE 'UTC')")
        rows = SQL(", ").join(
            SQL("(%s, %s, %s, %s, %s, 'pending', %s, %s, %s::jsonb, 0, date_trunc('second', %s), %s, %s, %s, %s)",
                job["name"], account.id, account.company_id, account.marketplace, job["job_type"], job["priority"],
                job["dedupe_key"], _json(job["payload"]), now, self.env.uid, now, self.env.uid, now)
            for job in jobs)
        query = SQL(
            """WITH new AS (
                   INSERT INTO marketplace_job (%s) VALUES %s
                   ON CONFLICT (account_id, dedupe_key) DO NOTHING
                   RETURNING id
               )
               SELECT ARRAY(SELECT id FROM new),
                      EXISTS(SELECT 1 FROM ir_cron_trigger
                              WHERE cron_id = %s AND call_at <= (clock_timestamp() AT TIME ZONE 'UTC'))""",
            SQL(", ").join(SQL.identifier(column) for column in self._ingress_columns), rows, runner_id)
        try:
            self.env.cr.execute(query, log_exceptions=False)
        except pg_errors.SerializationFailure:
            # Under REPEATABLE READ, DO NOTHING raises this only when the conflicting job was committed
            # by a concurrent delivery after this transaction began: the job exists, nothing to do.
            self.env.cr.rollback()
            return []
        ids, runner_due = self.env.cr.fetchone()
        if ids:
            self.env.invalidate_all(flush=False)  # nothing of this request may see a cache without them
            if not runner_due:
                self.env["ir.cron"].browse(runner_id)._trigger()
        return ids


def _json(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
