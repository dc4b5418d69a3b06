#!/usr/bin/env bash
# make bench: import sandbox orders three ways on one fresh database and print orders per second:
# (a) the module's pipeline, (b) a naive XML-RPC integration, (c) plain batched ORM; then where
# (a)'s time goes (cProfile). See bench/README.md.
# Options (after the script, or in MC_BENCH_ARGS for make): --orders N (default 1000), --lines N,
# --warmup N, --skip a|b|c|profile (repeatable), --profile-orders N, --top N.
# Settings: MC_BENCH_DB (default mc_bench), MC_BENCH_KEEP_DB=1 keeps the database.
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

run_benchmark "${BASH_SOURCE[0]}" mc_bench bench_import.py --odoo-bin @ODOO_BIN@ -- "$@"
