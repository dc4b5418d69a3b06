"""Calls from the seller center to the module: ``PATCH notifyproduct`` and ``PATCH notifyoffer``.

The module's endpoints and Basic credentials are configured through ``POST /_sandbox/exito/callbacks``.
Automatic callbacks go out in a background thread; every attempt lands in a log readable through
``GET /_sandbox/exito/callbacks/log``.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any

from .core import BadRequest, expect_object

TIMEOUT = 10
DEFAULTS: dict[str, Any] = {"notifyproduct_url": None, "notifyoffer_url": None, "username": "", "password": "",
                            "auto": True, "hold": False}
MAX_ANSWER = 64 * 1024


class Callbacks:
    """Configuration, sending and log of the callbacks (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._config = dict(DEFAULTS)
            self._log: list[dict] = []
            self._held: list[tuple[str, list[dict]]] = []
            self._generation = getattr(self, "_generation", 0) + 1  # late threads of a previous run log nothing

    # -- configuration -------------------------------------------------------------------------------

    def configure(self, body: Any) -> dict:
        """Update the given settings (validated first, so a bad body changes nothing)."""
        body = expect_object(body, "Callbacks body")
        unknown = sorted(set(body) - set(DEFAULTS))
        if unknown:
            raise BadRequest(f"Unknown callback settings: {', '.join(unknown)}")
        for key in ("notifyproduct_url", "notifyoffer_url"):
            value = body.get(key)
            if value is not None and (not isinstance(value, str) or not value.startswith(("http://", "https://"))):
                raise BadRequest(f"{key} must be an http(s) URL or null")
        for key in ("username", "password"):
            if key in body and not isinstance(body[key], str):
                raise BadRequest(f"{key} must be a string")
        for key in ("auto", "hold"):
            if key in body and not isinstance(body[key], bool):
                raise BadRequest(f"{key} must be true or false")
        with self._lock:
            self._config.update(body)
        return self.settings()

    def settings(self) -> dict:
        """The settings, with the password hidden."""
        with self._lock:
            return {**self._config, "password": "***" if self._config["password"] else ""}

    @property
    def auto(self) -> bool:
        with self._lock:
            return self._config["auto"]

    def url(self, kind: str) -> str | None:
        with self._lock:
            return self._config[f"notify{kind}_url"]

    def log(self) -> list[dict]:
        with self._lock:
            return [dict(entry) for entry in self._log]

    # -- sending -------------------------------------------------------------------------------------

    def send_later(self, kind: str, payload: list[dict]) -> bool:
        """Send in a background thread when ``auto`` is on and the URL is set; whether it was started."""
        if not payload or not self.auto or not self.url(kind):
            return False
        with self._lock:
            if self._config["hold"]:
                # Held until POST /_sandbox/exito/callbacks/flush: a test decides when they arrive.
                self._held.append((kind, payload))
                return True
        threading.Thread(target=self.send, args=(kind, payload), name=f"exito-notify{kind}", daemon=True).start()
        return True

    def flush(self) -> list[dict]:
        """Send the held automatic callbacks now, in order; their results."""
        with self._lock:
            held, self._held = self._held, []
        return [{"kind": kind, **self.send(kind, payload)} for kind, payload in held]

    def send(self, kind: str, payload: list[dict]) -> dict:
        """``PATCH notify<kind>`` now; returns (and logs) ``{"status", "body", "error"}``."""
        with self._lock:
            config = dict(self._config)
            generation = self._generation
        url = config[f"notify{kind}_url"]
        if not url:
            raise BadRequest(f"notify{kind}_url is not configured: POST /_sandbox/exito/callbacks first")
        credentials = base64.b64encode(f"{config['username']}:{config['password']}".encode()).decode("ascii")
        request = urllib.request.Request(
            url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"), method="PATCH",
            headers={"Content-Type": "application/json", "Authorization": f"Basic {credentials}"})
        result: dict[str, Any] = {"status": None, "body": None, "error": None}
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 - configured URL
                result.update(status=answer.status, body=answer.read(MAX_ANSWER).decode("utf-8", errors="replace"))
        except urllib.error.HTTPError as exc:
            result.update(status=exc.code, body=exc.read(MAX_ANSWER).decode("utf-8", errors="replace"),
                          error=f"HTTP {exc.code}")
        except (OSError, ValueError) as exc:  # refused, timeout, bad URL
            result["error"] = f"{type(exc).__name__}: {exc}"
        entry = {"kind": kind, "url": url, "payload": payload, **result,
                 "at": datetime.now(UTC).isoformat(timespec="milliseconds")}
        with self._lock:
            if generation == self._generation:
                self._log.append(entry)
        return result
