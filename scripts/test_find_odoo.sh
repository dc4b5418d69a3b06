#!/usr/bin/env bash
# Tests of find_odoo (scripts/lib.sh) against a local git repository standing in for Odoo's: a fresh
# machine without an Odoo tree fetches one; a second run reuses it; an unreachable repository stops
# with one message saying how to point ODOO_PATH at a tree; a valid ODOO_PATH is used as it is.
set -euo pipefail
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { printf 'test_find_odoo: FAIL: %s\n' "$*" >&2; exit 1; }

# A stand-in for https://github.com/odoo/odoo with a branch 18.0
upstream=$work/upstream
git init -q -b 18.0 "$upstream"
mkdir -p "$upstream/odoo"
echo "version_info = (18, 0, 0, 'final', 0, '')" >"$upstream/odoo/release.py"
git -C "$upstream" add -A
git -C "$upstream" -c user.name=t -c user.email=t@t commit -qm "Odoo 18.0 stand-in"

find_with() {  # find_with STATE_DIR GIT_URL [ODOO_PATH]: prints the tree found; its messages to stderr
    env -u ODOO_PATH ${3:+ODOO_PATH=$3} MC_STATE_DIR="$1" MC_ODOO_DEFAULT_PATH="$work/nowhere" \
        MC_ODOO_GIT_URL="$2" bash -c 'source "$0/scripts/lib.sh"; find_odoo; echo "$ODOO_PATH"' "$REPO_DIR"
}

state=$work/state
found=$(find_with "$state" "file://$upstream" 2>"$work/log") || fail "fetching: $(cat "$work/log")"
[ "$found" = "$state/odoo-18.0" ] || fail "fetched into $found, not $state/odoo-18.0"
grep -q "^version_info = (18," "$found/odoo/release.py" || fail "the fetched tree is not Odoo 18"
grep -q "fetching Odoo 18.0 community" "$work/log" || fail "the fetch is not announced"

rm -rf "$upstream"
found=$(find_with "$state" "file://$upstream" 2>"$work/log") || fail "second run: $(cat "$work/log")"
[ "$found" = "$state/odoo-18.0" ] || fail "second run did not reuse the fetched tree"
! grep -q "fetching" "$work/log" || fail "second run fetched again"

if find_with "$work/fresh" "file://$work/unreachable" >"$work/out" 2>"$work/log"; then
    fail "an unreachable repository did not stop the run"
fi
grep -q "could not be fetched" "$work/log" && grep -q "ODOO_PATH" "$work/log" \
    || fail "the message does not say how to go on: $(cat "$work/log")"
[ ! -e "$work/fresh/odoo-18.0" ] && [ ! -e "$work/fresh/odoo-18.0.tmp" ] || fail "a failed fetch left a tree"

found=$(find_with "$work/other" "file://$work/unreachable" "$state/odoo-18.0" 2>"$work/log") \
    || fail "a valid ODOO_PATH: $(cat "$work/log")"
[ "$found" = "$state/odoo-18.0" ] || fail "ODOO_PATH was not used"

echo "find_odoo: 4 cases passed (fetch, reuse, unreachable, ODOO_PATH)"
