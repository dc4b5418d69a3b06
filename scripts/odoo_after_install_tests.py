"""odoo-bin, except that the at_install tests of the modules chosen with --test-tags run once every
installed module is loaded, like post_install tests, instead of while the modules load.

Odoo runs a module's at_install tests right after loading that module, with only the modules it
depends on in the registry: on a database where this module is installed they would run without
it (and without sale_stock's or stock_account's fields, whose NOT NULL columns break them). Run
after loading, they test Odoo's own modules together with every module installed, this one
included, as a user meets them. Usage: the arguments of odoo-bin (without -i / -u).
"""

import os
import sys

os.environ["TZ"] = "UTC"  # as odoo-bin, before anything imports time

import odoo  # noqa: E402

odoo.tools.config["test_enable"] = True  # as --test-tags will: Odoo's test framework may be imported
from odoo.tests import loader  # noqa: E402
from odoo.tests.suite import OdooSuite  # noqa: E402

_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):
    if position == "at_install":
        return OdooSuite([])  # nothing while the modules load
    return OdooSuite([*_make_suite(module_names, "at_install"), *_make_suite(module_names, "post_install")])


if __name__ == "__main__":
    if {"-i", "-u", "--init", "--update"} & {arg.split("=")[0] for arg in sys.argv[1:]}:
        sys.exit("odoo_after_install_tests.py runs the tests of installed modules: no -i or -u")
    loader.make_suite = make_suite
    odoo.cli.main()
