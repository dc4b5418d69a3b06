"""The one ingress path of every callback route, through real HTTP to the test server: what a hostile
or untidy sender gets, and that a refused request writes nothing and logs no error."""

import json
import logging
import time
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from ..marketplaces.ingress import new_token
from .common import MARKETFUL_USER
from .ingress_common import ACCOUNTS, ROUTES, with_string

CHUNK = b"x" * (64 * 1024)
SPACES = b" " * (64 * 1024)
#: the routes' "unknown token" answer: Éxito's URLs are not found, Marketful's and X-Mart's forbidden
UNKNOWN_TOKEN_STATUS = {"exito": 404, "marketful": 403, "xmart": 403}


def padded(data, size=8 * 1024 * 1024):
    """A valid body followed by white space up to ``size`` bytes, as a generator: requests sends it
    chunked (``Transfer-Encoding: chunked``, no ``Content-Length``)."""
    yield data
    for _chunk in range((size - len(data)) // len(SPACES)):
        yield SPACES


class ErrorRecords(logging.Handler):
    """Records at ERROR level or above, and any record with a traceback."""

    def __init__(self):
        super().__init__(logging.NOTSET)
        self.records = []

    def emit(self, record):
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


class IngressCase(HttpCase):
    """One account per marketplace with callbacks, and helpers to call their routes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accounts = {marketplace: cls.env["marketplace.account"].create(values)
                        for marketplace, values in ACCOUNTS.items()}
        cls.Job = cls.env["marketplace.job"]

    def token(self, route):
        return self.accounts[route.marketplace].sudo().callback_token

    def send(self, route, data, token=None, method=None, content_type="application/json", headers=None):
        all_headers = dict(route.headers, **(headers or {}))
        if content_type:
            all_headers["Content-Type"] = content_type
        url = route.url(self.base_url(), self.token(route) if token is None else token)
        return self.opener.request(method or route.method, url, data=data, headers=all_headers, timeout=60)

    def rows(self):
        """Jobs and runner triggers in the database (what a request could have written)."""
        self.env.cr.execute("SELECT (SELECT count(*) FROM marketplace_job), (SELECT count(*) FROM ir_cron_trigger)")
        return self.env.cr.fetchone()

    def jobs(self, route):
        return self.Job.search([("account_id", "=", self.accounts[route.marketplace].id),
                                ("job_type", "=", route.job_type), ("dedupe_key", "=like", route.key_prefix + "%")])

    @contextmanager
    def no_error_logged(self):
        handler = ErrorRecords()
        loggers = [logging.getLogger(), logging.getLogger("odoo")]
        for logger in loggers:
            logger.addHandler(handler)
        try:
            yield
        finally:
            for logger in loggers:
                logger.removeHandler(handler)
        self.assertFalse(handler.records, [record.getMessage()[:300] for record in handler.records])


@tagged("post_install", "-at_install")
class TestIngress(IngressCase):

    def crafted(self, route):
        """``(case, request arguments, expected status)``: what no route may answer with a 5xx."""
        token, valid = self.token(route), route.body(1)
        return [
            ("%00 as token", {"token": "%00"}, 404),
            ("%00 after the token", {"token": token + "%00"}, 404),
            ("token of another charset", {"token": token[:-1] + "é"}, 404),
            ("token too long", {"token": token * 5}, 404),
            ("unknown token", {"token": "A" * len(token)}, UNKNOWN_TOKEN_STATUS[route.marketplace]),
            ("NUL in a string", {"data": json.dumps(with_string(valid, "x\x00y")).encode()}, 400),
            ("NUL in a key", {"data": json.dumps([{"\x00": 1}] if isinstance(valid, list) else {"\x00": 1}).encode()},
             400),
            ("5,000 levels of arrays", {"data": b"[" * 5000 + b"]" * 5000}, 400),
            ("5,000 levels of objects", {"data": b'{"a":' * 5000 + b"1" + b"}" * 5000}, 400),
            ("lone surrogate", {"data": json.dumps(with_string(valid, "\ud800")).encode()}, 400),
            ("invalid UTF-8", {"data": route.data(1).replace(b'"', b'"\xff', 1)}, 400),
            ("NaN", {"data": json.dumps(with_string(valid, float("nan"))).encode()}, 400),
            ("empty list", {"data": b"[]"}, 400),
            ("empty object", {"data": b"{}"}, 400),
            ("empty body", {"data": b""}, 400),
            ("chunked 8 MiB", {"data": padded(route.data(1))}, 413),
            ("8 MiB with Content-Length", {"data": b"".join(padded(route.data(1)))}, 413),
            ("wrong method GET", {"method": "GET", "data": None}, 405),
            ("wrong method PUT", {"method": "PUT", "data": route.data(1)}, 405),
        ]

    def test_crafted_requests_get_their_4xx_write_nothing_and_log_no_error(self):
        before = self.rows()
        for route in ROUTES:
            for case, arguments, status in self.crafted(route):
                with self.subTest(route=route.name, case=case), self.no_error_logged():
                    response = self.send(route, **dict({"data": route.data(1)}, **arguments))
                    self.assertEqual(response.status_code, status)
                    self.assertEqual(self.rows(), before, "a refused request writes nothing")

    def test_paths_under_the_callback_prefix_that_match_no_route_are_not_found(self):
        for path in ("/marketplace/%00", "/marketplace/exito/%00/x/notifyproduct", "/marketplace/marketful/a%00/b/c",
                     "/marketplace/xmart//orders", "/marketplace/marketful/" + "A" * 32 + "/no_such_topic"):
            with self.subTest(path=path), self.no_error_logged():
                self.assertEqual(self.opener.post(self.base_url() + path, data=b"{}", timeout=30).status_code, 404)

    def test_wrong_credentials_are_refused_before_the_body_is_read(self):
        before = self.rows()
        for route in ROUTES:
            if not route.headers:
                continue
            header = next(iter(route.headers))
            with self.subTest(route=route.name), self.no_error_logged():
                wrong = {header: "Basic d3Jvbmc6d3Jvbmc="}
                response = self.send(route, (CHUNK for _chunk in range(128)), headers=wrong)
                self.assertEqual(response.status_code, 401)
        self.assertEqual(self.rows(), before)

    def test_a_valid_body_is_accepted_whatever_its_content_type(self):
        content_types = [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz",
                         "application/octet-stream", "application/json; charset=latin-1"]
        for route in ROUTES:
            with self.subTest(route=route.name), self.no_error_logged():
                for n, content_type in enumerate(content_types, start=10):
                    response = self.send(route, route.data(n), content_type=content_type)
                    self.assertEqual(response.status_code, 200, content_type)
                self.assertEqual(len(self.jobs(route)), len(content_types), "each body stored as it was read")

    def test_identical_deliveries_are_all_answered_2xx_and_store_one_job(self):
        for route in ROUTES:
            with self.subTest(route=route.name), self.no_error_logged():
                statuses = [self.send(route, route.data(3)).status_code for _delivery in range(5)]
                self.assertEqual(statuses, [200] * 5)
                self.assertEqual(len(self.jobs(route)), 1)

    def test_a_request_odoo_retries_reads_the_same_body(self):
        """Odoo runs a request again after a serialization failure: the retry must read the body the
        first attempt read (the stream is consumed by then)."""
        Job = type(self.env["marketplace.job"])
        original = Job._ingress_insert
        attempts = []

        def first_attempt_fails(job_model, *args, **kwargs):
            attempts.append(1)
            if len(attempts) == 1:
                job_model.env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = 'serialization_failure'; END $$",
                    log_exceptions=False)
            return original(job_model, *args, **kwargs)

        route = ROUTES[2]
        with patch.object(Job, "_ingress_insert", first_attempt_fails), self.no_error_logged():
            response = self.send(route, route.data(4))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(attempts), 2, "Odoo ran the request twice")
        self.assertEqual(self.jobs(route).payload["body"]["data"]["id"], str(route.body(4)["data"]["id"]))

    def test_a_marketful_job_keeps_only_what_applying_the_event_needs(self):
        """Marketful's body names the seller's ``user`` id (readable by system administrators only);
        the job, which Marketplaces / Users read, keeps only what applying the event needs."""
        client = self.accounts["marketful"]._get_client()
        for route in ROUTES:
            if route.marketplace != "marketful":
                continue
            with self.subTest(route=route.name):
                body = route.body(6)
                self.assertEqual(self.send(route, json.dumps(body).encode()).status_code, 200)
                payload = self.jobs(route).payload
                self.assertNotIn(MARKETFUL_USER, json.dumps(payload))
                self.assertNotIn("user", payload["body"])
                self.assertNotIn("webhook_id", payload["body"])
                sent, kept = client.parse_webhook(None, body), client.parse_webhook(payload["topic"], payload["body"])
                sent.payload = kept.payload = None
                self.assertEqual(kept, sent, "the job applies the same event")

    def test_the_ingress_insert_writes_what_the_orm_would(self):
        """The insert is raw SQL: every stored field of a job must come out as ``create`` makes it (a
        field added to jobs later, with a default or a computation, must be added to the insert)."""
        Job = self.env["marketplace.job"]
        stored = {name: field for name, field in Job._fields.items() if field.store and field.column_type}
        needed = {name for name, field in stored.items()
                  if field.required or field.default is not None or field.compute or field.related}
        self.assertLessEqual(needed - {"id"}, set(Job._ingress_columns))

        account = self.accounts["marketful"]
        values = {"name": "Job", "job_type": "webhook", "payload": {"topic": "x", "body": {"ñ": [1, 2.5, None]}},
                  "priority": 5}
        orm = Job.with_user(self.env.ref("base.public_user")).sudo().create(
            dict(values, account_id=account.id, dedupe_key="orm"))
        row = self.env["marketplace.account"]._ingress_find(account.sudo().callback_token, "marketful")
        ids = Job.with_user(self.env.ref("base.public_user")).sudo()._ingress_insert(
            row, [dict(values, dedupe_key="sql")])
        raw = Job.browse(ids)
        self.assertEqual(len(raw), 1)
        skip = {"id", "dedupe_key", "create_date", "write_date", "next_attempt_date"}
        fields = [name for name in stored if name not in skip]
        self.assertEqual(raw.read(fields)[0] | {"id": 0}, orm.read(fields)[0] | {"id": 0})
        # The transaction's time (frozen for a whole test, the request's in a server): due at once.
        self.assertLessEqual(raw.next_attempt_date, orm.next_attempt_date)
        self.assertGreater(raw.next_attempt_date, orm.next_attempt_date - timedelta(hours=1))
        self.assertEqual(Job._ingress_insert(row, [dict(values, dedupe_key="sql")]), [], "stored once")

    def test_the_access_log_never_shows_a_token(self):
        for route in ROUTES:
            with self.subTest(route=route.name), self.assertLogs("werkzeug", logging.INFO) as logs:
                self.send(route, route.data(7))
                self.send(route, b"[]")
                # The server logs a request line once it has answered: wait for both. (The level is a number:
                # Odoo names its level 25 "INFO" too.)
                deadline = time.monotonic() + 10
                while sum("/marketplace/" in line for line in logs.output) < 2 and time.monotonic() < deadline:
                    time.sleep(0.05)
            self.assertEqual(sum("/marketplace/" in line for line in logs.output), 2, logs.output)
            self.assertFalse([line for line in logs.output if self.token(route) in line])

    def test_a_burst_wakes_the_runner_once(self):
        runner = self.env.ref("marketplace_connector.ir_cron_marketplace_job_runner")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", runner.id)])
        triggers.unlink()
        route = ROUTES[2]
        for n in range(20, 25):
            self.assertEqual(self.send(route, route.data(n)).status_code, 200)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", runner.id)])
        self.assertEqual(len(triggers), 1, "one trigger for five deliveries")
        triggers.unlink()  # the runner ran
        self.assertEqual(self.send(route, route.data(25)).status_code, 200)
        self.assertEqual(self.send(route, route.data(25)).status_code, 200)
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", runner.id)]), 1,
                         "the next delivery wakes it again; a replay stores nothing and wakes nothing")

    def test_marketful_jobs_stored_whole_lose_the_user_id_on_update(self):
        job = self.Job.create({
            "name": "old", "account_id": self.accounts["marketful"].id, "job_type": "webhook", "dedupe_key": "old",
            "payload": {"topic": "shipment_event/created", "body": ROUTES[2].body(30)}})
        self.env.flush_all()
        self.Job.init()
        job.invalidate_recordset()
        self.assertNotIn("user", job.payload["body"])
        self.assertEqual(job.payload["body"]["data"], ROUTES[2].body(30)["data"])

    def test_a_changed_token_or_an_archived_account_is_refused_at_once(self):
        """The account lookup is cached per worker: every change it depends on clears the cache."""
        route, account = ROUTES[2], self.accounts["marketful"]
        old = self.token(route)
        self.assertEqual(self.send(route, route.data(40)).status_code, 200)
        self.assertEqual(self.send(route, route.data(41)).status_code, 200, "served from the cache")
        account.sudo().write({"callback_token": new_token()})
        self.env.flush_all()  # the HTTP request reads the database
        self.assertEqual(self.send(route, route.data(42), token=old).status_code, 403)
        self.assertEqual(self.send(route, route.data(42)).status_code, 200, "the new token works")
        account.active = False
        self.env.flush_all()
        self.assertEqual(self.send(route, route.data(43)).status_code, 403)
        account.active = True
        self.env.flush_all()
        self.assertEqual(self.send(route, route.data(43)).status_code, 200)
        self.assertEqual(len(self.jobs(route)), 4)
