"""Webhook receipt benchmark: how fast Odoo takes a burst of Marketful shipment events, next to the
cheapest request it serves.

Run by ``scripts/bench_webhooks.sh`` (``make bench-webhooks``), which prepares a fresh database with the
module and passes ``--odoo-config``, ``--database``, ``--odoo-bin`` and ``--repo``. It starts ``odoo-bin``
with ``--workers 2`` (and checks that its gevent process answers too), creates a Marketful account over
XML-RPC, then, with 8 concurrent clients (threads, one connection per request, as senders do), sends
N ``GET /web/health`` (Odoo's own floor: a route that does nothing with a database) and N distinct valid
``shipment_event/created`` webhooks, and does it again (interleaved: health, webhooks, health, webhooks).
It prints both rates, their 50th and 99th percentile latencies, and the ratios against the targets:
webhook rate / health rate >= 0.55 and webhook p99 <= 3 x health p99.

Exits non-zero when a webhook is not answered 200, when the jobs stored are not one per event, or when
the server logged an error; a missed target is only reported.
"""

import argparse
import http.client
import itertools
import json
import signal
import statistics
import sys
import threading
import time
import xmlrpc.client
from pathlib import Path

TARGET_RATIO = 0.55
TARGET_P99 = 3.0


def log(message=""):
    print(message, flush=True)


def section(title):
    log()
    log(f"== {title}")


def shipment_event(n):
    return json.dumps({"tipo": "shipment_event/created", "webhook_id": 1, "user": "bench-user", "data": {
        "id": 1_000_000 + n, "order_id": 500_000 + n, "num_orden": f"B{n:07d}", "canal": "Odoo",
        "status": "enviado", "description": "Pedido enviado", "carrier_name": "Estafeta",
        "tracking_number": f"EST-{n:07d}", "created_at": "2026-12-03T10:00:00-06:00"}}).encode()


