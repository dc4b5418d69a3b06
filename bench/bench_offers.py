"""Offer push benchmark: detecting changed prices and stock on many listings, and sending them.

Run by ``scripts/bench_offers.sh`` (``make bench-offers``), which prepares a fresh database with the module
and passes ``--odoo-config``, ``--database`` and ``--repo``. On N published Éxito listings (20,000 by
default) whose last offer matches the current price and stock, a share (2 %) is changed: half by stock moves
(``stock.quant._update_available_quantity``, which marks the listings dirty), half by list price writes.
Then, each step in a new transaction (empty ORM cache):

1. ``account._queue_changed_offers()``: detection of the dirty listings and their jobs;
2. ``account._queue_changed_offers(full=True)``: the same over every listing (target: at most 0.5 s),
   rolled back afterwards (its jobs would repeat those of step 1); profiled when over the target;
3. the job runner (``marketplace.job._run_due_jobs``) on the jobs of step 1: HTTP requests and seconds;
4. all N listings: ``account._queue_offer_jobs`` then the job runner;
5. for reference, the stock of 5,000 products through the ORM's ``qty_available`` and through one SQL
   query over quants (the module's query).

HTTP goes to the bundled sandbox (``python -m sandbox``), which takes offers only for EANs created first as
products and (with every creation field) as offers: both are made before the clock starts. Requests are
counted in the sandbox's request log. Exits non-zero when a figure is not what it must be (listings queued,
jobs, requests, offers sent); a missed time target is only reported.
"""

import argparse
import cProfile
import functools
import json
import math
import pstats
import signal
import statistics
import sys
import time
from pathlib import Path

# The import benchmark's helpers: child processes, the sandbox, the in-process registry, output.
from bench_import import BenchError, Children, Sandbox, analyze, environment, log, open_registry, section, short_path

BATCH = 1000  # records per create in the setup
SANDBOX_BATCH = 400  # the sandbox's limit of products / offer rows per request
EAN_PREFIX = "7709"  # + 8 digits + check digit: EAN-13s that are not those of the sandbox's catalog
PRICE_CHANGE = 1.05  # +5 %: under Éxito's 30 % price guard (PEX), so the sandbox applies it
STOCK_MOVE = 7  # units added to each product whose stock changes
TARGET_FULL_SECONDS = 0.5


class Failures(list):
    def check(self, condition, message):
        if not condition:
            log(f"  FAILED CHECK: {message}")
            self.append(message)
        return condition


def ean13(number):
    digits = f"{EAN_PREFIX}{number:08d}"
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def chunks(items, size):
    return [items[start:start + size] for start in range(0, len(items), size)]


def lap(started, what):
    seconds = time.perf_counter() - started
    log(f"  {what}: {seconds:.1f}s")
    return time.perf_counter()


# -- sandbox ------------------------------------------------------------------------------------


