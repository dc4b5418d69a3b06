"""Import benchmark: the module's pipeline against a naive XML-RPC integration and plain batched ORM.

Run by ``scripts/bench.sh`` (``make bench``), which prepares a fresh database with the module and passes
``--odoo-config``, ``--database``, ``--odoo-bin`` and ``--repo``. Three ways of turning sandbox orders
(N lines each, a new buyer each) into confirmed sale orders, each on its own fresh orders:

(a) ``account.action_import_orders()``: HTTP from the sandbox, jobs, mapping, create, confirm, a commit
    per batch (in-process, not in test mode);
(b) a naive external integration over XML-RPC, one order at a time (product by barcode, partner,
    sale.order, action_confirm), against an Odoo server subprocess;
(c) plain batched ORM without the module: 100 orders per ``create``, one ``action_confirm`` and one
    commit per batch (in-process): the upper bound of stock Odoo.

Then (a) again on fresh orders under cProfile, to show where its time goes. Exits non-zero when a way
does not produce the expected confirmed orders (a missed ratio target is only reported).
"""

import argparse
import contextlib
import cProfile
import functools
import json
import os
import pstats
import signal
import socket
import subprocess
import sys
import time
import xmlrpc.client
from datetime import date, timedelta
from pathlib import Path

import requests

EXITO_TOKEN = "sandbox-exito-token"
CATALOG = [  # sandbox/README.md: name, EAN, reference, price (COP, taxes included in the sandbox)
    ("Reloj Inteligente Simcard Bluetooth", "7752285029933", "smartwatch08", 189900),
    ("Audífonos Inalámbricos Bluetooth", "7701234500016", "AUD-BT-01", 129900),
    ("Parlante Portátil Resistente al Agua", "7701234500023", "PAR-PORT-02", 219900),
    ("Cargador Rápido USB-C 20W", "7701234500030", "CARG-USBC-20", 49900),
    ("Mouse Inalámbrico Ergonómico", "7701234500047", "MOU-ERG-04", 79900),
    ("Teclado Mecánico Retroiluminado", "7701234500054", "TEC-MEC-05", 259900),
    ("Cable HDMI 2.1 de 2 metros", "7701234500061", "HDMI-21-2M", 39900),
]
SEEDS = {"a": 1, "b": 2, "c": 3, "profile": 4}
WARMUP_SEED_OFFSET = 100
BATCH = 100
TARGETS = {"b": 4.0, "c": 0.8}  # (a)/(b) and (a)/(c)
LABELS = {
    "a": "(a) module: HTTP + jobs + batches",
    "b": "(b) naive XML-RPC, 1 order at a time",
    "c": "(c) batched ORM, no module",
}


def analyze(registry):
    """Fresh planner statistics before each timed way: the database was just made, and each way
    grows its tables, so that without this the first way runs on the plans of a younger database."""
    with registry.cursor() as cr:
        cr.execute("ANALYZE")


class BenchError(Exception):
    """A way did not produce what it should have."""


def log(message=""):
    print(message, flush=True)


def section(title):
    log()
    log(f"--- {title} " + "-" * max(0, 76 - len(title)))


# -- child processes ----------------------------------------------------------------------------


class Children:
    """Child processes, stopped in all cases; their pids are kept in a file that bench.sh's trap
    reads, in case this process dies without running its ``finally``."""

    def __init__(self, pid_file):
        self.pid_file = Path(pid_file) if pid_file else None
        self.processes = []

    def _save(self):
        if self.pid_file:
            self.pid_file.write_text("".join(f"{proc.pid}\n" for proc in self.processes if proc.poll() is None))

    def start(self, args, **kwargs):
        proc = subprocess.Popen(args, **kwargs)
        self.processes.append(proc)
        self._save()
        return proc

    def stop(self, proc, timeout=30):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
        self.processes.remove(proc)
        self._save()

    def stop_all(self):
        for proc in list(self.processes):
            self.stop(proc)


