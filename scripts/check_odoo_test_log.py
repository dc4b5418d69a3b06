"""Read the log of an Odoo test run and fail unless every chosen suite ran tests and nothing failed.

Odoo's runner exits 0 when a test tag matches nothing, so the log is the evidence: the summary
line ("F failed, E error(s) of N tests when loading database ..."), the detailed statistics
(``--log-handler=odoo.tests.stats:DEBUG``: one line per module, class and test method that ran),
and no ERROR or CRITICAL line (a test that logs an unexpected error did not go as planned, even
when its assertions hold).

Usage: check_odoo_test_log.py LOG SUITE[,SUITE...] where a suite is ``module`` or ``module:Class``.
"""

import collections
import re
import sys

SUMMARY = re.compile(r" odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
STAT = re.compile(r"^\t([\w.]+): ([\d.]+)s \d+ queries$")
PROBLEM = re.compile(r"^\S+ \S+ \d+ (?:ERROR|CRITICAL) \S+ (\S+): (.*)$")


def main(log_path, suites):
    with open(log_path, encoding="utf-8", errors="replace") as log:
        lines = log.read().splitlines()
    seconds, methods = {}, collections.Counter()
    for line in lines:
        if match := STAT.match(line):
            key, time = match.groups()
            parts = key.split(".")
            if len(parts) == 1:
                seconds[key] = float(time)
            elif len(parts) >= 4:  # module.test_file.Class.method
                methods[parts[0]] += 1
                methods[f"{parts[0]}:{parts[-2]}"] += 1
    for module in sorted(seconds):
        print(f"  {module:<16} {methods[module]:>5} tests {seconds[module]:>7.1f} s")
    problems = []
    summaries = [match.groups() for line in lines if (match := SUMMARY.search(line))]
    if not summaries:
        problems.append("no test summary in the log: Odoo did not run the tests")
    else:
        failed, errors, total = map(int, summaries[-1])
        print(f"  {failed} failed, {errors} error(s) of {total} tests")
        if failed or errors:
            problems.append(f"{failed} failed, {errors} error(s)")
        if not total:
            problems.append("no test ran")
    problems += [f"no test of {suite} ran (is the tag right?)" for suite in suites if not methods[suite]]
    problems += [f"{logger}: {message}" for line in lines if (match := PROBLEM.match(line))
                 for logger, message in [match.groups()] if logger != "odoo.tests.result"]
    if problems:
        sys.exit("error: Odoo's own tests with the module installed:\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], [suite for suite in sys.argv[2].split(",") if suite])