class OfferSandbox(Sandbox):
    """The sandbox, with what this benchmark needs: seeding products and offers, counting requests."""

    token = "sandbox-exito-token"  # the sandbox's default

    def _exito(self, method, path, body):
        response = self.session.request(method, self.exito_url + path, params={"culture": "es-CO"}, json=body,
                                        headers={"Authorization": self.token}, timeout=120)
        response.raise_for_status()
        return response.json()

    def seed(self, items):
        """Create ``items`` (``[(ean, sku, price, stock)]``) as products, then as offers (every creation field),
        400 per request, as if they had been published and sent before."""
        for batch in chunks(items, SANDBOX_BATCH):
            answer = self._exito("POST", "/products-massive/", [{
                "Ean": ean, "SellerSku": sku, "Name": f"Producto banco {sku}", "Category": "27193",
                "Brand": "Banco", "Description": "Producto del banco de pruebas", "KeyWords": "banco,prueba",
                **dict.fromkeys(("PackageHeight", "PackageLength", "PackageWidth", "PackageWeight", "ProductHeight",
                                 "ProductLength", "ProductWidth", "ProductWeight"), "1"),
                "SkuShippingSize": "1", "Seller": "Marketplace", "ProductType": "Technology",
                "ImageUrl1": f"https://example.com/{sku}.jpg", "IsLogisticsExito": "0",
                "MeasurementUnit": "Unidad", "ConversionFactor": "1",
            } for ean, sku, _price, _stock in batch])
            if answer["Data"][0]["error"]:
                raise BenchError(f"the sandbox refused products: {answer['Data'][0]['productNotifyViewModel'][:3]}")
            # The bulk process must be over before the next POST: each status read moves it on (4, 1, final).
            for _read in range(3):
                self._exito("GET", "/products-massive/status", None)
        for batch in chunks(items, SANDBOX_BATCH):
            answer = self._exito("PATCH", "/OfferExternal", {"PriceApproval": 0, "ListOffers": [{
                "EAN": ean, "Stock": str(stock), "Price": f"{price:.2f}", "DiscountPrice": f"{price:.2f}",
                "AverageFreightCost": "0", "PromiseDelivery": "1 a 10", "Warranty": 1, "IsFreeShipping": 0,
                "IsEnviosExito": 0, "IsFreightCalculator": 0, "IsLogisticsExito": 0, "IsUpdatedStock": 1,
                "Currency": "COP", "Periodicity": 1, "SellerSku": sku,
            } for ean, sku, price, stock in batch]})
            if answer["data"]["error"]:
                raise BenchError(f"the sandbox refused offers: {answer['data']['offerNotifyViewModels'][:3]}")

    def clear_requests(self):
        self.session.delete(self.url + "/_sandbox/requests", timeout=60).raise_for_status()

    def offer_requests(self):
        """``(PATCH /OfferExternal requests, rows sent, statuses)`` since the last clear."""
        response = self.session.get(self.url + "/_sandbox/requests", timeout=120)
        response.raise_for_status()
        requests = [request for request in response.json()
                    if request["method"] == "PATCH" and request["path"].rstrip("/").endswith("/OfferExternal")]
        rows = sum(len((request.get("body") or {}).get("ListOffers") or []) for request in requests)
        statuses = sorted({str(request["status"]) for request in requests})
        return len(requests), rows, statuses

    def offers(self):
        response = self.session.get(self.url + "/_sandbox/exito/offers", timeout=120)
        response.raise_for_status()
        return {offer["EAN"]: offer for offer in response.json()}


# -- setup --------------------------------------------------------------------------------------


