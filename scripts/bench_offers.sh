#!/usr/bin/env bash
# make bench-offers: offer push on one fresh database: 20,000 published Éxito listings, 2 % changed; time to
# detect them (dirty flag, then a full scan) and build the batches, HTTP requests and seconds to send them,
# next to sending all 20,000; ORM qty_available against one SQL query. See bench/README.md.
# Options (after the script, or in MC_BENCH_ARGS for make): --listings N (default 20000), --changed N,
# --repeat N, --quants inventory|create, --stock-products N, --profile, --target S, --top N.
# Settings: MC_BENCH_DB (default mc_bench_offers), MC_BENCH_KEEP_DB=1 keeps the database.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

args=("$@")
# shellcheck disable=SC2206  # word splitting of MC_BENCH_ARGS is wanted
[ -z "${MC_BENCH_ARGS:-}" ] || args+=(${MC_BENCH_ARGS})
for arg in "${args[@]}"; do
    if [ "$arg" = -h ] || [ "$arg" = --help ]; then
        sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
    fi
done

BENCH_DB=${MC_BENCH_DB:-mc_bench_offers}
started=$(date +%s)
prepare
RUN_DIR=$(mktemp -d)
bench_pid=

cleanup() {
    local status=$?
    # The benchmark stops the sandbox itself (try/finally, also on SIGTERM); whatever outlived it (it was
    # killed hard) is listed in its pid file.
    if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then
        kill -TERM "$bench_pid" 2>/dev/null || true
        wait "$bench_pid" 2>/dev/null || true
    fi
    if [ -s "$RUN_DIR/pids" ]; then
        while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$RUN_DIR/pids"
    fi
    rm -rf "$RUN_DIR"
    if [ -z "${MC_BENCH_KEEP_DB:-}" ]; then
        psql_user -d postgres -qc "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" || true
        rm -rf "$STATE_DIR/data/filestore/$BENCH_DB"
    else
        say "Kept database $BENCH_DB (MC_BENCH_KEEP_DB)"
    fi
    say "Total wall time $(( $(date +%s) - started ))s"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "Fresh database $BENCH_DB with the module"
copy_database "$BENCH_DB" "$(base_template nodemo)"
odoo_bin -d "$BENCH_DB" -i marketplace_connector --stop-after-init --log-level=warn

changes=$(git -C "$REPO_DIR" status --porcelain --untracked-files=no 2>/dev/null | wc -l)
say "Benchmark of $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?') ($changes changed files)," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
# In the background, so that a signal to this script reaches the trap at once (bash runs traps
# only once its foreground command ends); the trap then stops the benchmark.
"$VENV/bin/python" "$REPO_DIR/bench/bench_offers.py" \
    --odoo-config "$ODOO_CONF" --database "$BENCH_DB" \
    --repo "$REPO_DIR" --results-dir "$REPO_DIR/bench/results" --pid-file "$RUN_DIR/pids" \
    "${args[@]}" &
bench_pid=$!
wait "$bench_pid"