class Sandbox:
    """``python -m sandbox`` on a free port."""

    def __init__(self, children, repo, log_file):
        self.children = children
        with open(log_file, "w", encoding="utf-8") as errors:
            self.proc = children.start(
                [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", "0", "--quiet"],
                cwd=repo, stdout=subprocess.PIPE, stderr=errors, text=True,
                env=dict(os.environ, PYTHONUNBUFFERED="1"))
        line = self.proc.stdout.readline().strip()
        if not line.startswith("Sandbox listening on "):
            raise BenchError(f"the sandbox did not start: {line!r}")
        self.url = line.removeprefix("Sandbox listening on ")
        self.exito_url = self.url + "/exito"
        self.session = requests.Session()
        for _attempt in range(50):
            with contextlib.suppress(requests.RequestException):
                if self.session.get(self.url + "/_sandbox/health", timeout=5).json().get("status") == "ok":
                    return
            time.sleep(0.1)
        raise BenchError("the sandbox does not answer")

    def reset(self, seed, orders, lines):
        body = {"seed": seed, "exito": {"orders": orders, "lines_per_order": lines, "unique_buyers": True}}
        response = self.session.post(self.url + "/_sandbox/reset", json=body, timeout=120)
        response.raise_for_status()
        if response.json()["exito"]["orders"] != orders:
            raise BenchError(f"the sandbox made {response.json()} instead of {orders} orders")

    def orders(self):
        response = self.session.get(self.url + "/_sandbox/exito/orders", timeout=120)
        response.raise_for_status()
        return response.json()

    def stop(self):
        self.session.close()
        self.children.stop(self.proc)


# -- in-process Odoo ----------------------------------------------------------------------------


def open_registry(config_file, database):
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", config_file, "-d", database, "--log-level=warn"], setup_logging=True)
    # Not test mode: the module commits after each batch of jobs, as it does in production.
    if odoo.tools.config["test_enable"] or odoo.modules.module.current_test:
        raise BenchError("Odoo is in test mode; the module would not commit per batch")
    return Registry(database)


@contextlib.contextmanager
def environment(registry):
    """A superuser environment on a new cursor, committed at the end."""
    import odoo

    with registry.cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def setup(registry, sandbox):
    """Pricelist, tax, products (with stock), shipping product and the Éxito account (not timed)."""
    with environment(registry) as env:
        company = env.company
        cop = env.ref("base.COP")
        cop.active = True
        pricelist = env["product.pricelist"].create({"name": "Bench COP", "currency_id": cop.id})
        iva = env["account.tax"].create({
            "name": "IVA 19% bench", "amount": 19.0, "amount_type": "percent", "type_tax_use": "sale",
            "price_include_override": "tax_excluded", "company_id": company.id,
        })
        shipping = env.ref("marketplace_connector.product_marketplace_shipping")
        shipping.taxes_id = iva
        products = env["product.product"].create([
            {"name": name, "barcode": ean, "default_code": reference, "list_price": price,
             "type": "consu", "is_storable": True, "taxes_id": [(6, 0, iva.ids)]}
            for name, ean, reference, price in CATALOG
        ])
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        for product in products:
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1_000_000)
        admin = env.ref("base.user_admin")
        account = env["marketplace.account"].create({
            "name": "Éxito bench",
            "marketplace": "exito",
            "api_url": sandbox.exito_url,
            "api_token": EXITO_TOKEN,
            "pricelist_id": pricelist.id,
            "warehouse_id": warehouse.id,
            "user_id": admin.id,
            "auto_confirm": True,
            "auto_import": False,
            "import_from_date": date.today() - timedelta(days=30),
        })
        return {
            "account_id": account.id,
            "pricelist_id": pricelist.id,
            "shipping_product_id": shipping.id,
            "country_id": env.ref("base.co").id,
            "company_id": company.id,
            "admin_id": admin.id,
        }


SNAPSHOT_TABLES = ("sale_order", "marketplace_job", "mail_mail", "mail_message")


def snapshot(env):
    """The highest id of each table a way adds to, to tell its records from the others'."""
    env.cr.execute(" UNION ALL ".join(f"SELECT COALESCE(MAX(id), 0) FROM {table}" for table in SNAPSHOT_TABLES))
    return dict(zip(SNAPSHOT_TABLES, (row[0] for row in env.cr.fetchall()), strict=True))