def setup(registry, sandbox, args):
    """Products with stock, the account, published listings whose last offer is current; the same offers
    on the sandbox (not timed)."""
    started = time.perf_counter()
    with environment(registry) as env:
        cop = env.ref("base.COP")
        cop.active = True
        pricelist = env["product.pricelist"].create({"name": "Bench COP", "currency_id": cop.id})
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        account = env["marketplace.account"].create({
            "name": "Éxito offers bench", "marketplace": "exito", "api_url": sandbox.exito_url,
            "api_token": sandbox.token, "pricelist_id": pricelist.id, "warehouse_id": warehouse.id,
            "auto_import": False, "auto_push_offers": False,
        })
        ctx = {"account_id": account.id, "warehouse_id": warehouse.id, "location_id": warehouse.lot_stock_id.id}
    log(f"Setup (not timed): {args.listings} products, quants, listings; the same products and offers on the sandbox")

    product_ids = []
    for batch in chunks(range(args.listings), BATCH):
        with environment(registry) as env:
            Product = env["product.product"].with_context(tracking_disable=True, mail_create_nolog=True)
            product_ids += Product.create([{
                "name": f"Bench product {index:05d}", "barcode": ean13(index), "default_code": f"BENCH-{index:05d}",
                # whole pesos (Éxito takes no cents), 10,000 to 509,000
                "list_price": 10_000 + (index * 7919 % 500) * 1_000,
                "type": "consu", "is_storable": True, "taxes_id": [(5, 0, 0)],
            } for index in batch]).ids
    started = lap(started, f"{len(product_ids)} products (product.product.create by {BATCH})")

    quantities = {product_id: 1 + index * 37 % 300 for index, product_id in enumerate(product_ids)}
    if args.quants == "inventory":
        # As a user's inventory adjustment: quants in inventory mode, then "Apply" (stock moves, done).
        for batch in chunks(product_ids, BATCH):
            with environment(registry) as env:
                quants = env["stock.quant"].with_context(inventory_mode=True, tracking_disable=True).create([
                    {"product_id": product_id, "location_id": ctx["location_id"],
                     "inventory_quantity": quantities[product_id]} for product_id in batch])
                quants.with_context(tracking_disable=True).action_apply_inventory()
        started = lap(started, f"{len(product_ids)} quants (stock.quant.create in inventory mode + "
                               f"action_apply_inventory, by {BATCH})")
    else:
        # Quants as the stock moves make them (stock.quant.create with a quantity, no move): fast.
        for batch in chunks(product_ids, BATCH):
            with environment(registry) as env:
                env["stock.quant"].sudo().create([
                    {"product_id": product_id, "location_id": ctx["location_id"],
                     "quantity": quantities[product_id]} for product_id in batch])
        started = lap(started, f"{len(product_ids)} quants (stock.quant.create with quantity, no stock move, "
                               f"by {BATCH})")

    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 3600))
    listing_ids = []
    for batch in chunks(product_ids, BATCH):
        with environment(registry) as env:
            listing_ids += env["marketplace.listing"].create([{
                "account_id": ctx["account_id"], "product_id": product_id, "state": "published",
                "offer_state": "active", "offer_date": now, "offer_dirty": False,
            } for product_id in batch]).ids
    with environment(registry) as env:
        listings = env["marketplace.listing"].browse(listing_ids)
        values = listings._offer_values()  # the module's own figures: what was "last sent"
        for listing in listings:
            listing.offer_price, listing.offer_stock = values[listing.id]
        env.flush_all()
        env.cr.execute("SELECT COUNT(*) FROM marketplace_listing WHERE account_id = %s AND offer_dirty",
                       (ctx["account_id"],))
        dirty = env.cr.fetchone()[0]
        items = [(listing.ean, listing.seller_sku, *values[listing.id]) for listing in listings]
    started = lap(started, f"{len(listing_ids)} published listings, last offer = current price and stock, "
                           f"{dirty} dirty")
    sandbox.seed(items)
    lap(started, f"sandbox: {len(items)} products (POST /products-massive/ by {SANDBOX_BATCH}) and their offers "
                 f"(PATCH /OfferExternal with every creation field, by {SANDBOX_BATCH})")
    ctx.update(product_ids=product_ids, listing_ids=listing_ids)
    return ctx


def change(registry, ctx, args):
    """Change ``--changed`` products evenly spread: half by stock moves, half by list price writes."""
    count = args.changed
    step = len(ctx["product_ids"]) / count
    chosen = [ctx["product_ids"][int(index * step)] for index in range(count)]
    moved, priced = chosen[0::2], chosen[1::2]
    started = time.perf_counter()
    with environment(registry) as env:
        location = env["stock.location"].browse(ctx["location_id"])
        Quant = env["stock.quant"]
        for product in env["product.product"].browse(moved):
            Quant._update_available_quantity(product, location, STOCK_MOVE)
        for product in env["product.product"].browse(priced):
            product.product_tmpl_id.write({"list_price": round(product.list_price * PRICE_CHANGE)})
        env.cr.flush()  # what a commit runs first: the ORM's flush, then the dirty marks (precommit)
        env.cr.execute("SELECT COUNT(*) FROM marketplace_listing WHERE account_id = %s AND offer_dirty",
                       (ctx["account_id"],))
        dirty = env.cr.fetchone()[0]
    log(f"Changed {count} of {len(ctx['product_ids'])} products ({100 * count / len(ctx['product_ids']):g} %): "
        f"{len(moved)} by stock.quant._update_available_quantity(+{STOCK_MOVE}), {len(priced)} by "
        f"product.template.write(list_price +{round(100 * (PRICE_CHANGE - 1))} %) in "
        f"{time.perf_counter() - started:.1f}s; listings now dirty: {dirty}")
    ctx["changed_product_ids"] = set(chosen)
    return dirty


