"""Shared building blocks: the request/response records, the marketplace interface and helpers."""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any


class BadRequest(Exception):
    """Raised by handlers on invalid input; the caller answers with a 400 carrying the message."""


@dataclass
class Request:
    """One HTTP request as the sandbox sees it (path without query string, first value per query name)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """Body parsed as JSON (an empty body is ``None``); ``BadRequest`` when malformed."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise BadRequest(f"Request body is not valid UTF-8: {exc}") from exc
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise BadRequest(f"Request body is not valid JSON: {exc.msg} ({where})") from exc


@dataclass
class Response:
    """An answer: a JSON-serialisable body (``None`` for no body, ``bytes`` sent as is) plus extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def encode(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def json_response(status: int, body: Any, **headers: str) -> Response:
    return Response(status, body, dict(headers))


def message(status: int, text: str) -> Response:
    """The plain ``{"message": ...}`` body used by the control API and the API-gateway style errors."""
    return Response(status, {"message": text})


NOT_FOUND = "Not Found"


def not_found() -> Response:
    return message(404, NOT_FOUND)


def method_not_allowed() -> Response:
    return message(405, "Method Not Allowed")


def expect_object(value: Any, what: str) -> dict:
    """``value`` when it is a JSON object, ``{}`` for ``None``; ``BadRequest`` otherwise."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(f"{what} must be a JSON object")
    return value


def expect_int(value: Any, what: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer (booleans refused) within the bounds; ``BadRequest`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{what} must be an integer")
    if minimum is not None and value < minimum:
        raise BadRequest(f"{what} must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise BadRequest(f"{what} must be at most {maximum}")
    return value


def expect_number(value: Any, what: str, minimum: float | None = None, maximum: float | None = None) -> float:
    """A number (booleans refused) within the bounds; ``BadRequest`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadRequest(f"{what} must be a number")
    if minimum is not None and value < minimum:
        raise BadRequest(f"{what} must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise BadRequest(f"{what} must be at most {maximum}")
    return float(value)


def loggable_body(body: bytes) -> Any:
    """A request body as the request log keeps it: parsed JSON, else text, ``None`` when empty."""
    if not body.strip():
        return None
    text = body.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


class Marketplace:
    """What a played marketplace provides to the generic server.

    ``name`` is both the URL prefix of its API (``/<name>/...``) and its namespace in the control API
    (``/_sandbox/<name>/...``). Implementations keep their own state behind their own lock.
    """

    name = ""

    def reset(self, seed: int, options: dict) -> dict:
        """Drop all state and regenerate it from ``seed`` and ``options``; returns a summary."""
        raise NotImplementedError

    def is_authorized(self, request: Request) -> bool:
        """Whether the request carries valid credentials (recorded in the request log)."""
        raise NotImplementedError

    def handle(self, request: Request, path: str) -> Response:
        """Answer a marketplace API request; ``path`` is the request path without the ``/<name>`` prefix."""
        raise NotImplementedError

    def error_response(self, status: int, text: str) -> Response:
        """The marketplace's own error body for an injected 5xx fault or an unexpected failure."""
        return message(status, text)

    def control(self, request: Request, path: str) -> Response | None:
        """Answer ``/_sandbox/<name><path>``; ``None`` when the path is unknown."""
        return None


def route_control(owner: Any, routes: list, request: Request, path: str) -> Response | None:
    """Dispatch a control request through ``[(compiled pattern, {method: handler name})]``: the
    handler ``owner.<name>(request, key)`` gets the pattern's ``key`` group (or ``None``); ``None``
    when no pattern matches."""
    path = path.rstrip("/")
    for pattern, methods in routes:
        match = pattern.match(path)
        if match:
            handler = methods.get(request.method)
            if handler is None:
                return method_not_allowed()
            return getattr(owner, handler)(request, match.groupdict().get("key"))
    return None


def send_json(url: str, payload: Any, headers: dict | None = None, timeout: float = 5) -> tuple[int | None, str | None]:
    """POST ``payload`` as JSON to a URL the test configured (a webhook into the module).

    :return: ``(HTTP status or None when unreachable, error text or None)``; never raises
    """
    outgoing = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                      headers={"Content-Type": "application/json", **(headers or {})}, method="POST")
    try:
        with urllib.request.urlopen(outgoing, timeout=timeout) as answer:  # noqa: S310 - configured URL
            return answer.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, str(exc)
    except (OSError, ValueError) as exc:  # refused, timeout, bad URL
        return None, f"{type(exc).__name__}: {exc}"
