#!/usr/bin/env bash
# make bench-freshness: on a fresh database, 200 published Éxito listings and an X-Mart list of the same products
# on the sandbox, Odoo with --workers 2 and 2 cron workers; each product's stock adjusted over XML-RPC over a
# minute; prints the delay until the sandbox holds each new stock (p50, p95, max; target p95 <= 60 s), requests.
# Options (after the script, or in MC_BENCH_ARGS for make): --listings N (200), --seconds S (60), --clients N,
# --poll S, --wait S, --no-xmart, --workers N, --cron-threads N. See bench/README.md.
# Settings: MC_BENCH_DB (default mc_bench_freshness), MC_BENCH_KEEP_DB=1 keeps the database.
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

run_benchmark "${BASH_SOURCE[0]}" mc_bench_freshness bench_freshness.py --odoo-bin @ODOO_BIN@ -- "$@"