# -- probes -------------------------------------------------------------------------------------

#: label, depth, (model, method)
PROBES = [
    ("_offer_values_by_product (stock SQL + prices)", 0, ("marketplace.account", "_offer_values_by_product")),
    ("_offer_prices (bulk prices)", 1, ("marketplace.account", "_offer_prices")),
    ("pricelist._get_products_price (ruled products)", 2, ("product.pricelist", "_get_products_price")),
    ("_queue_offer_jobs (chunks + job create)", 0, ("marketplace.account", "_queue_offer_jobs")),
]


class Probes:
    """Wall time and SQL queries of a few methods during one call, by wrapping them (cheap: a few calls)."""

    def __init__(self, registry):
        from odoo import sql_db

        self.sql_db = sql_db
        self.registry = registry
        self.stats = {label: [0, 0.0, 0] for label, _depth, _target in PROBES}
        self.patched = []

    def __enter__(self):
        for label, _depth, (model, name) in PROBES:
            cls = self.registry[model]
            original = getattr(cls, name)

            def wrapper(*args, _original=original, _label=label, **kwargs):
                queries, started = self.sql_db.sql_counter, time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    stat = self.stats[_label]
                    stat[0] += 1
                    stat[1] += time.perf_counter() - started
                    stat[2] += self.sql_db.sql_counter - queries

            self.patched.append((cls, name, name in cls.__dict__, original))
            setattr(cls, name, functools.wraps(original)(wrapper))
        return self

    def __exit__(self, *exc):
        for cls, name, own, original in reversed(self.patched):
            if own:
                setattr(cls, name, original)
            else:
                delattr(cls, name)
        self.patched.clear()

    def lines(self, total):
        accounted = 0.0
        out = []
        for label, depth, _target in PROBES:
            calls, seconds, queries = self.stats[label]
            accounted += seconds if depth == 0 else 0.0
            out.append(f"      {'  ' * depth + label:<44} {calls:>3} calls {seconds:>7.3f}s {queries:>5} queries")
        rest = total - accounted
        out.append(f"      {'rest (listing rows, compare, offer_dirty write)':<44} {'':>9} {rest:>7.3f}s")
        return out


# -- timed steps --------------------------------------------------------------------------------


def detect(registry, ctx, full, commit, profiler=None):
    """``_queue_changed_offers`` in a new transaction (empty ORM cache), its writes flushed.

    :return: dict of seconds, listings queued, jobs, rows, queries, probes
    """
    from odoo import sql_db

    with environment(registry) as env:
        account = env["marketplace.account"].browse(ctx["account_id"])
        env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM marketplace_job")
        last_job = env.cr.fetchone()[0]
        with Probes(registry) as probes:
            queries = sql_db.sql_counter
            if profiler:
                profiler.enable()
            started = time.perf_counter()
            try:
                changed = account._queue_changed_offers(full=full)
                env.flush_all()
                seconds = time.perf_counter() - started
            finally:
                if profiler:
                    profiler.disable()
            queries = sql_db.sql_counter - queries
        jobs = env["marketplace.job"].search([("id", ">", last_job), ("account_id", "=", account.id)])
        rows = sum(len(job.payload["listing_ids"]) for job in jobs)  # no combos: one row per listing
        result = {"seconds": seconds, "queued": len(changed), "jobs": len(jobs), "rows": rows, "queries": queries,
                  "job_sizes": sorted({len(job.payload["listing_ids"]) for job in jobs}),
                  "probes": probes.lines(seconds), "changed_ids": set(changed.ids)}
        if not commit:
            env.cr.rollback()
    return result


