import ast
import inspect
import textwrap

from odoo.tests import TransactionCase, tagged

from ..models.marketplace_job import BATCH, EACH, JOB_TYPES, RECEIVE_ONCE, SEND_ONCE, UnsupportedOperation

MARKETPLACES = ("exito", "marketful", "imotriz", "xmart", "xstak")


def _is_generic(cls):
    module = cls.__module__.split(".")
    return not any(marketplace in part for part in module for marketplace in MARKETPLACES)


def _operations():
    for spec in JOB_TYPES.values():
        yield spec.operation
        if spec.then:
            yield spec.then
    yield "_get_label"


def _begins_with_guard(function):
    """Whether the function's first statement (after its docstring) is ``if self.marketplace ...:
    return ...`` (or raises)."""
    body = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0].body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body or not isinstance(body[0], ast.If):
        return False
    test = ast.unparse(body[0].test)
    return "self.marketplace" in test and isinstance(body[0].body[-1], (ast.Return, ast.Raise))


@tagged("post_install", "-at_install")
class TestJobTypes(TransactionCase):
    """The job types are one table (type, label, account operation, run mode) that the runner reads,
    and every operation it names is declared on the generic account."""

    def test_the_table_is_the_selection(self):
        selection = self.env["marketplace.job"]._fields["job_type"].selection
        self.assertEqual([key for key, _label in selection], list(JOB_TYPES))
        self.assertEqual(dict(selection)["push_entry"], "Announce inbound stock")
        for job_type, spec in JOB_TYPES.items():
            self.assertIn(spec.mode, (BATCH, EACH, SEND_ONCE, RECEIVE_ONCE), job_type)
            self.assertEqual(bool(spec.then), spec.mode in (SEND_ONCE, RECEIVE_ONCE), job_type)

    def test_no_per_type_wrapper_on_the_job(self):
        Job = type(self.env["marketplace.job"])
        self.assertFalse([name for name in dir(Job) if name.startswith("_handle_")])

    def test_every_operation_is_declared_on_the_generic_account_with_what_it_returns(self):
        Account = type(self.env["marketplace.account"])
        for operation in _operations():
            with self.subTest(operation=operation):
                defining = [cls for cls in Account.__mro__ if operation in vars(cls)]
                self.assertTrue(defining, "the account has the operation")
                base = defining[-1]
                self.assertTrue(_is_generic(base), f"{operation} is first declared in {base.__module__}")
                self.assertIn(":return:", inspect.getdoc(vars(base)[operation]) or "")

    def test_marketplace_overrides_begin_with_their_guard(self):
        Account = type(self.env["marketplace.account"])
        unguarded = set()
        for operation in _operations():
            for cls in Account.__mro__:
                if operation in vars(cls) and not _is_generic(cls) and not _begins_with_guard(vars(cls)[operation]):
                    unguarded.add((operation, cls.__module__))
        self.assertEqual(unguarded, set(), "every marketplace override begins with its guard")

    def test_an_operation_the_marketplace_lacks_is_refused_once_and_for_all(self):
        account = self.env["marketplace.account"].create({"name": "iMotriz", "marketplace": "imotriz"})
        job = self.env["marketplace.job"].sudo().create({
            "name": "Status", "account_id": account.id, "job_type": "push_status", "payload": {}})
        with self.assertRaisesRegex(UnsupportedOperation, "iMotriz does not support order statuses."):
            account._push_status(job)
        with self.assertRaisesRegex(UnsupportedOperation, "iMotriz does not support fulfillment orders."):
            account._prepare_fulfillment(job)