def verify_orders(registry, before, expected, lines, marketplace_account_id=None):
    """Sale orders made since ``before`` (a snapshot): how many, confirmed, with a picking, with
    their lines. Also says what else came with them (emails queued, chatter messages)."""
    after_id = before["sale_order"]
    with environment(registry) as env:
        env.cr.execute("""
            SELECT COUNT(*),
                   COUNT(*) FILTER (WHERE so.state = 'sale'),
                   COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM stock_picking sp WHERE sp.sale_id = so.id)),
                   COUNT(*) FILTER (WHERE so.marketplace_account_id IS NOT DISTINCT FROM %s),
                   (SELECT COUNT(*) FROM sale_order_line sol
                     WHERE sol.order_id > %s AND NOT COALESCE(sol.is_delivery, FALSE)),
                   (SELECT COUNT(*) FROM mail_mail WHERE id > %s),
                   (SELECT COUNT(*) FROM mail_message WHERE id > %s)
              FROM sale_order so WHERE so.id > %s
        """, (marketplace_account_id, after_id, before["mail_mail"], before["mail_message"], after_id))
        count, confirmed, with_picking, of_account, product_lines, mails, messages = env.cr.fetchone()
    log(f"  checked: {count} orders, {confirmed} confirmed, {with_picking} with a picking, {product_lines} "
        f"product lines; side effects: {mails} emails queued, {messages} chatter messages")
    problems = []
    if count != expected:
        problems.append(f"{count} sale orders instead of {expected}")
    if confirmed != count:
        problems.append(f"{count - confirmed} orders not in state 'sale'")
    if with_picking != count:
        problems.append(f"{count - with_picking} orders without a picking")
    if of_account != count:
        problems.append(f"{count - of_account} orders with the wrong marketplace account")
    if product_lines != expected * lines:
        problems.append(f"{product_lines} product lines instead of {expected * lines}")
    return count, problems


# -- instrumentation of (a), in this script only ------------------------------------------------

#: label, depth, target: (model, method) on the registry's class, or a plain Python class
PROBES = [
    ("acquire due jobs (FOR UPDATE SKIP LOCKED)", 0, ("marketplace.job", "_acquire_due_jobs")),
    ("run handlers (incl. savepoint flush)", 0, ("marketplace.job", "_run_handler")),
    ("fetch_orders jobs", 1, ("marketplace.job", "_run_receive_once_each")),
    ("HTTP GET page + validation", 2, "ExitoClient.get_orders_page"),
    ("store order payloads as jobs", 2, ("marketplace.account", "_enqueue_orders")),
    ("import_order jobs", 1, ("marketplace.job", "_run_batch")),
    ("parse payloads (pydantic)", 2, "ExitoClient.parse_order"),
    ("resolve products", 2, ("marketplace.listing", "_resolve_products")),
    ("find or create buyers", 2, ("res.partner", "_marketplace_find_or_create_buyers")),
    ("sale.order.create", 2, ("sale.order", "create")),
    ("taxes included in prices", 2, ("sale.order", "_marketplace_include_taxes_in_prices")),
    ("check totals (computes amounts)", 2, ("sale.order", "_marketplace_check_total")),
    ("action_confirm (pickings)", 2, ("sale.order", "action_confirm")),
    ("link jobs to orders", 2, ("marketplace.job", "_link_record")),
    ("record job outcomes", 0, ("marketplace.job", "_apply_outcomes")),
    ("commit per batch (flush + COMMIT)", 0, ("marketplace.job", "_commit_progress")),
]


