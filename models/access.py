"""The trust boundary of the module's public methods.

Odoo lets any logged-in user (portal users included) call any public method of any model (a
name without a leading underscore) through ``/web/dataset/call_kw``, whatever the views show.
So every public method this module defines, on its own models and on Odoo's, is declared with
:func:`guard`, which checks before the method's first statement (before any write, ``sudo()``
or call to a marketplace), the way Odoo's ``payment`` (``check_rights_on_recordset``) and
``account`` (``_post``) modules check theirs:

1. the group the method requires (:data:`USER`, :data:`MANAGER`, :data:`SYSTEM` for secrets and
   remote webhooks, or the Odoo group that owns the record for methods on Odoo's models);
2. the access rights and record rules of the records (``check_access``): a user of another
   company is refused even when he has the group;
3. optionally the records the method acts on through a field (a wizard's account or order).

The declaration is kept on the function (``_marketplace_guard``), so that the access matrix test
(``tests/test_access_matrix.py``) finds every public method and fails on one without it.
Code that runs as superuser (``sudo()``: the job runner, Odoo events) is not checked: it chose
to act for the system.
"""

import functools
from typing import NamedTuple

from odoo.exceptions import AccessError

USER = "marketplace_connector.group_marketplace_user"
MANAGER = "marketplace_connector.group_marketplace_manager"
SYSTEM = "base.group_system"
SALESMAN = "sales_team.group_sale_salesman"
STOCK_USER = "stock.group_stock_user"
STOCK_MANAGER = "stock.group_stock_manager"


class Guard(NamedTuple):
    """What a public method requires of its caller."""

    group: str
    """xmlid of the group the user must belong to"""
    operation: str
    """access the user must have on the records the method is called on (``read``, ``write``)"""
    related: tuple
    """``(field path, operation)`` pairs: records reached through the field that the user must
    be able to access that way too"""


def guard(group, operation="read", related=()):
    """Declare what a public method requires, and check it before the method runs.

    :param str group: xmlid of the required group
    :param str operation: ``read`` for methods that only show or queue (the user's view of the
        records suffices), ``write`` for methods that change the records
    :param related: ``(field path, operation)`` pairs checked on ``self.mapped(path)``
    """
    declaration = Guard(group, operation, tuple(related))

    def decorate(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            check(self, declaration)
            return method(self, *args, **kwargs)

        guarded._marketplace_guard = declaration
        return guarded

    return decorate


def check(records, declaration):
    """Raise :class:`AccessError` unless the current user may do what ``declaration`` says on
    ``records`` (nothing is checked for the superuser)."""
    env = records.env
    if env.su:
        return
    if not env.user.has_group(declaration.group):
        group = env.ref(declaration.group, raise_if_not_found=False)
        raise AccessError(env._(
            "You are not allowed to do this on %(model)s: it is reserved to the group %(group)s.",
            model=records._description, group=group.sudo().full_name if group else declaration.group))
    records.check_access(declaration.operation)
    for path, operation in declaration.related:
        records.mapped(path).check_access(operation)


def check_readable(records, *paths):
    """What a wizard points at must be readable by whoever fills it (a constraint of the
    module's wizards, which have no company of their own): the wizard cannot show or act on
    another company's records."""
    if records.env.su:
        return
    for path in paths:
        records.mapped(path).check_access("read")


def declaration_of(method):
    """The :class:`Guard` of a method, or ``None`` when it has none."""
    return getattr(method, "_marketplace_guard", None)
