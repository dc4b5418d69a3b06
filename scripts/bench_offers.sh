#!/usr/bin/env bash
# make bench-offers: offer push on one fresh database: 20,000 published Éxito listings, 2 % changed; time to
# detect them (dirty flag, then a full scan) and build the batches, HTTP requests and seconds to send them,
# next to sending all 20,000; ORM qty_available against one SQL query. See bench/README.md.
# Options (after the script, or in MC_BENCH_ARGS for make): --listings N (default 20000), --changed N,
# --repeat N, --quants inventory|create, --stock-products N, --profile, --target S, --top N.
# Settings: MC_BENCH_DB (default mc_bench_offers), MC_BENCH_KEEP_DB=1 keeps the database.
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

run_benchmark "${BASH_SOURCE[0]}" mc_bench_offers bench_offers.py -- "$@"
