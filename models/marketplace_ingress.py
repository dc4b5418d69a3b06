"""The database side of the callback ingress path (``controllers/ingress.py``): one indexed lookup of
the account (cached per worker), one idempotent insert of the jobs, at most one runner trigger per burst.

A webhook burst is the hot path of the module: these two statements are raw SQL (the ORM's
``search`` + ``create`` cost several times more per request, and a search-then-create pair races).
"""

import hmac
import json
from typing import NamedTuple

from psycopg2 import errors as pg_errors

from odoo import api, models, tools

RUNNER_CRON = "marketplace_connector.ir_cron_marketplace_job_runner"
#: the fields of an account the lookup by token depends on
INGRESS_FIELDS = {"callback_token", "marketplace", "active", "company_id"}
#: the columns the ingress insert fills: every stored field of a job that has a default, is required
#: or is computed from the account (a test compares this with the model's fields), and the value of
#: each for one job (``%s``: a parameter, in this order)
INSERT_COLUMNS = {
    "name": "%s", "account_id": "%s", "company_id": "%s", "marketplace": "%s", "job_type": "%s",
    "state": "'pending'", "priority": "%s", "dedupe_key": "%s", "payload": "%s::jsonb", "attempts": "0",
    "next_attempt_date": "date_trunc('second', now() AT TIME ZONE 'UTC')",
    "create_uid": "%s", "create_date": "now() AT TIME ZONE 'UTC'",
    "write_uid": "%s", "write_date": "now() AT TIME ZONE 'UTC'",
}
_ROW = "(" + ", ".join(INSERT_COLUMNS.values()) + ")"
#: the ingress path's two statements are fixed strings (composing them costs more than running them)
FIND_ACCOUNT = ("SELECT id, company_id, callback_token FROM \"marketplace_account\""
                " WHERE callback_token = %s AND marketplace = %s AND active")
INSERT_JOBS = """
    WITH new AS (
        INSERT INTO marketplace_job (""" + ", ".join(INSERT_COLUMNS) + """) VALUES {rows}
        ON CONFLICT (account_id, dedupe_key) DO NOTHING
        RETURNING id
    )
    SELECT ARRAY(SELECT id FROM new),
           EXISTS(SELECT 1 FROM ir_cron_trigger
                   WHERE cron_id = %s AND call_at <= (clock_timestamp() AT TIME ZONE 'UTC'))
"""
INSERT_ONE_JOB = INSERT_JOBS.format(rows=_ROW)


class IngressAccount(NamedTuple):
    """What the ingress path needs of the account a callback token designates."""

    id: int
    company_id: int
    marketplace: str


class _UnknownToken(Exception):
    """Raised, not returned, for a token no account has: ``ormcache`` keeps no exception, so that a
    stranger's guesses never fill the cache."""


class MarketplaceAccount(models.Model):
    _inherit = "marketplace.account"

    @api.model
    def _ingress_find(self, token, marketplace):
        """The active account of ``marketplace`` whose callback token is ``token``.

        :param str token: a token of valid format (``marketplaces.ingress.valid_token``)
        :rtype: IngressAccount or None
        """
        try:
            account_id, company_id, stored_token = self._ingress_account_row(token, marketplace)
        except _UnknownToken:
            return None
        # The unique index found it; comparing in constant time as well keeps the check explicit
        # whatever the column's collation does.
        if not hmac.compare_digest(stored_token.encode(), token.encode()):
            return None
        return IngressAccount(account_id, company_id, marketplace)

    @api.model
    @tools.ormcache("token", "marketplace")
    def _ingress_account_row(self, token, marketplace):
        # One indexed lookup per worker and token, not one per request: every change of what it
        # returns (token, archiving, company, deletion) clears the cache below, in every worker
        # (Odoo's registry signaling, as for its access rights caches).
        self.flush_model(INGRESS_FIELDS)
        self.env.cr.execute(FIND_ACCOUNT, (token, marketplace))
        row = self.env.cr.fetchone()
        if row is None:
            raise _UnknownToken()
        return row

    def write(self, vals):
        res = super().write(vals)
        if INGRESS_FIELDS.intersection(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res


class MarketplaceJob(models.Model):
    _inherit = "marketplace.job"

    _ingress_columns = tuple(INSERT_COLUMNS)

    def init(self):
        super().init()
        # Marketful webhook jobs stored before the ingress path kept whole bodies, with the seller's
        # Marketful user id that only system administrators may read: drop it from them.
        self.env.cr.execute("""
            UPDATE marketplace_job SET payload = jsonb_set(payload, '{body}', (payload->'body') - 'user')
             WHERE job_type = 'webhook' AND jsonb_typeof(payload->'body') = 'object' AND payload->'body' ? 'user'
        """)
        return None

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
        uid = self.env.uid
        params = [value for job in jobs for value in (
            job["name"], account.id, account.company_id, account.marketplace, job["job_type"], job["priority"],
            job["dedupe_key"], _json(job["payload"]), uid, uid)]
        query = INSERT_ONE_JOB if len(jobs) == 1 else INSERT_JOBS.format(rows=", ".join([_ROW] * len(jobs)))
        try:
            self.env.cr.execute(query, [*params, runner_id], log_exceptions=False)
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
