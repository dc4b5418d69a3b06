"""Fail when i18n/es.po lacks a translation of a string the module exports, or when a
translation does not carry the same placeholders as its source.

Usage: check_translations.py EXPORTED.pot i18n/es.po
"""

import re
import sys

import polib

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s")


def main(template_path, translation_path):
    translations = {entry.msgid: entry.msgstr for entry in polib.pofile(translation_path) if not entry.obsolete}
    problems = []
    for entry in polib.pofile(template_path):
        translated = translations.get(entry.msgid)
        if not translated:
            problems.append(f"missing: {entry.msgid!r}")
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(translated)):
            problems.append(f"placeholders differ: {entry.msgid!r} -> {translated!r}")
    for problem in problems:
        print(problem)
    print(f"{translation_path}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
