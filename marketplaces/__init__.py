"""Pure Python marketplace clients: no Odoo import here.

Odoo reaches a client through ``marketplace.account._get_client()``, which asks
``get_client_class`` for the class registered under the account's marketplace code.
"""

from . import base, records
from .exito import ExitoClient
from .imotriz import ImotrizClient
from .marketful import MarketfulClient
from .xmart import XmartClient
from .xstak import XstakClient

CLIENTS = {
    "exito": ExitoClient,
    "imotriz": ImotrizClient,
    "marketful": MarketfulClient,
    "xmart": XmartClient,
    "xstak": XstakClient,
}


def get_client_class(code):
    """The client class of a marketplace code.

    :raise KeyError: for a code no client is registered under
    """
    try:
        return CLIENTS[code]
    except KeyError:
        raise KeyError(f"No marketplace client is registered under {code!r}") from None


__all__ = ["CLIENTS", "base", "get_client_class", "records"]
