"""Command line: ``python -m sandbox --host 127.0.0.1 --port 8070 [--seed 1] [--exito-token T] [--exito-orders 25]
[--imotriz-token T] [--imotriz-orders 40] [--imotriz-country CO] [--marketful-token T] [--marketful-user U]
[--xmart-client-id ID] [--xmart-client-secret SECRET]``."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .core import BadRequest
from .exito import DEFAULT_TOKEN, ExitoMarketplace, ExitoOptions, parse_moment
from .exito_data import STATUSES
from .imotriz import DEFAULT_TOKEN as IMOTRIZ_TOKEN
from .imotriz import ImotrizMarketplace, ImotrizOptions
from .imotriz_data import COUNTRIES as IMOTRIZ_COUNTRIES
from .marketful import DEFAULT_TOKEN as MARKETFUL_TOKEN
from .marketful import DEFAULT_USER as MARKETFUL_USER
from .marketful import MarketfulMarketplace, MarketfulOptions
from .server import Sandbox, SandboxServer
from .xmart import DEFAULT_CLIENT_ID as XMART_CLIENT_ID
from .xmart import DEFAULT_CLIENT_SECRET as XMART_CLIENT_SECRET
from .xmart import XmartMarketplace, XmartOptions
from .xstak import DEFAULT_CLIENT_ID as XSTAK_CLIENT_ID
from .xstak import DEFAULT_CLIENT_SECRET as XSTAK_CLIENT_SECRET
from .xstak import DEFAULT_COMPANY_CODE as XSTAK_COMPANY_CODE
from .xstak import DEFAULT_TOKEN_TTL as XSTAK_TOKEN_TTL
from .xstak import XstakMarketplace, XstakOptions


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox",
                                     description="Marketplace sandbox: plays marketplaces' APIs over HTTP.",
                                     epilog="Control API under /_sandbox; see sandbox/README.md.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8070, help="port, 0 for any free one (default 8070)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (default 1)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    faults = parser.add_argument_group("faults (also settable at run time: POST /_sandbox/faults; a reset clears them)")
    faults.add_argument("--error-rate", type=float, default=0.0,
                        help="share of marketplace requests answered 500, 0 to 1 (default 0)")
    faults.add_argument("--latency-ms", type=float, default=0, help="added to every marketplace request (default 0)")
    faults.add_argument("--retry-after", type=int, default=1, help="Retry-After of injected 429s (default 1)")
    faults.add_argument("--timeout-seconds", type=float, default=5, help="sleep of injected timeouts (default 5)")
    exito = parser.add_argument_group("Grupo Éxito (served under /exito)")
    exito.add_argument("--exito-token", default=os.environ.get("SANDBOX_EXITO_TOKEN") or DEFAULT_TOKEN,
                       help=f"expected Authorization header (env SANDBOX_EXITO_TOKEN, default {DEFAULT_TOKEN})")
    exito.add_argument("--exito-orders", type=int, default=25, help="number of generated orders (default 25)")
    exito.add_argument("--exito-status", type=int, default=35, choices=sorted(STATUSES),
                       help="status of the generated orders (default 35, Asignado)")
    exito.add_argument("--exito-lines", type=int, default=None, help="exact distinct lines per order (default 1-3)")
    exito.add_argument("--exito-unique-buyers", action="store_true", help="a new buyer for every order")
    exito.add_argument("--exito-live-catalog", action="store_true",
                       help="the catalog the orders sell is already on Éxito, approved (offers can be sent at once)")
    exito.add_argument("--exito-days", type=float, default=7, help="orders spread over the last N days (default 7)")
    exito.add_argument("--exito-now", default=None, help="end of the order window, ISO (default: now)")
    imotriz = parser.add_argument_group("iMotriz (served under /imotriz)")
    imotriz.add_argument("--imotriz-token", default=os.environ.get("SANDBOX_IMOTRIZ_TOKEN") or IMOTRIZ_TOKEN,
                         help=f"expected Authorization header (env SANDBOX_IMOTRIZ_TOKEN, default {IMOTRIZ_TOKEN})")
    imotriz.add_argument("--imotriz-orders", type=int, default=40, help="number of generated orders (default 40)")
    imotriz.add_argument("--imotriz-country", default="CO", choices=sorted(IMOTRIZ_COUNTRIES),
                         help="store country: currency of the orders (default CO)")
    xstak = parser.add_argument_group("XStak OMS (served under /xstak)")
    xstak.add_argument("--xstak-client-id", default=os.environ.get("SANDBOX_XSTAK_CLIENT_ID") or XSTAK_CLIENT_ID,
                       help=f"expected clientId (env SANDBOX_XSTAK_CLIENT_ID, default {XSTAK_CLIENT_ID})")
    xstak.add_argument("--xstak-client-secret",
                       default=os.environ.get("SANDBOX_XSTAK_CLIENT_SECRET") or XSTAK_CLIENT_SECRET,
                       help=f"expected clientSecret (env SANDBOX_XSTAK_CLIENT_SECRET, default {XSTAK_CLIENT_SECRET})")
    xstak.add_argument("--xstak-company-code", default=XSTAK_COMPANY_CODE,
                       help=f"expected companyCode (default {XSTAK_COMPANY_CODE})")
    xstak.add_argument("--xstak-token-ttl", type=int, default=XSTAK_TOKEN_TTL,
                       help=f"expires_in of the access tokens, seconds (default {XSTAK_TOKEN_TTL})")
    xstak.add_argument("--xstak-orders", type=int, default=30, help="number of generated orders (default 30)")
    xstak.add_argument("--xstak-days", type=float, default=14, help="orders spread over the last N days (default 14)")
    marketful = parser.add_argument_group("Marketful fulfillment (served under /marketful)")
    marketful.add_argument("--marketful-token", default=os.environ.get("SANDBOX_MARKETFUL_TOKEN") or MARKETFUL_TOKEN,
                           help=f"expected Authorization (env SANDBOX_MARKETFUL_TOKEN, default {MARKETFUL_TOKEN})")
    marketful.add_argument("--marketful-user", default=os.environ.get("SANDBOX_MARKETFUL_USER") or MARKETFUL_USER,
                           help=f"expected User header (env SANDBOX_MARKETFUL_USER, default {MARKETFUL_USER})")
    xmart = parser.add_argument_group("X-Mart (served under /xmart)")
    xmart.add_argument("--xmart-client-id", default=os.environ.get("SANDBOX_XMART_CLIENT_ID") or XMART_CLIENT_ID,
                       help=f"expected client_id (env SANDBOX_XMART_CLIENT_ID, default {XMART_CLIENT_ID})")
    xmart.add_argument("--xmart-client-secret",
                       default=os.environ.get("SANDBOX_XMART_CLIENT_SECRET") or XMART_CLIENT_SECRET,
                       help=f"expected client_secret (env SANDBOX_XMART_CLIENT_SECRET, default {XMART_CLIENT_SECRET})")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    # pylint: disable=print-used
    # A command line tool: it prints its address and its errors.
    args = parse_args(argv)
    defaults = ExitoOptions(orders=args.exito_orders, status=args.exito_status, lines_per_order=args.exito_lines,
                            unique_buyers=args.exito_unique_buyers, days=args.exito_days, token=args.exito_token,
                            live_catalog=args.exito_live_catalog)
    try:
        defaults.now = parse_moment(args.exito_now)
        imotriz = ImotrizOptions(orders=args.imotriz_orders, token=args.imotriz_token, country=args.imotriz_country)
        xstak = XstakOptions(orders=args.xstak_orders, token_ttl=args.xstak_token_ttl, client_id=args.xstak_client_id,
                             client_secret=args.xstak_client_secret, company_code=args.xstak_company_code,
                             days=args.xstak_days)
        marketful = MarketfulOptions(token=args.marketful_token, user=args.marketful_user)
        xmart = XmartOptions(client_id=args.xmart_client_id, client_secret=args.xmart_client_secret)
        app = Sandbox(args.seed, [ExitoMarketplace(defaults), ImotrizMarketplace(imotriz), XstakMarketplace(xstak),
                                  MarketfulMarketplace(marketful), XmartMarketplace(xmart)])
        app.faults.update({"error_rate": args.error_rate, "latency_ms": args.latency_ms,
                           "retry_after": args.retry_after, "timeout_seconds": args.timeout_seconds})
    except BadRequest as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2
    try:
        server = SandboxServer((args.host, args.port), app, log_requests=not args.quiet)
    except OSError as exc:
        print(f"sandbox: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    worker = threading.Thread(target=server.serve_forever, name="sandbox", daemon=True)
    worker.start()
    print(f"Sandbox listening on http://{args.host}:{server.server_address[1]}", flush=True)
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    print("Sandbox stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