def run_jobs(registry, sandbox, ctx):
    """The job runner on the account's due jobs; HTTP requests counted by the sandbox."""
    from odoo import sql_db

    sandbox.clear_requests()
    with environment(registry) as env:
        env.cr.execute("SELECT COUNT(*) FROM marketplace_job WHERE account_id = %s AND state = 'pending'",
                       (ctx["account_id"],))
        due = env.cr.fetchone()[0]
        env.cr.commit()
        queries = sql_db.sql_counter
        started = time.perf_counter()
        processed = env["marketplace.job"]._run_due_jobs(account_ids=[ctx["account_id"]])
        seconds = time.perf_counter() - started
        queries = sql_db.sql_counter - queries
        env.cr.execute("""SELECT state, COUNT(*) FROM marketplace_job WHERE account_id = %s AND job_type = 'push_offers'
                       GROUP BY state""", (ctx["account_id"],))
        jobs = dict(env.cr.fetchall())
        env.cr.execute("""SELECT offer_state, COUNT(*) FROM marketplace_listing WHERE account_id = %s
                       GROUP BY offer_state""", (ctx["account_id"],))
        listings = dict(env.cr.fetchall())
    requests, rows, statuses = sandbox.offer_requests()
    return {"seconds": seconds, "due": due, "processed": processed, "requests": requests, "rows": rows,
            "statuses": statuses, "jobs": jobs, "listing_states": listings, "queries": queries}


def check_sandbox(registry, sandbox, listing_ids, failures):
    """The sandbox's offers of ``listing_ids`` hold the listings' current price and stock."""
    offers = sandbox.offers()
    with environment(registry) as env:
        listings = env["marketplace.listing"].browse(sorted(listing_ids))
        values = listings._offer_values()
        wrong = [listing.ean for listing in listings
                 if (offers.get(listing.ean, {}).get("Price"), offers.get(listing.ean, {}).get("Stock"))
                 != (round(values[listing.id][0]), values[listing.id][1])]
    failures.check(not wrong, f"{len(wrong)} of {len(listing_ids)} sandbox offers do not hold the listing's price "
                              f"and stock (e.g. {wrong[:3]})")
    return len(listing_ids) - len(wrong)


def stock_reference(registry, ctx, count):
    """Stock of ``count`` products: ORM ``qty_available`` (warehouse context) against the module's SQL query."""
    from odoo.tools import SQL

    product_ids = ctx["product_ids"][:count]
    with environment(registry) as env:
        products = env["product.product"].browse(product_ids).with_context(warehouse_id=ctx["warehouse_id"])
        started = time.perf_counter()
        orm = {product.id: product.qty_available for product in products}
        orm_seconds = time.perf_counter() - started
    with environment(registry) as env:
        parent_path = env["stock.warehouse"].browse(ctx["warehouse_id"]).view_location_id.parent_path
        started = time.perf_counter()
        env.cr.execute(SQL(
            """SELECT quant.product_id, SUM(quant.quantity - quant.reserved_quantity)
                 FROM stock_quant quant JOIN stock_location location ON location.id = quant.location_id
                WHERE quant.product_id = ANY(%s) AND location.usage = 'internal'
                  AND location.parent_path LIKE %s
             GROUP BY quant.product_id""", product_ids, f"{parent_path}%"))
        sql = dict(env.cr.fetchall())
        sql_seconds = time.perf_counter() - started
    same = all(math.isclose(orm[product_id], sql.get(product_id, 0)) for product_id in product_ids)
    return orm_seconds, sql_seconds, same


# -- profile ------------------------------------------------------------------------------------


