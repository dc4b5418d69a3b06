"""Fail when i18n/es.po lacks a translation of a string the module exports, when a
translation does not carry the same placeholders as its source, or (with a third argument) when the
committed template differs from the export (``make pot`` writes it anew).

Usage: check_translations.py EXPORTED.pot i18n/es.po [i18n/marketplace_connector.pot]
"""

import re
import sys

import polib

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s")


def _entries(path):
    # The header (creation date, generator) changes on every export: only the entries count.
    return [(entry.msgctxt, entry.msgid, entry.msgid_plural, sorted(entry.occurrences), entry.comment)
            for entry in polib.pofile(path) if not entry.obsolete]


def main(template_path, translation_path, committed_template=None):
    translations = {entry.msgid: entry.msgstr for entry in polib.pofile(translation_path) if not entry.obsolete}
    problems = []
    for entry in polib.pofile(template_path):
        translated = translations.get(entry.msgid)
        if not translated:
            problems.append(f"missing: {entry.msgid!r}")
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(translated)):
            problems.append(f"placeholders differ: {entry.msgid!r} -> {translated!r}")
    if committed_template and _entries(committed_template) != _entries(template_path):
        exported, committed = set(map(repr, _entries(template_path))), set(map(repr, _entries(committed_template)))
        problems.append(f"{committed_template} is not what the module exports: run `make pot` "
                        f"({len(exported - committed)} entries new or changed, {len(committed - exported)} gone)")
    for problem in problems:
        print(problem)
    print(f"{translation_path}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
