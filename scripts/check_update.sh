#!/usr/bin/env bash
# Proves that updating a database made with an earlier version of the module to the working tree's code
# loses nothing: installs the module from a git ref (default 96f54db, the flat models/ layout) with demo
# data, adds records of every kind (accounts of each marketplace, listings, jobs, a marketplace sale order,
# settings), takes a snapshot, updates (-u marketplace_connector) with the working tree's code, and compares.
# Fails when an external id disappeared or points at another record, when a row of the module's tables (or
# a column the module adds to Odoo's tables) is lost or changed, or when the update logs an error or a
# warning. Views may change their arch (they are the module's code); new external ids are listed.
# Usage: scripts/check_update.sh [GIT_REF]   Settings: MC_UPDATE_DB (database name), MC_KEEP_DB=1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REF=${1:-96f54db}
prepare
DB=${MC_UPDATE_DB:-mc_update_$REPO_KEY}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
started=$SECONDS

say "The module at $REF, reached through a directory named marketplace_connector"
mkdir -p "$WORK/addons/marketplace_connector"
git -C "$REPO_DIR" archive "$REF" | tar -x -C "$WORK/addons/marketplace_connector"
sed "s#^addons_path = .*#addons_path = $ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$WORK/addons#" "$ODOO_CONF" >"$WORK/old.conf"
old_odoo() { "$VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$WORK/old.conf" "$@"; }

template=$(base_template demo)
copy_database "$DB" "$template"
say "Installing marketplace_connector at $REF with demo data into $DB"
old_odoo -d "$DB" -i marketplace_connector --stop-after-init --log-level=warn

say "Adding records with the code of $REF"
"$VENV/bin/python" "$ODOO_PATH/odoo-bin" shell -c "$WORK/old.conf" -d "$DB" --no-http --log-level=warn >"$WORK/shell.log" 2>&1 <<'EOF' || { cat "$WORK/shell.log" >&2; die "adding records failed"; }
from odoo import Command
Account = env["marketplace.account"]
company = env.company
values = {
    "exito": {"api_token": "exito-token"},
    "marketful": {"api_token": "marketful-token", "marketful_user_id": "42"},
    "imotriz": {"api_token": "imotriz-token", "imotriz_country": "CO"},
    "xmart": {"xmart_client_id": "xmart-client", "xmart_client_secret": "xmart-secret"},
    "xstak": {"xstak_client_id": "xstak-client", "xstak_client_secret": "xstak-secret", "xstak_company_code": "XS"},
}
accounts = {}
for marketplace, extra in values.items():
    account = Account.with_context(active_test=False).search(
        [("marketplace", "=", marketplace), ("company_id", "=", company.id)], limit=1)
    if not account:
        account = Account.create(dict(extra, name=f"Update check {marketplace}", marketplace=marketplace,
                                      api_url=f"http://127.0.0.1:9/{marketplace}", company_id=company.id))
    accounts[marketplace] = account