def print_profile(profiler, total, out_file, top):
    profiler.dump_stats(out_file)
    stats = pstats.Stats(profiler).stats
    rows = sorted(((ct, tt, nc, filename, line, function) for (filename, line, function), (_cc, nc, tt, ct, _c)
                   in stats.items() if not filename.startswith("~") and "cProfile" not in filename
                   and not filename.endswith("bench_offers.py")), reverse=True)
    log(f"top {top} functions by cumulative time (profiled run: {total:.2f}s; full profile: {out_file})")
    log(f"{'cum s':>7} {'%':>5} {'own s':>7} {'calls':>8}  function")
    for ct, tt, nc, filename, line, function in rows[:top]:
        log(f"{ct:>7.3f} {100 * ct / total:>4.0f}% {tt:>7.3f} {nc:>8}  {short_path(filename)}:{line} {function}")
    own = sorted(((tt, nc, filename, line, function) for (filename, line, function), (_cc, nc, tt, _ct, _c)
                  in stats.items()), reverse=True)
    log()
    log(f"top {top} functions by own time:")
    log(f"{'own s':>7} {'%':>5} {'calls':>8}  function")
    for tt, nc, filename, line, function in own[:top]:
        log(f"{tt:>7.3f} {100 * tt / total:>4.0f}% {nc:>8}  {short_path(filename)}:{line} {function}")


# -- main ---------------------------------------------------------------------------------------


