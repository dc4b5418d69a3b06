"""Freshness benchmark: how long a stock change takes to reach Éxito and X-Mart, and in how many requests.

Run by ``scripts/bench_freshness.sh`` (``make bench-freshness``), which prepares a fresh database with the
module and passes ``--odoo-config``, ``--database``, ``--odoo-bin`` and ``--repo``. Untimed setup, in
process: N published Éxito listings (200 by default) on the bundled sandbox whose last offer is current
(the sandbox holds the same products and offers), and an X-Mart list of one store holding the same
products, sent once (``--no-xmart`` leaves it out). Then a real Odoo server (``--workers 2``, two cron
workers: the triggers run as in production) and, over XML-RPC, an inventory adjustment of each product
(``stock.quant`` ``inventory_quantity_auto_apply`` in inventory mode, as the On Hand list sets it: a
stock move), spread evenly over
``--seconds`` (60). A poller reads the sandbox's offers (``GET /_sandbox/exito/offers``) and lists
(``GET /_sandbox/xmart/lists``) every ``--poll`` seconds and notes when each holds its new stock.

It prints the delay from each adjustment's answer (committed) to the moment the sandbox held the new
value (p50, p95, max; target: p95 <= 60 s) per marketplace, the ``PATCH /OfferExternal`` and
``PUT /api/v3/products`` requests the sandbox received and their rows, and how long the adjustments took.
Exits non-zero when a product never gets its new stock, when every change made its own request, or when
the server logged an error; a missed target is only reported.
"""

import argparse
import json
import signal
import statistics
import sys
import threading
import time
import xmlrpc.client
from pathlib import Path

import requests
from bench_import import BenchError, Children, environment, log, open_registry, section
from bench_offers import OfferSandbox, ean13

TARGET_P95 = 60.0
STOCK_CHANGE = 7  # units added by each adjustment
FIRST_PRODUCT = 50_000  # EAN numbers apart from the offer benchmark's


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def setup(registry, sandbox, count):
    """Products with stock, the account (sending offers automatically), published listings whose last
    offer is current; the same products and offers on the sandbox."""
    with environment(registry) as env:
        cop = env.ref("base.COP")
        cop.active = True
        pricelist = env["product.pricelist"].create({"name": "Bench COP", "currency_id": cop.id})
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        account = env["marketplace.account"].create({
            "name": "Éxito freshness bench", "marketplace": "exito", "api_url": sandbox.exito_url,
            "api_token": sandbox.token, "pricelist_id": pricelist.id, "warehouse_id": warehouse.id,
            "auto_import": False, "auto_push_offers": True,
        })
        products = env["product.product"].with_context(tracking_disable=True).create([{
            "name": f"Fresh product {index:04d}", "barcode": ean13(FIRST_PRODUCT + index),
            "default_code": f"FRESH-{index:04d}", "list_price": 10_000 + index * 1_000,
            "type": "consu", "is_storable": True, "taxes_id": [(5, 0, 0)],
        } for index in range(count)])
        location = warehouse.lot_stock_id
        env["stock.quant"].sudo().create([
            {"product_id": product.id, "location_id": location.id, "quantity": 10 + index % 50}
            for index, product in enumerate(products)])
        listings = env["marketplace.listing"].create([{
            "account_id": account.id, "product_id": product.id, "state": "published", "offer_state": "active",
            "offer_date": "2026-01-01 00:00:00", "offer_dirty": False} for product in products])
        values = listings._offer_values()
        for listing in listings:
            listing.offer_price, listing.offer_stock = values[listing.id]
        items = [(listing.ean, listing.seller_sku, *values[listing.id]) for listing in listings]
        ctx = {"account_id": account.id, "location_id": location.id, "product_ids": products.ids,
               "pricelist_id": pricelist.id, "warehouse_id": warehouse.id,
               "skus": {product.id: product.default_code for product in products},
               "eans": {product.id: product.barcode for product in products},
               "stock": {listing.product_id.id: values[listing.id][1] for listing in listings}}
    sandbox.seed(items)
    return ctx