products = env["product.product"].search([("type", "=", "consu")], limit=5)
partner = env["res.partner"].create({"name": "Update check buyer", "vat": "900123456"})
for index, (marketplace, account) in enumerate(accounts.items()):
    product = products[index % len(products)]
    if not env["marketplace.listing"].search([("account_id", "=", account.id), ("product_id", "=", product.id)]):
        env["marketplace.listing"].create({"account_id": account.id, "product_id": product.id,
                                           "seller_sku": f"UPD-{marketplace}-{product.id}"})
    env["marketplace.job"].create({"name": f"Update check {marketplace}", "account_id": account.id,
                                   "job_type": "import_order", "dedupe_key": f"update-check-{marketplace}",
                                   "payload": {"order": f"UPD-{index}"}})
    env["sale.order"].create({"partner_id": partner.id, "marketplace_account_id": account.id,
                              "marketplace_order_ref": f"UPD-{marketplace}",
                              "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})]})
env["marketplace.xstak.location"].create({"account_id": accounts["xstak"].id, "location_id": "LOC-1",
                                          "warehouse_id": env["stock.warehouse"].search([], limit=1).id})
env["marketplace.marketful.channel"].create({"account_id": accounts["marketful"].id, "name": "Update check"})
settings = env["res.config.settings"].create({"marketplace_job_max_attempts": 5, "marketplace_job_retry_delay": 90,
                                              "marketplace_http_timeout": 45})
settings.execute()
env.cr.commit()
print("records added")
EOF

# What must survive: the module's external ids and their records, every row of the module's own tables,
# the columns it adds to Odoo's tables, its settings.
snapshot() {
    local out=$1
    psql_user -d "$DB" -qAt -F '|' >"$out" <<'SQL'
SELECT 'xmlid', model, name, res_id FROM ir_model_data WHERE module = 'marketplace_connector' ORDER BY model, name;
SELECT 'param', key, value FROM ir_config_parameter WHERE key LIKE 'marketplace_connector.%' ORDER BY key;
SQL
    # Tables of the module's models (not wizards) and columns of the fields it adds to other models.
    "$VENV/bin/python" - "$DB" "$out" "${DB_HOST:-127.0.0.1}" "$DB_USER" <<'PY'
import sys
import psycopg2
db, out, host, user = sys.argv[1:]
cr = psycopg2.connect(dbname=db, host=host, user=user).cursor()
cr.execute("""
    SELECT m.model, f.name FROM ir_model_fields f JOIN ir_model m ON m.id = f.model_id
      JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id AND d.module = 'marketplace_connector'
     WHERE f.store AND f.ttype NOT IN ('one2many', 'many2many') AND NOT m.transient
     ORDER BY m.model, f.name""")
columns = {}
for model, name in cr.fetchall():
    columns.setdefault(model.replace(".", "_"), []).append(name)
with open(out, "a") as file:
    for table, names in sorted(columns.items()):
        cr.execute("SELECT to_regclass(%s)", [table])
        if cr.fetchone()[0] is None:
            continue
        names = sorted(set(names) - {"write_date", "write_uid"})
        cr.execute("SELECT count(*) FROM %s" % table)
        file.write(f"count|{table}|{cr.fetchone()[0]}\n")
        cr.execute("SELECT id, %s FROM %s ORDER BY id" % (", ".join('"%s"' % n for n in names), table))
        for row in cr.fetchall():
            file.write(f"row|{table}|{row[0]}|" + "|".join(f"{n}={v!r}" for n, v in zip(names, row[1:])) + "\n")
PY
}
snapshot "$WORK/before.txt"

say "Updating with the working tree's code ($REPO_DIR)"
odoo_bin -d "$DB" -u marketplace_connector --stop-after-init --log-level=info >"$WORK/update.log" 2>&1 \
    || { tail -n 50 "$WORK/update.log" >&2; die "the update failed"; }
snapshot "$WORK/after.txt"

say "Comparing"
status=0
# Only what the snapshot before the update holds must be found unchanged after it; rows of columns added
# later would differ, so rows are compared on the columns that existed before.
lost=$(comm -23 <(sort "$WORK/before.txt") <(sort "$WORK/after.txt") || true)
added=$(comm -13 <(cut -d'|' -f1-4 "$WORK/before.txt" | grep '^xmlid' | sort) \
                 <(grep '^xmlid' "$WORK/after.txt" | sort) || true)
if [ -n "$lost" ]; then
    echo "LOST or CHANGED by the update:"
    printf '%s\n' "$lost" | head -n 100
    status=1
fi
problems=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$WORK/update.log" || true)
if [ -n "$problems" ]; then
    echo "Warnings and errors in the update log:"
    printf '%s\n' "$problems" | head -n 50
    status=1
fi
count() { grep -c "^$1" "$2" || true; }
echo "external ids: $(count xmlid "$WORK/before.txt") before, $(count xmlid "$WORK/after.txt") after" \
     "($(printf '%s' "$added" | grep -c . || true) new)"
[ -z "$added" ] || printf '  new: %s\n' $(printf '%s\n' "$added" | cut -d'|' -f3)
echo "tables: $(count count "$WORK/before.txt") compared, rows: $(count row "$WORK/before.txt") before," \
     "$(count row "$WORK/after.txt") after; settings: $(count param "$WORK/before.txt")"
echo "update log: $(grep -c . "$WORK/update.log") lines, $(printf '%s' "$problems" | grep -c . || true) warnings or errors"
if [ -z "${MC_KEEP_DB:-}" ]; then
    psql_user -d postgres -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"
    rm -rf "$STATE_DIR/data/filestore/$DB"
fi
echo "took $((SECONDS - started)) s"
[ "$status" = 0 ] || die "the update from $REF lost or changed something (see above)"
say "Update from $REF keeps every external id, row and setting"
