"""An Odoo server in prefork mode (``--workers``), started and stopped by a test or a benchmark.

No Odoo import: ``tests/test_ingress_workers.py`` uses it from inside the Odoo test run, and
``bench/bench_webhooks.py`` from outside (it adds this folder to ``sys.path``). Requests to such a
server run in their own worker processes and transactions, as in production, unlike requests to the
test server of an ``HttpCase`` (one test cursor, one request at a time).
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time

import requests

#: a line of Odoo's log at ERROR or CRITICAL level (``<date> <time> <pid> ERROR <db> <logger>: ...``)
ERROR_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")


class ServerError(Exception):
    """The server did not start, or its gevent (websocket) process did not."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer:
    """``odoo-bin`` with ``--workers`` on free ports, logging to ``log_file``.

    :param list extra: more command-line options (e.g. ``["--max-cron-threads", "0"]``)
    :param bool db_filter: serve ``database`` through ``--db-filter`` (as a server that hosts several
        does; Odoo then lists the databases, on a new connection, for each request without a session)
        rather than through ``-d`` alone
    """

    def __init__(self, odoo_bin, config, database, log_file, workers=2, extra=(), python=None, db_filter=True):
        self.http_port, self.gevent_port = free_port(), free_port()
        self.log_file = log_file
        self.args = [
            python or sys.executable, odoo_bin, "-c", config, "-d", database,
            *(["--db-filter", f"^{database}$"] if db_filter else []),
            "--http-interface", "127.0.0.1", "--http-port", str(self.http_port),
            "--gevent-port", str(self.gevent_port), "--workers", str(workers), "--logfile", log_file,
            *extra,
        ]
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self, timeout=180):
        """Start the server; return once its HTTP workers *and* its gevent process answer.

        :raise ServerError: when either does not answer within ``timeout`` seconds (Odoo respawns a
            gevent process that cannot start forever, so the only sign is that it never answers)
        """
        self.proc = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        try:
            self._wait_for(self.url + "/web/health", deadline, "its HTTP workers")
            self._wait_for(f"http://127.0.0.1:{self.gevent_port}/web/health", deadline,
                           "its gevent (websocket) process")
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for(self, url, deadline, what):
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(f"the Odoo server stopped (exit {self.proc.returncode}); see {self.log_file}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=5).status_code == 200:
                    return
            time.sleep(0.3)
        raise ServerError(f"{what} did not answer {url} in time; see {self.log_file}:\n{self.log_tail()}")

    def stop(self, timeout=30):
        """Stop the server and what it started: the master stops its workers and gevent process on
        SIGTERM; whatever is left (the master was stuck) is killed by its own pid."""
        if self.proc is None or self.proc.poll() is not None:
            return
        children = self._children(self.proc.pid)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pid in children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    @staticmethod
    def _children(pid):
        with contextlib.suppress(OSError):
            with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as children:
                return [int(child) for child in children.read().split()]
        return []

    def log_lines(self):
        with contextlib.suppress(FileNotFoundError), open(self.log_file, encoding="utf-8", errors="replace") as log:
            return log.read().splitlines()
        return []

    def log_tail(self, lines=30):
        return "\n".join(self.log_lines()[-lines:])

    def error_lines(self, since=0):
        """Lines logged at ERROR or CRITICAL level after line ``since`` (with the traceback lines
        that follow them)."""
        lines, errors, inside = self.log_lines()[since:], [], False
        for line in lines:
            if ERROR_LINE.match(line):
                errors.append(line)
                inside = True
            elif inside and not re.match(r"^\d{4}-\d\d-\d\d ", line):
                errors.append(line)
            else:
                inside = False
        return errors

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
