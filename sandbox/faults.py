"""Fault injection and the log of received marketplace requests (both thread-safe)."""

from __future__ import annotations

import random
import threading
from typing import Any

from .core import BadRequest, expect_int, expect_number, expect_object

#: Faults accepted in ``fail_next``; each applies to one marketplace request. ``drop`` closes the
#: connection before the request is processed; ``answer_then_drop`` processes it fully (state changes
#: happen, e.g. iMotriz marks orders synced) and then closes the connection without sending the answer.
FAULT_KINDS = ("500", "502", "503", "429", "timeout", "drop", "answer_then_drop", "ok")

DEFAULTS: dict[str, Any] = {
    "error_rate": 0.0,
    "retry_after": 1,
    "latency_ms": 0,
    "timeout_seconds": 5,
}


class Faults:
    """Settings of injected faults, changed through ``/_sandbox/faults``.

    ``fail_next`` is consumed one entry per marketplace request; ``error_rate`` draws from an RNG of its own
    (seeded on reset) so it never disturbs the data generators.
    """

    def __init__(self, seed: int = 1) -> None:
        self._lock = threading.Lock()
        self.reset(seed)

    def reset(self, seed: int) -> None:
        with self._lock:
            self._settings = dict(DEFAULTS)
            self._fail_next: list[str] = []
            self._rng = random.Random(f"faults-{seed}")

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {**self._settings, "fail_next": list(self._fail_next)}

    def update(self, body: Any) -> dict[str, Any]:
        """Apply the given subset of settings (validated first, so a bad body changes nothing)."""
        body = expect_object(body, "Faults body")
        unknown = sorted(set(body) - set(DEFAULTS) - {"fail_next"})
        if unknown:
            raise BadRequest(f"Unknown fault settings: {', '.join(unknown)}")
        new: dict[str, Any] = {}
        if "error_rate" in body:
            new["error_rate"] = expect_number(body["error_rate"], "error_rate", 0.0, 1.0)
        if "retry_after" in body:
            new["retry_after"] = expect_int(body["retry_after"], "retry_after", 0)
        if "latency_ms" in body:
            new["latency_ms"] = expect_number(body["latency_ms"], "latency_ms", 0, 600_000)
        if "timeout_seconds" in body:
            new["timeout_seconds"] = expect_number(body["timeout_seconds"], "timeout_seconds", 0, 3600)
        fail_next = None
        if "fail_next" in body:
            fail_next = self._parse_fail_next(body["fail_next"])
        with self._lock:
            self._settings.update(new)
            if fail_next is not None:
                self._fail_next = fail_next
        return self.snapshot()

    @staticmethod
    def _parse_fail_next(value: Any) -> list[str]:
        if not isinstance(value, list):
            raise BadRequest("fail_next must be a list")
        kinds = []
        for item in value:
            kind = str(item) if isinstance(item, (str, int)) and not isinstance(item, bool) else None
            if kind not in FAULT_KINDS:
                raise BadRequest(f"fail_next entries must be one of {', '.join(FAULT_KINDS)}; got {item!r}")
            kinds.append(kind)
        return kinds

    def draw(self) -> tuple[str | None, dict[str, Any]]:
        """The fault for the next marketplace request (or ``None``) and the settings to apply it with."""
        with self._lock:
            settings = dict(self._settings)
            if self._fail_next:
                kind = self._fail_next.pop(0)
                return (None if kind == "ok" else kind), settings  # "ok": this request goes through
            if settings["error_rate"] > 0 and self._rng.random() < settings["error_rate"]:
                return "500", settings
            return None, settings


#: body keys whose values the request log never keeps (credentials of token requests), compared
#: without case and underscores: client_secret, clientSecret, password, secret
SECRET_KEYS = frozenset({"clientsecret", "password", "secret"})


def _without_secrets(body: Any) -> Any:
    """``body`` with the values of credential keys replaced by ``***`` (at any depth)."""
    if isinstance(body, dict):
        return {key: "***" if isinstance(key, str) and key.replace("_", "").lower() in SECRET_KEYS
                else _without_secrets(value) for key, value in body.items()}
    if isinstance(body, list):
        return [_without_secrets(value) for value in body]
    return body


class RequestLog:
    """Received marketplace requests, without credentials."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []

    def add(self, method: str, path: str, query: dict[str, str], status: int | str, authorized: bool,
            body: Any = None) -> None:
        """Record a request; ``body`` is the parsed JSON body (or its text), never a header."""
        entry = {"method": method, "path": path, "query": dict(query), "status": status, "authorized": authorized,
                 "body": _without_secrets(body)}
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(entry, query=dict(entry["query"])) for entry in self._entries]

    def clear(self) -> int:
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            return count
