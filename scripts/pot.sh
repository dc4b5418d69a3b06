#!/usr/bin/env bash
# make pot: write i18n/marketplace_connector.pot, the template of every string the module exports,
# from a fresh database with the module installed (make test checks that it is current).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

prepare
POT_DB=mc_pot_$REPO_KEY
copy_database "$POT_DB" "$(base_template nodemo)"
odoo_bin -d "$POT_DB" -i marketplace_connector --stop-after-init --log-level=warn
odoo_bin -d "$POT_DB" --i18n-export="$REPO_DIR/i18n/marketplace_connector.pot" --modules=marketplace_connector \
    --stop-after-init --log-level=warn
psql_user -d postgres -qc "DROP DATABASE IF EXISTS \"$POT_DB\" WITH (FORCE)"
rm -rf "$STATE_DIR/data/filestore/$POT_DB"
say "Wrote i18n/marketplace_connector.pot"