def setup_xmart(registry, sandbox, ctx):
    """An X-Mart account on the sandbox (its brand, stores read from it, the main warehouse for store
    QUI-01) and one list of that store holding the same products, sent once before the clock starts."""
    with environment(registry) as env:
        account = env["marketplace.account"].create({
            "name": "X-Mart freshness bench", "marketplace": "xmart", "api_url": sandbox.url + "/xmart",
            "xmart_client_id": "sandbox-xmart-client", "xmart_client_secret": "sandbox-xmart-secret",
            "xmart_country_id": env.ref("base.ec").id, "pricelist_id": ctx["pricelist_id"],
            "warehouse_id": ctx["warehouse_id"], "auto_import": False,
            "xmart_brand_ids": [(0, 0, {"name": "Pollo Dorado", "identifier": "BR-001"})],
        })
        account.action_xmart_sync_stores()
        store = account.xmart_store_ids.filtered(lambda store: store.code == "QUI-01")
        store.warehouse_id = ctx["warehouse_id"]
        channel = env["marketplace.xmart.channel"].create({
            "account_id": account.id, "xmart_id": "CH-0001", "name": "App", "brand_id": account.xmart_brand_ids.id})
        listings = env["marketplace.listing"].create([
            {"account_id": account.id, "product_id": product_id, "offer_dirty": False}
            for product_id in ctx["product_ids"]])
        menu = env["marketplace.xmart.list"].create({
            "name": "Freshness bench", "channel_id": channel.id, "store_id": store.id,
            "listing_ids": [(6, 0, listings.ids)]})
        account._xmart_queue_lists(menu)
        env["marketplace.job"]._run_due_jobs(account_ids=account.ids)
        if not menu.xmart_id:
            raise BenchError("the X-Mart list was not sent during the setup")
        ctx["xmart_list"] = menu.xmart_id


def clear_push_triggers(registry):
    """Nothing waiting: no trigger of the offer push (the setup's own marks are not changes), and every
    scheduled action but the job runner a day ahead. A new database has them all due at once: the
    server would run them in the middle of the measure, the daily check of every offer among them
    (which sends again what a window queued and the runner has not sent yet)."""
    with environment(registry) as env:
        env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s",
                       [env.ref("marketplace_connector.ir_cron_marketplace_push_offers").id])
        env.cr.execute("UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC') + interval '1 day' WHERE id != %s",
                       [env.ref("marketplace_connector.ir_cron_marketplace_job_runner").id])


class Rpc:
    """XML-RPC as admin, one proxy per thread (``ServerProxy`` is not thread-safe)."""

    def __init__(self, url, database):
        self.url, self.database = url, database
        self.local = threading.local()
        self.uid = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").authenticate(database, "admin", "admin", {})
        if not self.uid:
            raise BenchError("XML-RPC login admin/admin refused")

    def __call__(self, model, method, *args, **kwargs):
        if not hasattr(self.local, "proxy"):
            self.local.proxy = xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/object", allow_none=True)
        return self.local.proxy.execute_kw(self.database, self.uid, "admin", model, method, list(args), kwargs)