def print_detection(label, result, repeats=None):
    log(f"{label}: {result['seconds']:.3f}s, {result['queued']} listings queued, {result['jobs']} jobs "
        f"(sizes {result['job_sizes']}), {result['rows']} rows, {result['queries']} SQL queries")
    if repeats:
        log(f"  repeated {len(repeats)} times, each in a new transaction (rolled back): "
            + ", ".join(f"{seconds:.3f}" for seconds in repeats)
            + f" s; median {statistics.median(repeats):.3f}s, min {min(repeats):.3f}s")
    log("  where the time goes (first run):")
    for line in result["probes"]:
        log(line)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True, help="database with the module installed")
    parser.add_argument("--repo", required=True, help="the module's directory (holds the sandbox)")
    parser.add_argument("--listings", type=int, default=20_000, help="published listings (default 20000)")
    parser.add_argument("--changed", type=int, default=None,
                        help="products changed (default 2 %% of --listings), half stock, half price")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each detection (1 and 2), each in a new transaction (default 3)")
    parser.add_argument("--quants", choices=("inventory", "create"), default="inventory",
                        help="how the setup makes stock: 'inventory' (default) = stock.quant.create in inventory "
                             "mode + action_apply_inventory, as a user's adjustment (stock moves; about 4 min for "
                             "20,000); 'create' = stock.quant.create with a quantity, no stock move (seconds)")
    parser.add_argument("--stock-products", type=int, default=5000,
                        help="products of the qty_available / SQL comparison (default 5000)")
    parser.add_argument("--profile", action="store_true", help="profile step 2 even when within the target")
    parser.add_argument("--target", type=float, default=TARGET_FULL_SECONDS,
                        help=f"seconds step 2 may take (default {TARGET_FULL_SECONDS})")
    parser.add_argument("--top", type=int, default=15, help="profile rows (default 15)")
    parser.add_argument("--results-dir", default=None, help="where to write offers.json and the profile")
    parser.add_argument("--pid-file", default=None, help="file listing the live child processes")
    args = parser.parse_args(argv)
    if args.changed is None:
        args.changed = max(2, round(args.listings * 0.02))
    if args.listings < 2 or not 2 <= args.changed <= args.listings or args.repeat < 1:
        parser.error("--listings >= 2, 2 <= --changed <= --listings and --repeat >= 1 are needed")
    args.stock_products = min(args.stock_products, args.listings)
    return args


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results_dir = Path(args.results_dir or Path(args.repo) / "bench" / "results")
    results_dir.mkdir(parents=True, exist_ok=True)
    children = Children(args.pid_file)
    failures = Failures()
    results = {}
    wall = time.perf_counter()
    limit = 400
    try:
        sandbox = OfferSandbox(children, args.repo, results_dir / "sandbox_offers.log")
        registry = open_registry(args.odoo_config, args.database)
        from odoo.addons.marketplace_connector.marketplaces.exito import const  # pylint: disable=import-error

        limit = const.MAX_OFFERS_PER_REQUEST
        log(f"Sandbox at {sandbox.url}; {args.listings} listings, {args.changed} changed; "
            f"at most {limit} offer rows per request")
        ctx = setup(registry, sandbox, args)
        dirty = change(registry, ctx, args)
        failures.check(dirty == args.changed, f"{dirty} listings dirty instead of {args.changed}")
        analyze(registry)
        expected_jobs = math.ceil(args.changed / limit)

        section("1. _queue_changed_offers(): dirty listings only")
        repeats = [detect(registry, ctx, full=False, commit=False)["seconds"] for _run in range(args.repeat - 1)]
        first = detect(registry, ctx, full=False, commit=True)  # the last run is kept: its jobs run in step 3
        repeats.append(first["seconds"])
        print_detection(f"detect + build batches ({args.changed} dirty of {args.listings})", first,
                        repeats if args.repeat > 1 else None)
        failures.check(first["queued"] == args.changed, f"step 1 queued {first['queued']} listings, not {args.changed}")
        failures.check(first["jobs"] == expected_jobs, f"step 1 made {first['jobs']} jobs, not {expected_jobs}")
        results["dirty"] = {key: value for key, value in first.items() if key != "changed_ids"} | {"runs": repeats}

        section("2. _queue_changed_offers(full=True): every listing (target <= "
                f"{args.target} s for {args.listings})")
        log(f"Same state as step 1 left it: its {first['queued']} listings not sent yet, so still changed; no "
            "listing dirty. Each run is rolled back (its jobs would repeat step 1's).")
        full_runs = [detect(registry, ctx, full=True, commit=False) for _run in range(args.repeat)]
        full = full_runs[0]
        full_seconds = [run["seconds"] for run in full_runs]
        print_detection("detect + build batches (full scan)", full, full_seconds if args.repeat > 1 else None)
        failures.check(full["queued"] == args.changed, f"step 2 queued {full['queued']} listings, not {args.changed}")
        failures.check(full["changed_ids"] == first["changed_ids"], "step 2 found other listings than step 1")
        median = statistics.median(full_seconds)
        verdict = "PASS" if median <= args.target else "FAIL"
        log(f"full detection for {args.listings} listings: median {median:.3f}s, target <= {args.target}s  {verdict}")
        results["full"] = {key: value for key, value in full.items() if key != "changed_ids"} | {
            "runs": full_seconds, "median": median, "target": args.target, "verdict": verdict}
        if verdict == "FAIL" or args.profile:
            section("Profile of step 2: one more full run under cProfile (rolled back; the figures above are "
                    "unprofiled)")
            profiler = cProfile.Profile()
            profiled = detect(registry, ctx, full=True, commit=False, profiler=profiler)
            print_profile(profiler, profiled["seconds"], results_dir / "profile_offers_full.prof", args.top)

        section("3. the job runner on step 1's jobs (HTTP to the sandbox)")
        sent = run_jobs(registry, sandbox, ctx)
        log(f"_run_due_jobs: {sent['processed']} jobs ({sent['due']} due) in {sent['seconds']:.2f}s; "
            f"HTTP: {sent['requests']} PATCH /OfferExternal, {sent['rows']} rows, statuses {sent['statuses']}; "
            f"{sent['queries']} SQL queries")
        log(f"  jobs: {sent['jobs']}; listings by offer state: {sent['listing_states']}")
        failures.check(sent["requests"] == expected_jobs,
                       f"step 3 sent {sent['requests']} requests, not {expected_jobs}")
        failures.check(sent["rows"] == args.changed, f"step 3 sent {sent['rows']} rows, not {args.changed}")
        failures.check(sent["listing_states"].get("sent") == args.changed,
                       f"{sent['listing_states'].get('sent', 0)} listings sent, not {args.changed}")
        applied = check_sandbox(registry, sandbox, first["changed_ids"], failures)
        log(f"  sandbox: {applied} of {len(first['changed_ids'])} changed offers hold the new price and stock")
        with environment(registry) as env:
            account = env["marketplace.account"].browse(ctx["account_id"])
            again = account._queue_changed_offers(full=True)
            env.cr.rollback()
        failures.check(not again, f"after step 3, a full scan still finds {len(again)} changed listings")
        log(f"  a full scan afterwards finds {len(again)} changed listings")
        results["send_changed"] = sent

        section(f"4. all {args.listings} listings: _queue_offer_jobs(all), then the job runner")
        with environment(registry) as env:
            account = env["marketplace.account"].browse(ctx["account_id"])
            listings = env["marketplace.listing"].search([("account_id", "=", account.id)])
            started = time.perf_counter()
            jobs = account._queue_offer_jobs(listings)
            env.flush_all()
            queue_seconds = time.perf_counter() - started
            job_count = len(jobs)
        expected_all = math.ceil(args.listings / limit)
        log(f"_queue_offer_jobs: {job_count} jobs in {queue_seconds:.2f}s")
        sent_all = run_jobs(registry, sandbox, ctx)
        log(f"_run_due_jobs: {sent_all['processed']} jobs in {sent_all['seconds']:.2f}s; HTTP: {sent_all['requests']} "
            f"PATCH /OfferExternal, {sent_all['rows']} rows, statuses {sent_all['statuses']}; "
            f"{sent_all['queries']} SQL queries")
        log(f"  listings by offer state: {sent_all['listing_states']}")
        log(f"total for all {args.listings}: {queue_seconds + sent_all['seconds']:.2f}s")
        failures.check(job_count == expected_all, f"step 4 made {job_count} jobs, not {expected_all}")
        failures.check(sent_all["requests"] == expected_all,
                       f"step 4 sent {sent_all['requests']} requests, not {expected_all}")
        failures.check(sent_all["listing_states"].get("sent") == args.listings,
                       f"{sent_all['listing_states'].get('sent', 0)} listings sent, not {args.listings}")
        results["send_all"] = sent_all | {"queue_seconds": queue_seconds, "jobs_created": job_count}

        section(f"5. reference: stock of {args.stock_products} products")
        orm_seconds, sql_seconds, same = stock_reference(registry, ctx, args.stock_products)
        log(f"ORM qty_available (warehouse context): {orm_seconds:.3f}s")
        log(f"one SQL query over quants (the module's): {sql_seconds:.3f}s  ({orm_seconds / sql_seconds:.0f}x faster); "
            f"same figures: {same}")
        failures.check(same, "qty_available and the SQL query disagree")
        results["stock_reference"] = {"products": args.stock_products, "orm_seconds": orm_seconds,
                                      "sql_seconds": sql_seconds, "same": same}

        section("Summary")
        log(f"{'step':<62} {'seconds':>8} {'requests':>9}")
        log(f"{f'1. detect {args.changed} changed (dirty only) + batches':<62} {first['seconds']:>8.3f} "
            f"{'-':>9}")
        log(f"{f'2. detect over all {args.listings} (full=True), median':<62} {median:>8.3f} {'-':>9}  "
            f"target <= {args.target}: {verdict}")
        log(f"{f'3. send the {args.changed} changed (job runner)':<62} {sent['seconds']:>8.2f} "
            f"{sent['requests']:>9}")
        log(f"{f'4. send all {args.listings} (queue + job runner)':<62} "
            f"{queue_seconds + sent_all['seconds']:>8.2f} {sent_all['requests']:>9}")
        log(f"{f'5. stock of {args.stock_products}: ORM qty_available / one SQL query':<62} "
            f"{orm_seconds:>8.3f} / {sql_seconds:.3f}")
        (results_dir / "offers.json").write_text(json.dumps(
            {"listings": args.listings, "changed": args.changed, "results": results, "failures": failures},
            indent=2, default=str))
        sandbox.stop()
    except BenchError as error:
        failures.append(str(error))
        log(f"error: {error}")
    finally:
        children.stop_all()
    section("Done")
    log(f"benchmark wall time {time.perf_counter() - wall:.1f}s"
        + (f"; results in {results_dir / 'offers.json'}" if results else ""))
    if failures:
        log("FAILED: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
