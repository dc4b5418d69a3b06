# shellcheck shell=bash
# What the benchmark scripts share: arguments, a fresh database with the module, the run in the
# background (so that a signal reaches the trap at once), and the cleanup of what it started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# run_benchmark HELP_FILE DEFAULT_DB BENCH_PY [FIXED_ARGS...] -- [USER_ARGS...]
# (@ODOO_BIN@ in FIXED_ARGS stands for Odoo's odoo-bin)
# HELP_FILE's lines 2-7 are its --help; MC_BENCH_ARGS adds user arguments; MC_BENCH_DB names the
# database (DEFAULT_DB otherwise); MC_BENCH_KEEP_DB=1 keeps it.
run_benchmark() {
    local help_file=$1 default_db=$2 bench_py=$3
    shift 3
    local fixed=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do fixed+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    args=("$@")
    # shellcheck disable=SC2206  # word splitting of MC_BENCH_ARGS is wanted
    [ -z "${MC_BENCH_ARGS:-}" ] || args+=(${MC_BENCH_ARGS})
    for arg in "${args[@]}"; do
        if [ "$arg" = -h ] || [ "$arg" = --help ]; then
            sed -n '2,7p' "$help_file" | sed 's/^# \{0,1\}//'
            exit 0
        fi
    done

    BENCH_DB=${MC_BENCH_DB:-$default_db}
    started=$(date +%s)
    prepare
    RUN_DIR=$(mktemp -d)
    bench_pid=
    fixed=("${fixed[@]/@ODOO_BIN@/$ODOO_PATH/odoo-bin}")  # known once prepare found Odoo
    trap _bench_cleanup EXIT
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
    "$VENV/bin/python" "$REPO_DIR/bench/$bench_py" \
        --odoo-config "$ODOO_CONF" --database "$BENCH_DB" "${fixed[@]}" \
        --repo "$REPO_DIR" --results-dir "$REPO_DIR/bench/results" --pid-file "$RUN_DIR/pids" \
        "${args[@]}" &
    bench_pid=$!
    wait "$bench_pid"
}

_bench_cleanup() {
    local status=$?
    # The benchmark stops what it started itself (try/finally, also on SIGTERM); whatever outlived
    # it (it was killed hard) is listed in its pid file.
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
