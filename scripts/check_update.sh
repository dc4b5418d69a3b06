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
from odoo.modules.module import get_module_path
print("module path:", get_module_path("marketplace_connector"))
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
# A brand with a logo: an Image field is stored as an attachment, not in a column of the table.
logo = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
env["marketplace.xmart.brand"].create({"account_id": accounts["xmart"].id, "name": "Update check brand",
                                       "identifier": "UPD-BRAND", "logo": logo})
settings = env["res.config.settings"].create({"marketplace_job_max_attempts": 5, "marketplace_job_retry_delay": 90,
                                              "marketplace_http_timeout": 45})
settings.execute()
env.cr.commit()
print("records added")
EOF
grep -q '^records added$' "$WORK/shell.log" || { cat "$WORK/shell.log" >&2; die "adding records failed"; }
# The old code only: its tables and columns are what the database has (the new code's models would not match).
grep -qx "module path: $WORK/addons/marketplace_connector" "$WORK/shell.log" \
    || { cat "$WORK/shell.log" >&2; die "the shell did not load marketplace_connector from $WORK/addons"; }

# What must survive: the module's external ids and their records, every row of the module's own tables,
# the columns it adds to Odoo's tables, the files of its attachment fields (an Image such as the X-Mart
# brand's logo is stored but has no column: its value is an ir.attachment), its settings.
# The snapshot after the update is taken on the tables and columns of the snapshot before it (columns the
# update adds are not compared); a column that is gone, or no longer a stored field of the module, is lost.
snapshot() {
    local out=$1
    psql_user -d "$DB" -qAt -F '|' >"$out" <<'SQL'
SELECT 'xmlid', model, name, res_id FROM ir_model_data WHERE module = 'marketplace_connector' ORDER BY model, name;
SELECT 'param', key, value FROM ir_config_parameter WHERE key LIKE 'marketplace_connector.%' ORDER BY key;
SQL
    "$VENV/bin/python" - "$DB" "$out" "${DB_HOST:-127.0.0.1}" "$DB_USER" "$WORK/columns.txt" <<'PY'
import os
import sys
import psycopg2
db, out, host, user, columns_file = sys.argv[1:]
cr = psycopg2.connect(dbname=db, host=host, user=user).cursor()
# Stored fields of the module's models (not wizards) and fields it adds to other models.
cr.execute("""
    SELECT m.model, f.name, f.ttype, c.column_name IS NOT NULL
      FROM ir_model_fields f JOIN ir_model m ON m.id = f.model_id
      JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id AND d.module = 'marketplace_connector'
      LEFT JOIN information_schema.columns c
             ON c.table_schema = current_schema() AND c.table_name = replace(m.model, '.', '_')
            AND c.column_name = f.name
     WHERE f.store AND f.ttype NOT IN ('one2many', 'many2many') AND NOT m.transient
       AND f.name NOT IN ('write_date', 'write_uid')
     ORDER BY m.model, f.name""")
fields = {}  # (model, field) -> "column" or "attachment" (a stored binary field without a column)
for model, name, ttype, has_column in cr.fetchall():
    if has_column:
        fields[model, name] = "column"
    elif ttype == "binary":
        fields[model, name] = "attachment"
    # other fields without a column belong to abstract models (mixins), whose models have their own rows
if not os.path.exists(columns_file):  # the snapshot before the update fixes what is compared
    with open(columns_file, "w") as file:
        file.writelines(f"{model}|{name}|{kind}\n" for (model, name), kind in sorted(fields.items()))
expected = {}
with open(columns_file) as file:
    for line in file:
        model, name, kind = line.rstrip("\n").split("|")
        expected[model, name] = kind
with open(out, "a") as file:
    tables = {}
    for (model, name), kind in expected.items():
        tables.setdefault(model, {"column": [], "attachment": []})[kind].append(name)
    for model, kinds in sorted(tables.items()):
        table = model.replace(".", "_")
        cr.execute("SELECT to_regclass(%s)", [table])
        if cr.fetchone()[0] is None:
            file.write(f"table|{table}|missing\n")
            continue
        present = [n for n in sorted(kinds["column"]) if fields.get((model, n)) == "column"]
        gone = sorted(set(kinds["column"]) - set(present))
        cr.execute("SELECT count(*) FROM %s" % table)
        file.write(f"count|{table}|{cr.fetchone()[0]}\n")
        cr.execute("SELECT id%s FROM %s ORDER BY id" % ("".join(', "%s"' % n for n in present), table))
        for row in cr.fetchall():
            values = dict(zip(present, row[1:]))
            values.update((n, "<not a stored column of the module>") for n in gone)
            file.write(f"row|{table}|{row[0]}|" + "|".join(f"{n}={values[n]!r}" for n in sorted(values)) + "\n")
        for name in sorted(kinds["attachment"]):
            if fields.get((model, name)) != "attachment":
                file.write(f"attachment|{model}|{name}|<no longer a stored attachment field of the module>\n")
                continue
            cr.execute("""SELECT res_id, checksum, file_size FROM ir_attachment
                           WHERE res_model = %s AND res_field = %s ORDER BY res_id, id""", [model, name])
            for res_id, checksum, size in cr.fetchall():
                file.write(f"attachment|{model}|{name}|{res_id}|{checksum}|{size}\n")
PY
}
snapshot "$WORK/before.txt"

say "Updating with the working tree's code ($REPO_DIR)"
odoo_bin -d "$DB" -u marketplace_connector --stop-after-init --log-level=info >"$WORK/update.log" 2>&1 \
    || { tail -n 50 "$WORK/update.log" >&2; die "the update failed"; }
# The new code only: the configuration's addons path, whose marketplace_connector is the working tree.
[ "$(readlink -f "$ADDONS_DIR/marketplace_connector")" = "$(readlink -f "$REPO_DIR")" ] \
    && grep -q "addons paths: .*'$ADDONS_DIR'" "$WORK/update.log" && ! grep -qF "$WORK" "$WORK/update.log" \
    || die "the update did not run on the working tree's code alone ($(grep -m1 'addons paths' "$WORK/update.log"))"
snapshot "$WORK/after.txt"

say "Comparing"
status=0
# Every line of the snapshot before the update must be found unchanged after it (rows on the columns that
# existed before); rows, external ids and attachments the update adds are no loss, so counts are not compared.
lost=$(comm -23 <(grep -v '^count|' "$WORK/before.txt" | sort) <(grep -v '^count|' "$WORK/after.txt" | sort) || true)
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
echo "tables: $(count count "$WORK/before.txt") compared on $(grep -c '|column$' "$WORK/columns.txt" || true) columns," \
     "rows: $(count row "$WORK/before.txt") before, $(count row "$WORK/after.txt") after;" \
     "attachment fields: $(grep -c '|attachment$' "$WORK/columns.txt" || true)," \
     "files: $(count attachment "$WORK/before.txt") before, $(count attachment "$WORK/after.txt") after;" \
     "settings: $(count param "$WORK/before.txt")"
echo "update log: $(grep -c . "$WORK/update.log") lines, $(printf '%s' "$problems" | grep -c . || true) warnings or errors"
if [ -z "${MC_KEEP_DB:-}" ]; then
    psql_user -d postgres -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"
    rm -rf "$STATE_DIR/data/filestore/$DB"
fi
echo "took $((SECONDS - started)) s"
[ "$status" = 0 ] || die "the update from $REF lost or changed something (see above)"
say "Update from $REF keeps every external id, row and setting"