class Poller(threading.Thread):
    """Reads what the sandbox holds (Éxito's offers, the X-Mart list) until each expected key
    (``("exito", ean)`` or ``("xmart", sku)``) holds its expected stock."""

    def __init__(self, sandbox, interval, xmart_list=None):
        super().__init__(daemon=True)
        self.sandbox, self.interval, self.xmart_list = sandbox, interval, xmart_list
        self.expected, self.seen = {}, {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def expect(self, key, stock):
        with self.lock:
            self.expected[key] = stock

    def held(self):
        """``{key: stock}`` as the sandbox holds it now."""
        held = {("exito", ean): int(offer.get("Stock", -1)) for ean, offer in self.sandbox.offers().items()}
        if self.xmart_list:
            response = self.sandbox.session.get(self.sandbox.url + "/_sandbox/xmart/lists", timeout=60)
            response.raise_for_status()
            for entry in response.json():
                if entry.get("listId") == self.xmart_list:
                    held.update({("xmart", product["productId"]): round(product.get("stock") or 0)
                                 for product in entry.get("products") or []})
        return held

    def run(self):
        while not self.stopping.is_set():
            try:
                held = self.held()
            except requests.RequestException:
                self.stopping.wait(self.interval)
                continue
            now = time.monotonic()
            with self.lock:
                for key, stock in self.expected.items():
                    if key not in self.seen and held.get(key) == stock:
                        self.seen[key] = now
            self.stopping.wait(self.interval)


def change_stock(rpc, ctx, args, poller):
    """Adjust the stock of every product, evenly spread over ``--seconds``, with ``--clients`` threads:
    ``{ean: (committed at, seconds the adjustment took)}``."""
    quants = {row["product_id"][0]: row["id"] for row in rpc(
        "stock.quant", "search_read", [("product_id", "in", ctx["product_ids"]),
                                       ("location_id", "=", ctx["location_id"])], fields=["product_id"])}
    count = len(ctx["product_ids"])
    step = args.seconds / count
    done, errors, cursor = {}, [], iter(range(count))
    lock = threading.Lock()
    started = time.monotonic() + 1

    def client():
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            product_id = ctx["product_ids"][index]
            ean, stock = ctx["eans"][product_id], ctx["stock"][product_id] + STOCK_CHANGE
            time.sleep(max(0.0, started + index * step - time.monotonic()))
            poller.expect(("exito", ean), stock)
            if ctx.get("xmart_list"):
                poller.expect(("xmart", ctx["skus"][product_id]), stock)
            begin = time.monotonic()
            try:
                # As the On Hand list does: the counted quantity, applied at once (a stock move).
                rpc("stock.quant", "write", [quants[product_id]], {"inventory_quantity_auto_apply": stock},
                    context={"inventory_mode": True})
            except (xmlrpc.client.Error, OSError) as error:
                with lock:
                    errors.append(f"{ean}: {error}"[:300])
                continue
            end = time.monotonic()
            with lock:
                done[("exito", ean)] = (end, end - begin)
                if ctx.get("xmart_list"):
                    done[("xmart", ctx["skus"][product_id])] = (end, end - begin)

    threads = [threading.Thread(target=client) for _client in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, errors


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--odoo-bin", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--listings", type=int, default=200, help="published listings, each changed once (200)")
    parser.add_argument("--seconds", type=float, default=60.0, help="over how long the changes are spread (60)")
    parser.add_argument("--clients", type=int, default=1,
                        help="threads making the adjustments (1: concurrent adjustments in one location conflict "
                             "in Odoo, on the location's write date, and Odoo runs them again)")
    parser.add_argument("--poll", type=float, default=0.25, help="seconds between reads of the sandbox (0.25)")
    parser.add_argument("--wait", type=float, default=180.0,
                        help="seconds to wait, after the last change, for the sandbox to hold every value (180)")
    parser.add_argument("--no-xmart", action="store_true", help="Éxito only (no X-Mart account and list)")
    parser.add_argument("--workers", type=int, default=2, help="Odoo HTTP workers (2)")
    parser.add_argument("--cron-threads", type=int, default=2, help="Odoo cron workers (2)")
    parser.add_argument("--results-dir", default=None)
    parser.add_argument("--pid-file", default=None)
    return parser.parse_args(argv)


def delay_summary(label, delays, failures):
    """Print and return the distribution of ``delays`` (seconds)."""
    if not delays:
        failures.append(f"{label}: no change arrived")
        return {}
    result = {"arrived": len(delays), "p50": statistics.median(delays), "p95": percentile(delays, 0.95),
              "max": max(delays), "min": min(delays)}
    result["verdict"] = "PASS" if result["p95"] <= TARGET_P95 else "FAIL"
    log(f"{label}: delay from the adjustment to the sandbox holding the new stock ({len(delays)} products): "
        f"min {result['min']:.1f} s, p50 {result['p50']:.1f} s, p95 {result['p95']:.1f} s, max {result['max']:.1f} s"
        f"   target p95 <= {TARGET_P95:g} s  {result['verdict']}")
    buckets = [0] * 7
    for value in delays:
        buckets[min(int(value // 10), 6)] += 1
    log("  distribution: " + ", ".join(f"{10 * index}-{10 * index + 10} s: {number}" if index < 6
                                       else f">= 60 s: {number}" for index, number in enumerate(buckets)))
    return result


def report(args, done, poller, requests, failures):
    """Delays per marketplace, requests, and how long the adjustments took."""
    took = [took for (marketplace, _key), (_committed, took) in done.items() if marketplace == "exito"]
    section(f"{len(took)} stock adjustments over {args.seconds:g} s")
    result = {"changes": len(took)}
    if took:
        result["adjustment_p50"], result["adjustment_p95"] = statistics.median(took), percentile(took, 0.95)
        log(f"adjustment over XML-RPC (stock.quant write of inventory_quantity_auto_apply): "
            f"p50 {result['adjustment_p50']:.3f} s, p95 {result['adjustment_p95']:.3f} s")
    for marketplace, label, count_rows in (
            ("exito", "Éxito offers (PATCH /OfferExternal)", lambda body: len(body.get("ListOffers") or [])),
            ("xmart", "X-Mart list (PUT /api/v3/products)",
             lambda body: len((body.get("list") or {}).get("products") or []))):
        keys = [key for key in done if key[0] == marketplace]
        if not keys:
            continue
        missing = [key[1] for key in keys if key not in poller.seen]
        if missing:
            failures.append(f"{label}: {len(missing)} products never held their new stock (e.g. {missing[:3]})")
        summary = delay_summary(label, [poller.seen[key] - done[key][0] for key in keys if key in poller.seen],
                                failures)
        sizes = [count_rows(body) for body in requests[marketplace]]
        summary.update(requests=len(sizes), rows=sum(sizes), request_rows=sizes)
        log(f"  requests the sandbox received: {len(sizes)}, {sum(sizes)} rows (rows per request: {sizes})")
        if len(keys) > 1 and len(sizes) >= len(keys):
            failures.append(f"{label}: {len(sizes)} requests for {len(keys)} changes: not batched")
        result[marketplace] = summary
    return result


def sandbox_requests(sandbox):
    """The offer and list requests the sandbox received since its log was cleared."""
    entries = sandbox.session.get(sandbox.url + "/_sandbox/requests", timeout=120).json()
    return {"exito": [entry.get("body") or {} for entry in entries
                      if entry["method"] == "PATCH" and entry["path"].rstrip("/").endswith("/OfferExternal")],
            "xmart": [entry.get("body") or {} for entry in entries
                      if entry["method"] == "PUT" and entry["path"].rstrip("/").endswith("/api/v3/products")]}


def server_errors(server):
    """``(conflicts, errors)``: the serialization failures Odoo logs at ERROR before running the
    transaction or job again (a stock operation marking a listing while the job runner records what it
    sent), and the other ERROR lines."""
    lines = server.log_lines()
    conflicts, errors = 0, []
    for index, line in enumerate(lines):
        if " ERROR " not in line and " CRITICAL " not in line:
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if "bad query" in line and "could not serialize access" in following:
            conflicts += 1
        else:
            errors.append(line)
    return conflicts, errors


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(Path(args.repo) / "tests"))
    from odoo_server import OdooServer, ServerError  # noqa: PLC0415 - found through the path set above

    results_dir = Path(args.results_dir or Path(args.repo) / "bench" / "results")
    results_dir.mkdir(parents=True, exist_ok=True)
    children = Children(args.pid_file)
    failures, result = [], {}
    server = None
    try:
        sandbox = OfferSandbox(children, args.repo, results_dir / "sandbox_freshness.log")
        registry = open_registry(args.odoo_config, args.database)
        from odoo.addons.marketplace_connector.models.marketplace_listing import (  # pylint: disable=import-error
            OFFER_PUSH_WINDOW,
        )

        log(f"Sandbox at {sandbox.url}; setup (not timed): {args.listings} products with stock, published "
            f"listings whose offer is current, the same offers on the sandbox")
        ctx = setup(registry, sandbox, args.listings)
        if not args.no_xmart:
            setup_xmart(registry, sandbox, ctx)
            log(f"X-Mart: list {ctx['xmart_list']} of store QUI-01 holds the same {args.listings} products")
        clear_push_triggers(registry)
        log_file = str(results_dir / "freshness-odoo.log")
        Path(log_file).unlink(missing_ok=True)  # Odoo appends: a log of this run only
        server = OdooServer(args.odoo_bin, args.odoo_config, args.database, log_file, workers=args.workers,
                            extra=["--max-cron-threads", str(args.cron_threads), "--log-level", "info"],
                            db_filter=False)
        server.start()
        if args.pid_file:
            with open(args.pid_file, "a", encoding="ascii") as pids:
                pids.write(f"{server.pid}\n")
        log(f"Odoo on {server.url} (--workers {args.workers}, --max-cron-threads {args.cron_threads}); "
            f"offer push window {OFFER_PUSH_WINDOW} s")
        rpc = Rpc(server.url, args.database)
        log_start = len(server.log_lines())
        sandbox.clear_requests()
        poller = Poller(sandbox, args.poll, ctx.get("xmart_list"))
        poller.start()
        started = time.monotonic()
        done, errors = change_stock(rpc, ctx, args, poller)
        log(f"{len(ctx['product_ids']) - len(errors)} adjustments made in {time.monotonic() - started:.1f} s"
            + (f"; {len(errors)} failed: {errors[:2]}" if errors else ""))
        failures.extend([f"{len(errors)} adjustments failed: {errors[0]}"] if errors else [])
        deadline = time.monotonic() + args.wait
        while time.monotonic() < deadline and len(poller.seen) < len(done):
            time.sleep(0.5)
        poller.stopping.set()
        poller.join()
        result = report(args, done, poller, sandbox_requests(sandbox), failures)
        runs = [line for line in server.log_lines()[log_start:]
                if "Marketplace: send changed offers" in line and line.rstrip().endswith("completed")]
        result["push_runs"] = len(runs)
        log(f"runs of the offer push (Odoo's log): {len(runs)}")
        result.update(window=OFFER_PUSH_WINDOW, listings=args.listings, seconds=args.seconds)
        (results_dir / "freshness.json").write_text(json.dumps(result | {"failures": failures}, indent=2))
    except (BenchError, ServerError) as error:
        failures.append(str(error))
        log(f"error: {error}")
    finally:
        if server:
            server.stop()
        children.stop_all()
    if server:
        conflicts, errors = server_errors(server)
        log(f"concurrent updates Odoo met and ran again (logged as ERROR 'bad query' by odoo.sql_db): {conflicts}")
        if errors:
            failures.append(f"{len(errors)} ERROR lines in the server's log: {errors[0][:200]}")
    if failures:
        log("FAILED: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