class Probes:
    """Wall time, SQL queries and SQL time of chosen methods, by wrapping them for one run.

    SQL time is the time spent in ``Cursor.execute`` (driver and server round trip included)."""

    def __init__(self, registry):
        from odoo import sql_db
        from odoo.addons.marketplace_connector.marketplaces.exito.client import ExitoClient  # pylint: disable=import-error

        self.sql_db = sql_db
        self.classes = {"ExitoClient": ExitoClient}
        self.registry = registry
        self.stats = {label: [0, 0.0, 0, 0.0] for label, _depth, _target in PROBES}
        self.sql_seconds = 0.0
        self.patched = []

    def _patch(self, cls, name, wrapper_factory):
        original = getattr(cls, name, None)
        if original is None:  # the module changed: measure what is still there
            log(f"  (no {name} on {cls.__name__} to measure)")
            return
        own = name in cls.__dict__
        setattr(cls, name, functools.wraps(original)(wrapper_factory(original)))
        self.patched.append((cls, name, original, own))

    def _measure(self, label):
        def factory(original):
            def wrapper(*args, **kwargs):
                queries, sql_seconds, started = self.sql_db.sql_counter, self.sql_seconds, time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    stat = self.stats[label]
                    stat[0] += 1
                    stat[1] += time.perf_counter() - started
                    stat[2] += self.sql_db.sql_counter - queries
                    stat[3] += self.sql_seconds - sql_seconds
            return wrapper
        return factory

    def __enter__(self):
        def sql_factory(original):
            def execute(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    self.sql_seconds += time.perf_counter() - started
            return execute

        self._patch(self.sql_db.Cursor, "execute", sql_factory)
        for label, _depth, target in PROBES:
            if isinstance(target, tuple):
                cls, name = self.registry[target[0]], target[1]
            else:
                class_name, name = target.split(".")
                cls = self.classes[class_name]
            self._patch(cls, name, self._measure(label))
        return self

    def __exit__(self, *exc):
        for cls, name, original, own in reversed(self.patched):
            if own:
                setattr(cls, name, original)
            else:
                delattr(cls, name)
        self.patched.clear()

    def report(self, total, orders, queries):
        log(f"{'where (a) spends its time':<46} {'calls':>6} {'seconds':>8} {'%':>6} {'queries':>8} {'SQL s':>7}")
        top = 0.0
        for label, depth, _target in PROBES:
            calls, seconds, label_queries, sql = self.stats[label]
            top += seconds if depth == 0 else 0.0
            name = "  " * depth + label
            log(f"{name:<46} {calls:>6} {seconds:>8.2f} {100 * seconds / total:>5.1f}% {label_queries:>8} {sql:>7.2f}")
        rest = total - top
        log(f"{'other (loop, counters, notification)':<46} {'':>6} {rest:>8.2f} {100 * rest / total:>5.1f}%")
        log(f"{'total':<46} {'':>6} {total:>8.2f} {100.0:>5.1f}% {queries:>8} {self.sql_seconds:>7.2f}")
        fetch = self.stats["fetch_orders jobs"][1]
        imports = self.stats["import_order jobs"][1]
        rest = total - fetch - imports
        log(f"coarse: HTTP fetch + storing jobs {fetch:.2f}s ({100 * fetch / total:.0f}%), "
            f"order jobs {imports:.2f}s ({100 * imports / total:.0f}%), "
            f"rest (savepoint flushes, commits, job bookkeeping) {rest:.2f}s ({100 * rest / total:.0f}%)")
        log(f"SQL: {self.sql_seconds:.2f}s in Cursor.execute ({100 * self.sql_seconds / total:.0f}% of the run), "
            f"{queries / orders:.1f} queries per order; Python: the remaining "
            f"{total - self.sql_seconds:.2f}s")


# -- the three ways -----------------------------------------------------------------------------


def reset_sync(registry, account_id):
    """Make the account read the whole window again (a former run moved its last sync date)."""
    with environment(registry) as env:
        env["marketplace.account"].browse(account_id).last_sync_date = False


def run_module(registry, ctx, orders, probes=None, profiler=None):
    """(a) ``action_import_orders`` on the sandbox's current orders.

    :return: (seconds, SQL queries, orders made, problems found)
    """
    from odoo import sql_db

    reset_sync(registry, ctx["account_id"])
    with environment(registry) as env:
        before = snapshot(env)
        account = env["marketplace.account"].browse(ctx["account_id"])
        Job = env["marketplace.job"]
        with probes or contextlib.nullcontext():
            queries = sql_db.sql_counter
            if profiler:
                profiler.enable()
            try:
                started = time.perf_counter()
                account.action_import_orders()
                button_seconds = time.perf_counter() - started
                if profiler:
                    profiler.disable()
                # The button may stop after a time limit and leave the rest to the job runner
                # (the cron): run the runner at once, as the cron would, and time it too.
                env.cr.execute("SELECT COUNT(*) FROM marketplace_job WHERE id > %s AND state = 'done'",
                               (before["marketplace_job"],))
                button_jobs = env.cr.fetchone()[0]
                if profiler:
                    profiler.enable()
                started = time.perf_counter()
                runner_jobs = Job._run_due_jobs(account_ids=account.ids)
                runner_seconds = time.perf_counter() - started
            finally:
                if profiler:
                    profiler.disable()
            seconds = button_seconds + runner_seconds
            queries = sql_db.sql_counter - queries - 1
    log(f"  action_import_orders(): {button_jobs} jobs in {button_seconds:.2f}s; then the job runner "
        f"(_run_due_jobs, what the cron runs): {runner_jobs} more jobs in {runner_seconds:.2f}s")
    count, problems = verify_orders(registry, before, orders, ctx["lines"], ctx["account_id"])
    with environment(registry) as env:
        env.cr.execute("""SELECT job_type, state, COUNT(*) FROM marketplace_job
                           WHERE account_id = %s AND id > %s GROUP BY job_type, state""",
                       (ctx["account_id"], before["marketplace_job"]))
        jobs = {(job_type, state): total for job_type, state, total in env.cr.fetchall()}
    not_done = {key: total for key, total in jobs.items() if key[1] != "done"}
    if not_done:
        problems.append(f"jobs not done: {not_done}")
    if jobs.get(("import_order", "done"), 0) != orders:
        problems.append(f"{jobs.get(('import_order', 'done'), 0)} import jobs done instead of {orders}")
    return seconds, queries, count, problems


def partner_values(order, ctx):
    street, _comma, rest = (order.get("clientAddress") or "").partition(",")
    return {
        "name": order["clientName"],
        "vat": order.get("identificationCard") or False,
        "phone": order.get("clientTelephone") or False,
        "street": street.strip() or False,
        "city": rest.split(",")[0].strip().title() or False,
        "country_id": ctx["country_id"],
        "company_id": ctx["company_id"],
        "customer_rank": 1,
    }


def sale_order_values(order, partner_id, product_ids, ctx):
    lines = [
        (0, 0, {"product_id": product_ids[product["ean"]], "product_uom_qty": product["quantity"],
                "price_unit": product["costProduct"]})
        for product in order["products"]
    ]
    if order.get("costTotalShipping"):
        lines.append((0, 0, {"product_id": ctx["shipping_product_id"], "product_uom_qty": 1,
                             "price_unit": order["costTotalShipping"], "is_delivery": True}))
    return {
        "partner_id": partner_id,
        "pricelist_id": ctx["pricelist_id"],
        "user_id": ctx["admin_id"],
        "client_order_ref": order["orderNumber"],
        "origin": f"Éxito {order['orderNumber']}",
        "order_line": lines,
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def odoo_server(children, args, log_file):
    """An Odoo server subprocess (threaded, no cron) on a free port; yields its URL."""
    port = free_port()
    with open(log_file, "w", encoding="utf-8") as output:
        proc = children.start(
            [sys.executable, args.odoo_bin, "-c", args.odoo_config, "-d", args.database,
             "--http-interface", "127.0.0.1", "--http-port", str(port), "--workers", "0",
             "--max-cron-threads", "0", "--db-filter", f"^{args.database}$", "--log-level=warn"],
            stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(240):
            if proc.poll() is not None:
                raise BenchError(f"the Odoo server stopped (exit {proc.returncode}); see {log_file}")
            with contextlib.suppress(OSError, xmlrpc.client.Error):
                xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").version()
                break
            time.sleep(0.5)
        else:
            raise BenchError(f"the Odoo server did not answer within 2 minutes; see {log_file}")
        yield url
    finally:
        children.stop(proc)


def naive_rpc(url, database, orders, ctx):
    """(b) One synchronous RPC after the other, one order at a time."""
    uid = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").authenticate(database, "admin", "admin", {})
    if not uid:
        raise BenchError("XML-RPC login admin/admin refused")
    models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(database, uid, "admin", model, method, list(args), kwargs)

    for order in orders:
        product_ids = {}
        for product in order["products"]:
            found = call("product.product", "search", [("barcode", "=", product["ean"])], limit=1)
            if not found:
                raise BenchError(f"no product with barcode {product['ean']}")
            product_ids[product["ean"]] = found[0]
        partner_id = call("res.partner", "create", partner_values(order, ctx))
        order_id = call("sale.order", "create", sale_order_values(order, partner_id, product_ids, ctx))
        call("sale.order", "action_confirm", [order_id])


def run_rpc(registry, ctx, orders_data, children, args, log_file):
    with environment(registry) as env:
        before = snapshot(env)
    with odoo_server(children, args, log_file) as url:
        if ctx["warmup"]:
            naive_rpc(url, args.database, ctx["warmup"], ctx)
            with environment(registry) as env:
                before = snapshot(env)
        started = time.perf_counter()
        naive_rpc(url, args.database, orders_data, ctx)
        seconds = time.perf_counter() - started
    count, problems = verify_orders(registry, before, len(orders_data), ctx["lines"])
    return seconds, None, count, problems


def batched_orm(env, orders, ctx, phases=None):
    """(c) Stock Odoo at its best: products once, partners and orders by 100, one confirm per batch.

    :param dict phases: when given, receives the seconds spent in each phase
    """
    phases = {} if phases is None else phases
    clock = time.perf_counter()

    def lap(phase):
        nonlocal clock
        now = time.perf_counter()
        phases[phase] = phases.get(phase, 0.0) + now - clock
        clock = now

    eans = {product["ean"] for order in orders for product in order["products"]}
    products = env["product.product"].search_fetch([("barcode", "in", list(eans))], ["barcode"])
    product_ids = {product.barcode: product.id for product in products}
    # What Odoo's own import does by default and the module does too (base_import's "track
    # history" off): no tracking, creation logs, followers or "assigned to you" mails. Stock Odoo
    # at its fastest, so that (a)/(c) measures the module's own overhead.
    SaleOrder = env["sale.order"].with_context(tracking_disable=True)
    lap("resolve products")
    for start in range(0, len(orders), BATCH):
        batch = orders[start:start + BATCH]
        partners = env["res.partner"].with_context(tracking_disable=True).create(
            [partner_values(order, ctx) for order in batch])
        lap("create partners")
        sale_orders = SaleOrder.create([
            sale_order_values(order, partner.id, product_ids, ctx)
            for order, partner in zip(batch, partners, strict=True)
        ])
        lap("sale.order.create")
        sale_orders.action_confirm()
        lap("action_confirm (pickings)")
        env.cr.commit()  # pylint: disable=invalid-commit
        lap("commit per batch (flush + COMMIT)")


def run_orm(registry, ctx, orders_data):
    from odoo import sql_db

    phases = {}
    with environment(registry) as env:
        if ctx["warmup"]:
            batched_orm(env, ctx["warmup"], ctx)
        before = snapshot(env)
        queries = sql_db.sql_counter
        started = time.perf_counter()
        batched_orm(env, orders_data, ctx, phases)
        seconds = time.perf_counter() - started
        queries = sql_db.sql_counter - queries
    for phase, phase_seconds in phases.items():
        log(f"  {phase:<40} {phase_seconds:>8.2f}s {100 * phase_seconds / seconds:>5.1f}%")
    count, problems = verify_orders(registry, before, len(orders_data), ctx["lines"])
    return seconds, queries, count, problems


# -- profile of (a) -----------------------------------------------------------------------------

INTERESTING_PATHS = (
    "marketplace_connector/", "/addons/sale/", "/addons/sale_stock/", "/addons/stock/", "/addons/stock_delivery/",
    "/addons/sale_management/", "/requests/", "/urllib3/", "/pydantic/",
)
INTERESTING_FUNCTIONS = {
    "odoo/models.py": {"create", "_create", "write", "_write", "flush_model", "flush_recordset", "_flush",
                       "_compute_field_value", "_recompute_recordset", "_recompute_model", "modified",
                       "_validate_fields", "search_fetch", "_search", "_read_group", "_fetch_query"},
    "odoo/api.py": {"flush_all"},
    "odoo/sql_db.py": {"execute", "commit"},
    "addons/mail/models/mail_thread.py": {"message_subscribe", "_message_track", "_track_finalize",
                                          "create", "write", "_message_auto_subscribe",
                                          "_message_auto_subscribe_notify", "message_notify",
                                          "_message_log_batch", "message_post", "_message_create"},
    "addons/mail/models/mail_mail.py": {"send"},
    "addons/account/models/account_tax.py": {"_add_tax_details_in_base_lines", "_compute_taxes_for_single_line",
                                             "_get_tax_totals_summary", "_prepare_base_line_for_taxes_computation"},
}


def short_path(filename):
    for marker in ("marketplace_connector/", "/addons/", "/odoo/", "site-packages/"):
        index = filename.rfind(marker)
        if index >= 0:
            return filename[index + (1 if marker.startswith("/") else 0):]
    return filename


def interesting(filename, function):
    if any(part in filename for part in INTERESTING_PATHS):
        return True
    return any(filename.endswith(path) and function in names for path, names in INTERESTING_FUNCTIONS.items())


def print_profile(profiler, total, out_file, top):
    profiler.dump_stats(out_file)
    stats = pstats.Stats(profiler).stats
    rows = [(ct, tt, nc, filename, line, function) for (filename, line, function), (_cc, nc, tt, ct, _callers)
            in stats.items() if interesting(filename, function)]
    rows.sort(reverse=True)
    log(f"top {top} module/sale/stock/ORM/HTTP functions by cumulative time "
        f"(profiled run: {total:.2f}s; full profile: {out_file})")
    log(f"{'cum s':>7} {'%':>5} {'own s':>7} {'calls':>8}  function")
    for ct, tt, nc, filename, line, function in rows[:top]:
        log(f"{ct:>7.2f} {100 * ct / total:>4.0f}% {tt:>7.2f} {nc:>8}  {short_path(filename)}:{line} {function}")
    own = sorted(((tt, nc, filename, line, function) for (filename, line, function), (_cc, nc, tt, _ct, _callers)
                  in stats.items()), reverse=True)
    log()
    log("top 12 functions by own time (all code):")
    log(f"{'own s':>7} {'%':>5} {'calls':>8}  function")
    for tt, nc, filename, line, function in own[:12]:
        log(f"{tt:>7.2f} {100 * tt / total:>4.0f}% {nc:>8}  {short_path(filename)}:{line} {function}")


# -- main ---------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True, help="database with the module installed")
    parser.add_argument("--odoo-bin", required=True, help="odoo-bin of the Odoo 18 source tree, for (b)")
    parser.add_argument("--repo", required=True, help="the module's directory (holds the sandbox)")
    parser.add_argument("--orders", type=int, default=1000, help="orders per way (default 1000)")
    parser.add_argument("--lines", type=int, default=3, help="lines per order (default 3)")
    parser.add_argument("--warmup", type=int, default=5,
                        help="orders each way imports untimed first, to warm caches (default 5, 0 = none)")
    parser.add_argument("--skip", action="append", default=[], metavar="WAY",
                        help="skip a, b, c or profile (repeatable, or comma separated)")
    parser.add_argument("--profile-orders", type=int, default=None,
                        help="orders of the profiled run of (a) (default: --orders)")
    parser.add_argument("--top", type=int, default=25, help="profile rows (default 25)")
    parser.add_argument("--results-dir", default=None, help="where to write results.json and the profile")
    parser.add_argument("--pid-file", default=None, help="file listing the live child processes")
    args = parser.parse_args(argv)
    args.skip = {way.strip() for value in args.skip for way in value.split(",") if way.strip()}
    unknown = args.skip - {"a", "b", "c", "profile"}
    if unknown:
        parser.error(f"unknown way to skip: {', '.join(sorted(unknown))}")
    if args.profile_orders is None:
        args.profile_orders = args.orders
    if args.orders < 1 or args.profile_orders < 1:
        parser.error("--orders and --profile-orders must be positive")
    return args


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results_dir = Path(args.results_dir or Path(args.repo) / "bench" / "results")
    results_dir.mkdir(parents=True, exist_ok=True)
    children = Children(args.pid_file)
    results, failures = {}, []
    wall = time.perf_counter()
    try:
        sandbox = Sandbox(children, args.repo, results_dir / "sandbox.log")
        log(f"Sandbox at {sandbox.url}; {args.orders} orders per way, {args.lines} lines each, a new buyer each; "
            f"{args.warmup} untimed warm-up orders per way")
        registry = open_registry(args.odoo_config, args.database)
        ctx = setup(registry, sandbox)
        ctx["lines"] = args.lines

        def fresh_orders(seed, count):
            sandbox.reset(seed, count, args.lines)
            return sandbox.orders()

        def record(way, outcome):
            seconds, queries, count, problems = outcome
            results[way] = {"orders": count, "seconds": seconds, "orders_per_second": count / seconds,
                            "queries": queries, "problems": problems}
            extra = f", {queries / max(count, 1):.1f} SQL queries/order" if queries is not None else ""
            log(f"{LABELS[way]}: {count} orders in {seconds:.2f}s = {count / seconds:.1f} orders/s{extra}")
            for problem in problems:
                log(f"  FAILED CHECK: {problem}")
                failures.append(f"{way}: {problem}")

        probes = None
        if "a" not in args.skip:
            section("(a) module pipeline: account.action_import_orders()")
            if args.warmup:
                log(f"warm-up, untimed: {args.warmup} orders")
                fresh_orders(SEEDS["a"] + WARMUP_SEED_OFFSET, args.warmup)
                for problem in run_module(registry, ctx, args.warmup)[3]:
                    failures.append(f"a (warm-up): {problem}")
            fresh_orders(SEEDS["a"], args.orders)
            analyze(registry)
            probes = Probes(registry)
            record("a", run_module(registry, ctx, args.orders, probes=probes))

        if "b" not in args.skip:
            section("(b) naive XML-RPC integration, one order at a time")
            ctx["warmup"] = fresh_orders(SEEDS["b"] + WARMUP_SEED_OFFSET, args.warmup) if args.warmup else []
            orders = fresh_orders(SEEDS["b"], args.orders)
            analyze(registry)
            record("b", run_rpc(registry, ctx, orders, children, args, results_dir / "odoo-server.log"))

        if "c" not in args.skip:
            section("(c) plain batched ORM, no module")
            ctx["warmup"] = fresh_orders(SEEDS["c"] + WARMUP_SEED_OFFSET, args.warmup) if args.warmup else []
            orders = fresh_orders(SEEDS["c"], args.orders)
            analyze(registry)
            record("c", run_orm(registry, ctx, orders))

        section("Results")
        log(f"{'way':<40} {'orders':>7} {'seconds':>9} {'orders/s':>9}")
        for way in ("a", "b", "c"):
            if way in results:
                result = results[way]
                log(f"{LABELS[way]:<40} {result['orders']:>7} {result['seconds']:>9.2f} "
                    f"{result['orders_per_second']:>9.1f}")
            else:
                log(f"{LABELS[way]:<40} {'skipped':>7}")
        ratios = {}
        for other, target in TARGETS.items():
            if "a" in results and other in results:
                ratio = results["a"]["orders_per_second"] / results[other]["orders_per_second"]
                ratios[other] = ratio
                verdict = "PASS" if ratio >= target else "FAIL"
                log(f"(a)/({other}) = {ratio:5.2f}   target >= {target:<4}  {verdict}")
            else:
                log(f"(a)/({other}) = n/a (a way was skipped)")

        if probes:
            section("Where (a)'s time goes (timed run, light method wrappers)")
            probes.report(results["a"]["seconds"], results["a"]["orders"], results["a"]["queries"])

        if "a" not in args.skip and "profile" not in args.skip:
            section(f"Profile of (a): a SECOND run under cProfile, on {args.profile_orders} fresh orders (seed "
                    f"{SEEDS['profile']}); cProfile slows it down, the timed figures above are unprofiled")
            fresh_orders(SEEDS["profile"], args.profile_orders)
            profiler = cProfile.Profile()
            seconds, _queries, count, problems = run_module(registry, ctx, args.profile_orders, profiler=profiler)
            for problem in problems:
                log(f"  FAILED CHECK (profiled run): {problem}")
                failures.append(f"profile: {problem}")
            print_profile(profiler, seconds, results_dir / "profile_a.prof", args.top)

        (results_dir / "results.json").write_text(json.dumps(
            {"orders": args.orders, "lines": args.lines, "results": results, "ratios": ratios,
             "targets": TARGETS, "failures": failures}, indent=2))
        sandbox.stop()
    except BenchError as error:
        failures.append(str(error))
        log(f"error: {error}")
    finally:
        children.stop_all()
    section("Done")
    saved = f"; results in {results_dir / 'results.json'}" if results else ""
    log(f"benchmark wall time {time.perf_counter() - wall:.1f}s{saved}")
    if failures:
        log("FAILED: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
