#!/usr/bin/env bash
# make test: pure tests (no Odoo), lint, then the Odoo tests under pytest-odoo on a fresh
# database. Exits non-zero on any failure, and when no Odoo test ran.
# Settings: MC_TEST_DB (default mc_test_<repo key>), MC_KEEP_DB=1 keeps the test database,
# MC_PYTEST_ARGS adds pytest arguments to the Odoo run (e.g. "-k exito -x").
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

prepare
TEST_DB=${MC_TEST_DB:-mc_test_$REPO_KEY}
REPORT_DIR=$(mktemp -d)
trap 'rm -rf "$REPORT_DIR"' EXIT

say "Odoo's gevent (websocket) process can start in this virtualenv"
# With --workers, Odoo runs its websocket server in a gevent process: if gevent cannot patch, Odoo
# respawns that process forever (requirements.txt pins what makes Odoo's own pins work together).
"$VENV/bin/python" -c "import gevent.monkey; gevent.monkey.patch_all()" \
    || die "gevent.monkey.patch_all() fails in $VENV: Odoo's websocket process would not start."

say "Pure tests (marketplaces/, sandbox/: no Odoo)"
# Each test folder carries a pytest.ini that makes it the rootdir, so that pytest never imports
# the repository root (an Odoo module) as a package.
for folder in marketplaces/tests sandbox/tests; do
    (cd "$REPO_DIR" && "$VENV/bin/python" -m pytest -q "$folder")
done

say "Lint: ruff"
(cd "$REPO_DIR" && "$VENV/bin/ruff" check --no-cache .)

say "Lint: pylint with pylint_odoo (errors)"
# Error-level checks of pylint and pylint-odoo; no-member and unsubscriptable-object are left out
# because pylint cannot see
# the fields and methods Odoo models receive from the registry.
(cd "$ADDONS_DIR" && "$VENV/bin/pylint" --rcfile="$REPO_DIR/pyproject.toml" \
    --disable=all --enable=E,F --disable=no-member,unsubscriptable-object marketplace_connector)

say "Installing the module into a fresh database $TEST_DB"
template=$(base_template nodemo)
copy_database "$TEST_DB" "$template"
odoo_bin -d "$TEST_DB" -i marketplace_connector --stop-after-init --log-level=warn

say "Translations: every string the module exports has its Spanish translation"
odoo_bin -d "$TEST_DB" --i18n-export="$REPORT_DIR/marketplace_connector.pot" --modules=marketplace_connector \
    --stop-after-init --log-level=warn
"$VENV/bin/python" "$REPO_DIR/scripts/check_translations.py" "$REPORT_DIR/marketplace_connector.pot" \
    "$REPO_DIR/i18n/es.po"

say "Odoo tests (pytest-odoo, real Odoo 18 and PostgreSQL)"
(cd "$ADDONS_DIR" && "$VENV/bin/python" -m pytest -p no:cacheprovider \
    --odoo-config="$ODOO_CONF" --odoo-database="$TEST_DB" --odoo-http --odoo-log-level=warn \
    --junitxml="$REPORT_DIR/odoo.xml" -q ${MC_PYTEST_ARGS:-} marketplace_connector/tests)

"$VENV/bin/python" - "$REPORT_DIR/odoo.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET

suite = ET.parse(sys.argv[1]).getroot()
suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
total, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
ran = total - skipped
print(f"Odoo tests: {total} collected, {ran} ran, {skipped} skipped")
if ran == 0:
    sys.exit("error: no Odoo test ran")
EOF

if [ -z "${MC_KEEP_DB:-}" ]; then
    psql_user -d postgres -qc "DROP DATABASE IF EXISTS \"$TEST_DB\" WITH (FORCE)"
    rm -rf "$STATE_DIR/data/filestore/$TEST_DB"
fi
say "All tests passed"
