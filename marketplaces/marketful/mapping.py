"""Odoo's values <-> what Marketful's multichannel order wants: state codes, street parts, order checks."""

import re
from dataclasses import dataclass

from ..base import Problem, _
from . import const


def _text(value):
    """A scalar as stripped text (integral floats without ``.0``); ``""`` for ``None``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- states ------------------------------------------------------------------------------------

_TWO_LETTER_STATES = frozenset(const.MX_STATES.values())


def mx_state(code):
    """The seed's ``MX-XX`` code of a Mexican state.

    :param str code: Odoo's state code (``AGU``, ``CMX``, the old ``DIF``; with or without ``MX-``, as
        ISO 3166-2 writes it) or a code already in the seed's form (``AG``, ``MX-AG``, ``MX - AG``)
    :return: ``"MX-AG"``-style text, or ``""`` when ``code`` is no Mexican state code
    """
    text = re.sub(r"\s+", "", _text(code)).upper()
    if text.startswith(const.STATE_PREFIX):
        text = text[len(const.STATE_PREFIX):]
    if text in const.MX_STATES:
        return const.STATE_PREFIX + const.MX_STATES[text]
    if text in _TWO_LETTER_STATES:
        return const.STATE_PREFIX + text
    return ""


# -- street ------------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class StreetParts:
    """A Mexican street line split as Marketful's ``calle``, ``no_exterior`` and ``no_interior``."""

    street: str
    exterior: str = ""
    interior: str = ""


# markers that only say "interior" are dropped ("Int. 4" -> "4"); the others name the kind of unit and stay
_INTERIOR_DROPPED = frozenset({"int", "int.", "interior"})
_INTERIOR_KEPT = frozenset({"depto", "depto.", "dpto", "dpto.", "departamento", "piso", "local", "of.",
                            "oficina", "apt", "apt.", "apto", "apto."})
_EXTERIOR_MARKERS = frozenset({"#", "no", "no.", "num", "num.", "núm", "núm.", "numero", "número", "nº", "n°"})
_ATTACHED_EXTERIOR = re.compile(r"^(?:#|no\.|num\.|núm\.|n[º°])(\d[\w/-]*)$", re.IGNORECASE)
_MARKED_NUMBER = re.compile(r"^\d[\w/-]*$")  # after an explicit marker: 25, 45-B, 12/3
_BARE_NUMBER = re.compile(r"^\d+(?:-?[A-Za-z])?$")  # without a marker: digits, optionally -letter or letter
_NO_NUMBER = re.compile(r"^s/n\.?$", re.IGNORECASE)
# words that name the kind of street: "Calle 10" is a street's name, not "Calle" number 10
_STREET_TYPES = frozenset({
    "calle", "c", "av", "ave", "avenida", "blvd", "boulevard", "bulevar", "calz", "calzada", "priv", "privada",
    "cda", "cerrada", "and", "andador", "callejón", "callejon", "cjon", "prol", "prolongación", "prolongacion",
    "cto", "circuito", "carr", "carretera", "camino", "ret", "retorno", "paseo", "periférico", "periferico", "eje",
})


def _is_bare_number(token):
    return bool(_BARE_NUMBER.match(token) or _NO_NUMBER.match(token))


def _number(token):
    return "S/N" if _NO_NUMBER.match(token) else token


def _exterior(tokens):
    """(street tokens, exterior number) from the tokens before any interior part."""
    if not tokens:
        return tokens, ""
    last = tokens[-1]
    attached = _ATTACHED_EXTERIOR.match(last)
    if attached and len(tokens) > 1:
        return tokens[:-1], attached.group(1)
    if len(tokens) >= 2 and tokens[-2].lower() in _EXTERIOR_MARKERS \
            and (_MARKED_NUMBER.match(last) or _NO_NUMBER.match(last)):
        return tokens[:-2], _number(last)
    before = tokens[:-1]
    if _is_bare_number(last) and any(word.lower().rstrip(".") not in _STREET_TYPES for word in before) \
            and before[-1].lower() not in _INTERIOR_DROPPED | _INTERIOR_KEPT:
        return before, _number(last)
    return tokens, ""


def split_street(street):
    """Split a Mexican street line kept in one field into street, exterior and interior number.

    Conservative: the exterior number is the number after an explicit marker (``#``, ``No.``, ``Núm.``...)
    or the last number-like token (``222``, ``45-B``, ``12A``, ``S/N``) when some other word is left for the
    street (``Calle 10`` stays whole); the interior part starts at ``Int.``/``Interior`` (the marker is
    dropped) or, right after the exterior number, at ``Depto``, ``Piso``, ``Local``, ``Oficina``, ``Apt``...
    (the marker is kept). Anything else stays in ``street``.

    :param str street: e.g. ``"Calle 10 No. 25 Depto 3"``
    :rtype: StreetParts
    """
    tokens = _text(street).replace(",", " ").split()
    interior = ""
    for index in range(1, len(tokens) - 1):
        word = tokens[index].lower()
        if word in _INTERIOR_DROPPED:
            interior = " ".join(tokens[index + 1:]).lstrip("#").strip()
        elif word in _INTERIOR_KEPT and _is_bare_number(tokens[index - 1]):
            interior = " ".join(tokens[index:])
        else:
            continue
        tokens = tokens[:index]
        break
    tokens, exterior = _exterior(tokens)
    return StreetParts(street=" ".join(tokens), exterior=exterior, interior=interior)


