#!/usr/bin/env bash
# make demo: database marketplace_demo with the module and its demo data, the sandbox playing
# the marketplaces on http://127.0.0.1:8070, and Odoo on http://localhost:8069 (admin/admin).
# The demo Éxito account points at the sandbox; its orders arrive by the scheduled import.
# Settings: MC_DEMO_DB (default marketplace_demo), MC_HTTP_PORT (default 8069).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

prepare
DEMO_DB=${MC_DEMO_DB:-marketplace_demo}
HTTP_PORT=${MC_HTTP_PORT:-8069}
SANDBOX_PORT=8070  # the demo account's API URL says so

if db_exists "$DEMO_DB"; then
    say "Updating the module in $DEMO_DB"
    odoo_bin -d "$DEMO_DB" -u marketplace_connector --stop-after-init --log-level=warn
else
    say "Creating $DEMO_DB with the module and demo data"
    copy_database "$DEMO_DB" "$(base_template demo)"
    odoo_bin -d "$DEMO_DB" -i marketplace_connector --stop-after-init --log-level=warn
fi

if ! command -v wkhtmltopdf >/dev/null 2>&1; then
    say "Warning: wkhtmltopdf is missing: Odoo cannot make invoice PDFs, so invoices of marketplace orders" \
        "cannot be uploaded (the invoice says why). On Debian or Ubuntu: sudo apt-get install wkhtmltopdf"
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

say "Starting the sandbox on http://127.0.0.1:$SANDBOX_PORT"
(cd "$REPO_DIR" && exec "$VENV/bin/python" -m sandbox --host 127.0.0.1 --port "$SANDBOX_PORT" --exito-live-catalog) &
pids+=($!)
for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:$SANDBOX_PORT/_sandbox/health" >/dev/null && break
    sleep 0.2
done
curl -fs "http://127.0.0.1:$SANDBOX_PORT/_sandbox/health" >/dev/null || die "the sandbox did not start"

say "Starting Odoo on http://localhost:$HTTP_PORT (login admin, password admin)"
odoo_bin -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" --http-port="$HTTP_PORT" &
pids+=($!)
for _ in $(seq 120); do
    curl -fs "http://127.0.0.1:$HTTP_PORT/web/health" >/dev/null && break
    sleep 0.5
done
# The sandbox plays Éxito's callbacks (moderation and offer results) into the demo account.
token=$(psql_user -d "$DEMO_DB" -tAc "SELECT callback_token FROM marketplace_account WHERE marketplace = 'exito' ORDER BY id LIMIT 1")
if [ -n "$token" ]; then
    curl -fs -X POST "http://127.0.0.1:$SANDBOX_PORT/_sandbox/exito/callbacks" -H 'Content-Type: application/json' \
        -d "{\"notifyproduct_url\": \"http://127.0.0.1:$HTTP_PORT/marketplace/exito/$token/notifyproduct\",
             \"notifyoffer_url\": \"http://127.0.0.1:$HTTP_PORT/marketplace/exito/$token/notifyoffer\",
             \"username\": \"exito-sandbox\", \"password\": \"sandbox-callback-password\", \"auto\": true}" \
        >/dev/null || say "warning: could not configure the sandbox's callbacks"
fi
# The sandbox sends X-Mart's new-order notifications to the demo X-Mart account.
token=$(psql_user -d "$DEMO_DB" -tAc "SELECT callback_token FROM marketplace_account WHERE marketplace = 'xmart' ORDER BY id LIMIT 1")
if [ -n "$token" ]; then
    curl -fs -X POST "http://127.0.0.1:$SANDBOX_PORT/_sandbox/xmart/webhook" -H 'Content-Type: application/json' \
        -d "{\"url\": \"http://127.0.0.1:$HTTP_PORT/marketplace/xmart/$token/orders\"}" >/dev/null \
        || say "warning: could not configure the sandbox's X-Mart webhook"
fi
# Wake Odoo's scheduler now rather than at its next minute: the import is due since install.
psql_user -d postgres -qc "SELECT pg_notify('cron_trigger', '$DEMO_DB')" >/dev/null || true
say "Ready: demo Éxito orders appear under Marketplaces > Orders within a minute; offers go out and their"
say "results come back by callback (Marketplaces > Listings); publish the camera's listing to see moderation. Ctrl-C stops."
wait "${pids[-1]}"
