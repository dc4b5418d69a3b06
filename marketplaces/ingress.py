"""What every callback route checks in what a stranger sends, before anything is stored (no Odoo).

The Odoo side (``controllers/ingress.py``) runs these steps in this order, and answers each refusal
with its status and nothing written:

1. the URL token's format (:func:`valid_token`): anything but the characters and length that
   :func:`new_token` makes is a 404, before any SQL (a ``%00`` would make PostgreSQL raise);
2. the account lookup and the marketplace's authentication (Odoo side);
3. the body, read by :func:`read_body` up to the route's limit on the bytes actually read, so that a
   chunked body (no ``Content-Length``) cannot pass a limit that only looks at the header (413);
4. :func:`parse_json`: UTF-8 JSON that PostgreSQL's ``jsonb`` can store and Python can walk, refusing
   NUL characters, lone surrogates, ``NaN``/``Infinity`` and nesting deeper than :data:`MAX_DEPTH`
   (found by a linear scan before parsing, so never a ``RecursionError``) (400);
5. the marketplace's own validation, then one idempotent insert (Odoo side).
"""

import json
import re
import secrets

#: what :func:`new_token` makes (``secrets.token_urlsafe(24)``: 32 characters); a little slack on the
#: length so that a later, longer token stays valid
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,128}")
#: nesting levels of arrays and objects a callback body may have (the marketplaces' bodies have 4 or 5)
MAX_DEPTH = 32
#: bytes read from the request stream at a time
READ_CHUNK = 64 * 1024
#: bytes of an oversized body read and thrown away before answering 413, so that a sender still
#: sending gets the answer instead of a reset connection; a longer body is cut off
DRAIN_LIMIT = 16 * 1024 * 1024

# A JSON string, escapes included (the unrolled form matches in linear time), and the brackets left.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class Refusal(Exception):
    """A request the ingress path refuses: ``status`` is the HTTP answer, ``reason`` a short code
    for the log (never the body), the message the answer's text for the sender."""

    status = 400
    reason = "bad_request"

    def __init__(self, message="", status=None, reason=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if reason is not None:
            self.reason = reason


class UnknownToken(Refusal):
    status = 404
    reason = "unknown_token"


class Unauthorized(Refusal):
    status = 401
    reason = "unauthorized"


class TooLarge(Refusal):
    status = 413
    reason = "too_large"


class BadBody(Refusal):
    status = 400
    reason = "bad_body"


def new_token():
    """A new random URL token (never a database id)."""
    return secrets.token_urlsafe(24)


def valid_token(token):
    """Whether ``token`` has the format of a URL token; anything else is refused before any lookup."""
    return isinstance(token, str) and TOKEN_PATTERN.fullmatch(token) is not None


def read_body(stream, limit, content_length=None):
    """Read the request body from ``stream``, at most ``limit`` bytes.

    :param stream: the raw input (a chunked body is already de-chunked by the server)
    :param int content_length: the ``Content-Length`` header, if any: a larger one is refused unread
    :raise TooLarge: when the header or the bytes read pass ``limit``
    :raise BadBody: when the stream breaks (invalid chunked encoding, client gone)
    :rtype: bytes
    """
    if content_length is not None and content_length > limit:
        raise TooLarge(f"Body over {limit} bytes")
    chunks, size = [], 0
    try:
        while size <= limit:
            chunk = stream.read(min(READ_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError:
        raise BadBody("The body could not be read") from None
    if size > limit:
        raise TooLarge(f"Body over {limit} bytes")
    return b"".join(chunks)


def drain(stream, budget=DRAIN_LIMIT):
    """Read and drop what is left of a refused body, at most ``budget`` bytes.

    :return: whether the body ended within the budget
    """
    try:
        while budget > 0:
            chunk = stream.read(min(READ_CHUNK, budget))
            if not chunk:
                return True
            budget -= len(chunk)
    except OSError:
        return False
    return False


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text):
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return value


def nesting_depth_exceeds(text, max_depth=MAX_DEPTH):
    """Whether arrays and objects in ``text`` nest deeper than ``max_depth`` (brackets inside strings
    do not count). Linear in the length of ``text``, and without recursion."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    depth = 0
    for match in _BRACKETS.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > max_depth:
                return True
        else:
            depth -= 1
    return False


def _storable_text(value):
    return "\x00" not in value and not _SURROGATE.search(value)


def _check_strings(value):
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not _storable_text(item):
                raise BadBody("The body contains a NUL character or a lone surrogate")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def parse_json(raw, max_depth=MAX_DEPTH):
    """Parse a callback body into what PostgreSQL's ``jsonb`` and the mappings can take.

    A UTF-8 byte order mark is tolerated (senders are not always tidy).

    :param bytes raw: the body as read
    :raise BadBody: on invalid UTF-8, invalid JSON, ``NaN`` / ``Infinity`` or out-of-range numbers,
        a NUL character or a lone surrogate in any string (keys included), nesting over ``max_depth``
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("The body is not UTF-8") from None
    text = text.removeprefix("\ufeff")
    if nesting_depth_exceeds(text, max_depth):
        raise BadBody(f"The body nests deeper than {max_depth} levels")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as error:
        raise BadBody(f"The body is not JSON: {error}") from None
    # Strict JSON takes no raw control character inside a string, and valid UTF-8 has no surrogate:
    # both can only come from a \u escape.
    if "\\u" in text:
        _check_strings(value)
    return value