# -- multichannel order checks ------------------------------------------------------------------

# (attribute of FulfillmentOrder, the seed's field, the message when it is blank)
_REQUIRED = (
    ("num_orden", "num_orden", _("Order %(order)s: the order number (%(field)s) is missing.")),
    ("orden_id", "orden_id", _("Order %(order)s: the seller's order id (%(field)s) is missing.")),
    ("customer", "customer", _("Order %(order)s: the recipient's name (%(field)s) is missing.")),
    ("carrier", "carrier_name", _("Order %(order)s: the carrier (%(field)s) is missing.")),
    ("phone", "telefono", _("Order %(order)s: the recipient's phone number (%(field)s) is missing.")),
    ("street", "calle", _("Order %(order)s: the street of the delivery address (%(field)s) is missing.")),
    ("exterior_number", "no_exterior",
     _("Order %(order)s: the exterior number of the delivery address (%(field)s) is missing: write it after "
       "the street, or S/N when the building has none.")),
    ("colonia", "colonia", _("Order %(order)s: the neighbourhood of the delivery address (%(field)s) is missing.")),
    ("city", "ciudad", _("Order %(order)s: the city of the delivery address (%(field)s) is missing.")),
    ("state", const.STATE_FIELD, _("Order %(order)s: the state of the delivery address (%(field)s) is missing.")),
    ("postal_code", "codigo_postal",
     _("Order %(order)s: the postal code of the delivery address (%(field)s) is missing.")),
    ("canal", "canal", _("Order %(order)s: the sales channel (%(field)s) is missing.")),
    ("tipo_envio", "tipo_envio", _("Order %(order)s: the shipping type (%(field)s) is missing.")),
)


def carrier_name(carrier):
    """The seed's spelling of a carrier Marketful accepts (case-insensitive), or ``""``."""
    wanted = _text(carrier).lower()
    return next((name for name in const.CARRIERS if name.lower() == wanted), "")


def fulfillment_problems(order):
    """What stops ``order`` from being sent to Marketful, before any call (empty when it can be sent).

    :param FulfillmentOrder order:
    :return: one :class:`Problem` per broken rule, naming the field in words and as the seed spells it
    :rtype: list[Problem]
    """
    number = _text(order.num_orden) or "?"
    problems = [Problem(template, {"order": number, "field": field})
                for attribute, field, template in _REQUIRED if not _text(getattr(order, attribute))]
    if _text(order.carrier) and not carrier_name(order.carrier):
        problems.append(Problem(
            _("Order %(order)s: carrier %(carrier)s is not one Marketful accepts (%(carriers)s)."),
            {"order": number, "carrier": _text(order.carrier), "carriers": ", ".join(const.CARRIERS)}))
    if _text(order.state) and not mx_state(order.state):
        problems.append(Problem(
            _("Order %(order)s: the state %(state)s is not a Mexican state code: use the state of Odoo's "
              "address (such as JAL) or Marketful's MX-XX (such as MX-JA)."),
            {"order": number, "state": _text(order.state)}))
    if _text(order.tipo_envio) and _text(order.tipo_envio).lower() not in const.SHIPPING_ALIASES:
        problems.append(Problem(
            _("Order %(order)s: the shipping type %(value)s must be %(types)s."),
            {"order": number, "value": _text(order.tipo_envio), "types": " / ".join(const.SHIPPING_TYPES)}))
    if not order.items:
        problems.append(Problem(_("Order %(order)s has no items."), {"order": number}))
    for index, line in enumerate(order.items, start=1):
        if not _text(line.sku):
            problems.append(Problem(_("Order %(order)s, line %(line)s: the SKU is missing."),
                                    {"order": number, "line": index}))
        quantity = line.cantidad
        if not isinstance(quantity, (int, float)) or isinstance(quantity, bool) or quantity <= 0 \
                or (isinstance(quantity, float) and not quantity.is_integer()):
            problems.append(Problem(_("Order %(order)s, line %(line)s: the quantity must be a whole number "
                                      "above zero."), {"order": number, "line": index}))
    return problems


__all__ = ["Problem", "StreetParts", "carrier_name", "fulfillment_problems", "mx_state", "split_street"]
