"""Fail when a function of the module's code is longer than MAX_LINES lines (a newcomer reads a function
at once; a longer one hides several steps that deserve names of their own).

Usage: check_function_length.py FOLDER... (run from the repository root)
"""

import ast
import pathlib
import sys

MAX_LINES = 60


def main(folders):
    too_long = []
    for folder in folders:
        for path in sorted(pathlib.Path(folder).rglob("*.py")):
            if "tests" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    length = node.end_lineno - node.lineno + 1
                    if length > MAX_LINES:
                        too_long.append(f"{path}:{node.lineno}: {node.name} has {length} lines (at most {MAX_LINES})")
    for line in too_long:
        print(line)
    return 1 if too_long else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["models", "marketplaces", "controllers", "wizard"]))
