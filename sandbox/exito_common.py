"""What every part of the Éxito sandbox shares: the error envelope, constants and input checks.

Input checks raise :class:`BadRequest` with a message naming the field; the marketplace answers it with
the seller center's 400 envelope.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .core import BadRequest, Response, json_response

CULTURES = ("es-CO", "en-US")
ERROR_MESSAGE = "Ooops, ocurrió un error."
SELLER_ID = 11618
MAX_ROWS = 400  # products: the seed's limit of 400 EANs; offers: the same limit, chosen
INT_RE = re.compile(r"^[+-]?[0-9]+$")
DIGITS_RE = re.compile(r"^[0-9]+$")


def envelope_error(status: int, text: str, code: str | None = None) -> Response:
    """The seller center's error envelope (as in the seed's sticker 400 answer)."""
    body = {"errors": [{"code": code or str(status), "message": text}], "data": None,
            "message": ERROR_MESSAGE, "pendingResponse": False}
    return json_response(status, body)


def require_culture(query: dict[str, str]) -> str:
    culture = query.get("culture")
    if culture not in CULTURES:
        raise BadRequest(f"The culture parameter is required and must be one of {', '.join(CULTURES)}.")
    return culture


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def body_object(body: Any, what: str = "The request body") -> dict:
    if not isinstance(body, dict):
        raise BadRequest(f"{what} must be a JSON object, got {json_type(body)}.")
    return body


def required_string(body: dict, name: str, where: str = "") -> str:
    """``body[name]`` as a non-empty string; ``BadRequest`` naming the field otherwise."""
    value = body.get(name)
    if name not in body or value is None:
        raise BadRequest(f"{where}The field '{name}' is required.")
    if not isinstance(value, str):
        raise BadRequest(f"{where}The field '{name}' must be a string, got {json_type(value)}.")
    if not value.strip():
        raise BadRequest(f"{where}The field '{name}' must not be empty.")
    return value


def integer_value(value: Any, *, allow_decimals: bool = True) -> int | None:
    """The integer a JSON value stands for (``16000``, ``16000.0``, ``"16000"``, ``"16000.00"``), else ``None``.

    Booleans are never numbers. With ``allow_decimals`` false only digits (or an int) are accepted.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if allow_decimals and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if DIGITS_RE.fullmatch(text):
            return int(text)
        if allow_decimals and re.fullmatch(r"[0-9]+\.[0-9]+", text):
            try:
                number = Decimal(text)
            except InvalidOperation:
                return None
            return int(number) if number == number.to_integral_value() else None
    return None


def scalar(value: Any) -> bool:
    """Whether a JSON value is a string or a number (what the seed's numeric fields may hold)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


DATE_RE = re.compile(r"^\d{4}/\d{2}/\d{2}$")


def int_param(query: dict[str, str], name: str) -> int | None:
    value = query.get(name)
    if value is None or value == "":
        return None
    if not INT_RE.fullmatch(value.strip()):
        raise BadRequest(f"The {name} parameter must be an integer, got {value!r}.")
    return int(value)


def date_param(query: dict[str, str], name: str) -> date | None:
    value = query.get(name)
    if not value:
        return None
    if DATE_RE.fullmatch(value):
        with contextlib.suppress(ValueError):
            return datetime.strptime(value, "%Y/%m/%d").date()
    raise BadRequest(f"The {name} parameter must be a date in the format yyyy/MM/dd, got {value!r}.")


def token_id(value: str | None) -> int:
    """The ``Id`` of a DynamoDB style pagination token; 0 (before everything) when absent or ``{}``."""
    if value is None or value.strip() in ("", "{}"):
        return 0
    try:
        parsed = json.loads(value)
        number = parsed["Id"]["N"]
        if not isinstance(number, (str, int)) or isinstance(number, bool) or not INT_RE.fullmatch(str(number)):
            raise ValueError(number)
        return int(number)
    except (ValueError, TypeError, KeyError) as exc:
        raise BadRequest(f"The paginationToken parameter is not a valid pagination token: {value!r}.") from exc


def page_token(last_id: Any, seller: Any = SELLER_ID) -> str:
    return json.dumps({"Id": {"N": str(last_id)}, "IdSeller": {"N": str(seller)}}, separators=(",", ":"))