def send(port, method, path, body=None, headers=None):
    """One request on its own connection: ``(seconds, status)``."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError as error:
        status = f"{type(error).__name__}"
    finally:
        connection.close()
    return time.perf_counter() - started, status


def run_phase(port, requests, clients):
    """Send ``requests`` (``(method, path, body, headers)``) with ``clients`` threads; return the wall
    time, the latencies and the statuses."""
    count = len(requests)
    latencies, statuses = [0.0] * count, [None] * count
    numbers = itertools.count()

    def client():
        for index in numbers:
            if index >= count:
                return
            latencies[index], statuses[index] = send(port, *requests[index])

    threads = [threading.Thread(target=client) for _client in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(name, seconds, latencies):
    return {"name": name, "requests": len(latencies), "seconds": seconds, "rate": len(latencies) / seconds,
            "p50_ms": 1000 * statistics.median(latencies), "p99_ms": 1000 * percentile(latencies, 0.99)}


def print_table(rows):
    log(f"{'':<22} {'requests':>8} {'seconds':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for row in rows:
        log(f"{row['name']:<22} {row['requests']:>8} {row['seconds']:>8.2f} {row['rate']:>8.1f} "
            f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f}")


def create_account(url, database):
    common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common")
    uid = common.authenticate(database, "admin", "admin", {})
    if not uid:
        raise SystemExit("XML-RPC login admin/admin refused")
    models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(database, uid, "admin", model, method, list(args), kwargs)

    account_id = call("marketplace.account", "create", {
        "name": "Bench Marketful", "marketplace": "marketful", "api_url": "http://127.0.0.1:9/marketful",
        "api_token": "bench-token", "marketful_user_id": "bench-user"})
    token = call("marketplace.account", "read", [account_id], ["callback_token"])[0]["callback_token"]
    return account_id, token, call


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--odoo-bin", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--events", type=int, default=1000, help="webhooks (and health requests) per round")
    parser.add_argument("--rounds", type=int, default=2, help="health then webhooks, this many times (default 2)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="Odoo HTTP workers (default 2)")
    parser.add_argument("--cron-threads", type=int, default=0,
                        help="Odoo cron workers (default 0: the jobs stored are not run during the measure)")
    parser.add_argument("--warmup", type=int, default=100, help="untimed requests of each kind first")
    parser.add_argument("--log-level", default="info", help="Odoo's --log-level (default info, Odoo's default)")
    parser.add_argument("--db-filter", action="store_true",
                        help="serve the database with -d and --db-filter, not -d alone (Odoo then lists the "
                             "databases, on a new connection, for each request without a session: every request "
                             "costs more, and the ratio is higher)")
    parser.add_argument("--results-dir", default=None)
    parser.add_argument("--pid-file", default=None)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(Path(args.repo) / "tests"))
    from odoo_server import OdooServer, ServerError  # noqa: PLC0415 - found through the path set above

    results_dir = Path(args.results_dir or Path(args.repo) / "bench" / "results")
    results_dir.mkdir(parents=True, exist_ok=True)
    log_file = str(results_dir / "webhooks-odoo.log")
    server = OdooServer(args.odoo_bin, args.odoo_config, args.database, log_file, workers=args.workers,
                        extra=["--max-cron-threads", str(args.cron_threads), "--log-level", args.log_level],
                        db_filter=args.db_filter)
    failures = []
    try:
        server.start()
    except ServerError as error:
        log(f"error: {error}")
        return 1
    if args.pid_file:
        Path(args.pid_file).write_text(f"{server.pid}\n")
    try:
        log(f"Odoo on {server.url} (--workers {args.workers}, --max-cron-threads {args.cron_threads}, "
            f"--log-level {args.log_level}, {'-d and --db-filter' if args.db_filter else '-d'}); "
            f"gevent process up on port {server.gevent_port}")
        account_id, token, call = create_account(server.url, args.database)
        path = f"/marketplace/marketful/{token}/shipment_event_created"
        headers = {"Content-Type": "application/json"}
        health = ("GET", "/web/health", None, None)
        total = args.warmup + args.rounds * args.events
        events = [("POST", path, shipment_event(n), headers) for n in range(total)]

        log(f"warm-up, untimed: {args.warmup} health requests and {args.warmup} webhooks")
        run_phase(server.http_port, [health] * args.warmup, args.clients)
        _seconds, _latencies, statuses = run_phase(server.http_port, events[:args.warmup], args.clients)
        if set(statuses) != {200}:
            failures.append(f"warm-up webhooks answered {sorted(set(map(str, statuses)))}")

        rows, samples = [], {"health": ([], 0.0), "webhook": ([], 0.0)}
        for round_number in range(1, args.rounds + 1):
            for kind in ("health", "webhook"):
                if kind == "health":
                    batch = [health] * args.events
                else:
                    start = args.warmup + (round_number - 1) * args.events
                    batch = events[start:start + args.events]
                seconds, latencies, statuses = run_phase(server.http_port, batch, args.clients)
                bad = [status for status in statuses if status != 200]
                if bad:
                    failures.append(f"{kind} round {round_number}: {len(bad)} answers not 200 "
                                    f"({sorted(set(map(str, bad)))})")
                rows.append(summary(f"{kind} round {round_number}", seconds, latencies))
                previous, spent = samples[kind]
                samples[kind] = (previous + latencies, spent + seconds)

        section(f"{args.clients} clients, {args.events} requests of each kind per round, {args.rounds} rounds")
        overall = {kind: summary(f"{kind} (all rounds)", spent, latencies)
                   for kind, (latencies, spent) in samples.items()}
        print_table(rows + [overall["health"], overall["webhook"]])
        ratio = overall["webhook"]["rate"] / overall["health"]["rate"]
        p99 = overall["webhook"]["p99_ms"] / overall["health"]["p99_ms"]
        log()
        log(f"webhook rate / health rate = {ratio:.2f}   target >= {TARGET_RATIO}  "
            f"{'PASS' if ratio >= TARGET_RATIO else 'FAIL'}")
        log(f"webhook p99 / health p99   = {p99:.2f}   target <= {TARGET_P99}   "
            f"{'PASS' if p99 <= TARGET_P99 else 'FAIL'}")

        jobs = call("marketplace.job", "search_count", [("account_id", "=", account_id)])
        if jobs != total:
            failures.append(f"{jobs} jobs stored for {total} distinct events")
        log(f"jobs stored: {jobs} for {total} distinct events")
        (results_dir / "webhooks.json").write_text(json.dumps({
            "rows": rows, "overall": overall, "ratio": ratio, "p99_ratio": p99, "clients": args.clients,
            "workers": args.workers, "cron_threads": args.cron_threads, "db_filter": args.db_filter,
            "failures": failures}, indent=2))
    finally:
        server.stop()
    errors = server.error_lines()
    if errors:
        failures.append(f"{len(errors)} ERROR lines in {log_file}: {errors[0][:200]}")
    if failures:
        log("FAILED: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
