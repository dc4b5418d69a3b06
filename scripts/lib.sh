# Shared by scripts/test.sh, scripts/demo.sh and scripts/bench.sh: finds Odoo 18, prepares the
# virtualenv, PostgreSQL and an Odoo configuration. Every step is idempotent.
# Settings (environment): ODOO_PATH, MC_STATE_DIR, MC_VENV, PYTHON, PGUSER, PGHOST.

set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${MC_STATE_DIR:-$HOME/.cache/marketplace_connector}
VENV=${MC_VENV:-$STATE_DIR/venv}
PYTHON=${PYTHON:-python3}
DB_USER=${PGUSER:-$(id -un)}
DB_HOST=${PGHOST:-}
REPO_KEY=$(printf '%s' "$REPO_DIR" | sha256sum | cut -c1-12)
ADDONS_DIR=$STATE_DIR/addons/$REPO_KEY
ODOO_CONF=$STATE_DIR/odoo-$REPO_KEY.conf

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Odoo 18 tree: $ODOO_PATH, else the default path, else the one fetched earlier into the state
# directory; when there is none and ODOO_PATH is unset, a shallow clone of Odoo 18.0 community is
# fetched there (MC_ODOO_GIT_URL overrides the repository; MC_ODOO_DEFAULT_PATH the default path).
ODOO_DEFAULT_PATH=${MC_ODOO_DEFAULT_PATH:-/opt/odoo/18.0}
ODOO_GIT_URL=${MC_ODOO_GIT_URL:-https://github.com/odoo/odoo}

is_odoo18() {
    [ -n "$1" ] && [ -f "$1/odoo/release.py" ] && grep -q "^version_info = (18," "$1/odoo/release.py"
}

find_odoo() {
    local candidate fetched=$STATE_DIR/odoo-18.0
    for candidate in "${ODOO_PATH:-}" "$ODOO_DEFAULT_PATH" "$fetched"; do
        if is_odoo18 "$candidate"; then
            ODOO_PATH=$(cd "$candidate" && pwd)
            return 0
        fi
    done
    local how="Provide one, e.g.: git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo $ODOO_DEFAULT_PATH
(or any Odoo 18.0 community checkout), or point ODOO_PATH at yours."
    [ -z "${ODOO_PATH:-}" ] || die "ODOO_PATH=$ODOO_PATH is not an Odoo 18 source tree, nor is $ODOO_DEFAULT_PATH.
$how"
    say "No Odoo 18 tree at $ODOO_DEFAULT_PATH: fetching Odoo 18.0 community ($ODOO_GIT_URL) into $fetched"
    mkdir -p "$STATE_DIR"
    rm -rf "$fetched.tmp"
    if git clone -q --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$fetched.tmp" && is_odoo18 "$fetched.tmp"; then
        mv "$fetched.tmp" "$fetched"
        ODOO_PATH=$fetched
        return 0
    fi
    rm -rf "$fetched.tmp"
    die "no Odoo 18 source tree at \$ODOO_PATH (unset) or $ODOO_DEFAULT_PATH, and $ODOO_GIT_URL could not be fetched.
$how"
}

psql_admin() {
    # A PostgreSQL superuser session, whichever way this machine allows it.
    if psql -U postgres -h 127.0.0.1 -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
        psql -U postgres -h 127.0.0.1 -d postgres -v ON_ERROR_STOP=1 "$@"
    elif [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
        runuser -u postgres -- psql -d postgres -v ON_ERROR_STOP=1 "$@"
    else
        sudo -u postgres psql -d postgres -v ON_ERROR_STOP=1 "$@"
    fi
}

ensure_postgres() {
    if ! pg_isready -q -h 127.0.0.1 && ! pg_isready -q; then
        local version
        version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
        [ -n "$version" ] || die "PostgreSQL is not running and no cluster was found in /etc/postgresql."
        say "Starting PostgreSQL $version"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
            || pg_ctlcluster "$version" main start
        for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
        pg_isready -q || die "PostgreSQL did not start."
    fi
    [ "$DB_USER" != postgres ] || die "Odoo refuses to run as the 'postgres' database user: set PGUSER."
    if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]; then
        say "Creating PostgreSQL role $DB_USER"
        psql_admin -c "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB"
    fi
}

ensure_venv() {
    local stamp
    stamp=$( { cat "$ODOO_PATH/requirements.txt" "$REPO_DIR/requirements.txt" "$REPO_DIR/requirements-dev.txt";
               "$PYTHON" --version; } | sha256sum | cut -c1-16)
    if [ ! -x "$VENV/bin/python" ]; then
        say "Creating virtualenv $VENV"
        mkdir -p "$(dirname "$VENV")"
        "$PYTHON" -m venv "$VENV"
    fi
    if [ "$(cat "$VENV/.mc-stamp" 2>/dev/null)" != "$stamp" ]; then
        say "Installing Odoo's and the module's Python requirements"
        local filtered constraints
        filtered=$(mktemp) constraints=$(mktemp)
        # python-ldap needs system headers and serves only auth_ldap, which the module does not use.
        grep -v '^python-ldap' "$ODOO_PATH/requirements.txt" >"$filtered"
        # Odoo 18's pinned packages build with setuptools < 70 (pkg_resources).
        echo 'setuptools<70' >"$constraints"
        PIP_CONSTRAINT=$constraints "$VENV/bin/pip" install --quiet --disable-pip-version-check \
            -r "$filtered" -r "$REPO_DIR/requirements-dev.txt"
        rm -f "$filtered" "$constraints"
        echo "$stamp" >"$VENV/.mc-stamp"
    fi
    # Odoo itself is imported from the source tree.
    "$VENV/bin/python" - "$ODOO_PATH" <<'EOF'
import pathlib, sys, sysconfig
pathlib.Path(sysconfig.get_paths()["purelib"], "odoo-source.pth").write_text(sys.argv[1] + "\n")
EOF
}

ensure_odoo_config() {
    # The module is reached through a directory named after it (pytest-odoo names test modules
    # after the directory, and a clone may be called anything).
    mkdir -p "$ADDONS_DIR" "$STATE_DIR/data"
    ln -sfn "$REPO_DIR" "$ADDONS_DIR/marketplace_connector"
    cat >"$ODOO_CONF" <<EOF
[options]
addons_path = $ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$ADDONS_DIR
data_dir = $STATE_DIR/data
db_user = $DB_USER
db_host = ${DB_HOST:-False}
db_password = False
list_db = False
EOF
}

prepare() {
    find_odoo
    ensure_postgres
    ensure_venv
    ensure_odoo_config
}

odoo_bin() {
    "$VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$ODOO_CONF" "$@"
}

db_exists() {
    [ "$(psql -d postgres -h "${DB_HOST:-127.0.0.1}" -U "$DB_USER" -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

psql_user() {
    psql -h "${DB_HOST:-127.0.0.1}" -U "$DB_USER" -v ON_ERROR_STOP=1 "$@"
}

# A database with the Odoo modules the module depends on, made once and copied for every test
# run (installing them takes a minute; the copy a second). Its name carries a digest of what
# shapes it, so a change of Odoo or of the manifest's dependencies makes a new one.
BASE_MODULES=mail,sale_management,sale_stock,stock_delivery
base_template() {
    local demo=$1 key name
    key=$( { (cd "$ODOO_PATH" && git rev-parse HEAD 2>/dev/null || cat odoo/release.py);
             echo "$BASE_MODULES $demo"; } | sha256sum | cut -c1-10)
    name=mc_base_${demo}_$key
    if ! db_exists "$name"; then
        say "Preparing template database $name (Odoo modules $BASE_MODULES, demo=$demo)"
        psql_user -d postgres -qc "DROP DATABASE IF EXISTS \"${name}_tmp\"" >&2
        local flags=(--without-demo=all)
        [ "$demo" = demo ] && flags=()
        odoo_bin -d "${name}_tmp" -i "$BASE_MODULES" "${flags[@]}" --stop-after-init --log-level=warn >&2
        psql_user -d postgres -qc "ALTER DATABASE \"${name}_tmp\" RENAME TO \"$name\"" >&2
        [ ! -d "$STATE_DIR/data/filestore/${name}_tmp" ] \
            || mv "$STATE_DIR/data/filestore/${name}_tmp" "$STATE_DIR/data/filestore/$name"
    fi
    echo "$name"
}

# Make database $1 a fresh copy of template $2 (with its filestore).
copy_database() {
    local target=$1 template=$2
    psql_user -d postgres -qc "DROP DATABASE IF EXISTS \"$target\" WITH (FORCE)"
    psql_user -d postgres -qc "CREATE DATABASE \"$target\" TEMPLATE \"$template\""
    rm -rf "$STATE_DIR/data/filestore/$target"
    [ ! -d "$STATE_DIR/data/filestore/$template" ] \
        || cp -r "$STATE_DIR/data/filestore/$template" "$STATE_DIR/data/filestore/$target"
}
