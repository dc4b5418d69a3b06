#!/usr/bin/env bash
# make bench-webhooks: on a fresh database, Odoo with --workers 2 (its gevent process checked), 8 clients:
# 1,000 GET /web/health then 1,000 distinct Marketful shipment events, twice; prints both rates, their
# p50/p99 and the ratios (targets: webhook rate >= 0.55 x health rate, webhook p99 <= 3 x health p99).
# Options (after the script, or in MC_BENCH_ARGS for make): --events N (default 1000), --rounds N, --clients N,
# --workers N, --cron-threads N (default 0), --warmup N, --log-level LEVEL, --db-filter. See bench/README.md.
# Settings: MC_BENCH_DB (default mc_bench_webhooks), MC_BENCH_KEEP_DB=1 keeps the database.
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

run_benchmark "${BASH_SOURCE[0]}" mc_bench_webhooks bench_webhooks.py --odoo-bin @ODOO_BIN@ -- "$@"
