"""Read the log of an Odoo test run and fail unless every chosen module ran tests and nothing failed.

Odoo's runner exits 0 when a test tag matches nothing, so the log is the evidence: the summary
line ("F failed, E error(s) of N tests when loading database ..."), one statistics line per
module that ran tests, and no ERROR or CRITICAL line (a test that logs an unexpected error did
not go as planned, even when its assertions hold).

Usage: check_odoo_test_log.py LOG MODULE[,MODULE...]
"""

import re
import sys

SUMMARY = re.compile(r" odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
STATS = re.compile(r" odoo\.tests\.stats: (\w+): (\d+) tests ([\d.]+)s")
PROBLEM = re.compile(r"^\S+ \S+ \d+ (?:ERROR|CRITICAL) \S+ (\S+): (.*)$")


def main(log_path, modules):
    with open(log_path, encoding="utf-8", errors="replace") as log:
        lines = log.read().splitlines()
    problems = []
    summaries = [match.groups() for line in lines if (match := SUMMARY.search(line))]
    stats = {}
    for line in lines:
        if match := STATS.search(line):
            module, count, seconds = match.groups()
            stats[module] = (int(count), float(seconds))
    for module in sorted(stats):
        count, seconds = stats[module]
        print(f"  {module:<20} {count:>5} tests {seconds:>8.1f} s")
    if not summaries:
        problems.append("no test summary in the log: Odoo did not run the tests")
    else:
        failed, errors, total = map(int, summaries[-1])
        print(f"  {failed} failed, {errors} error(s) of {total} tests")
        if failed or errors:
            problems.append(f"{failed} failed, {errors} error(s)")
        if not total:
            problems.append("no test ran")
    problems += [f"no test of {module} ran (is the tag right?)" for module in modules if not stats.get(module)]
    problems += [f"{logger}: {message}" for line in lines if (match := PROBLEM.match(line))
                 for logger, message in [match.groups()] if "odoo.tests.result" not in logger]
    if problems:
        sys.exit("error: Odoo's own tests with the module installed:\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], [module for module in sys.argv[2].split(",") if module])
