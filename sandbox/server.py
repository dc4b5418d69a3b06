"""Generic sandbox server: routing to the played marketplaces, fault injection, request log and control API.

A marketplace (see :class:`sandbox.core.Marketplace`) serves its API under ``/<name>/...`` and may add
control routes under ``/_sandbox/<name>/...``. Faults and the request log apply to marketplace requests
only, never to the control API.
"""

from __future__ import annotations

import sys
import threading
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote

from .core import (
    BadRequest,
    Marketplace,
    Request,
    Response,
    expect_int,
    expect_object,
    json_response,
    loggable_body,
    message,
    method_not_allowed,
    not_found,
)
from .exito import ExitoMarketplace
from .faults import Faults, RequestLog
from .imotriz import ImotrizMarketplace
from .marketful import MarketfulMarketplace
from .xmart import XmartMarketplace
from .xstak import XstakMarketplace

MAX_BODY = 10 * 1024 * 1024
MAX_DRAIN = 64 * 1024 * 1024  # larger refused bodies are not read, the connection is just closed
CONTROL_PREFIX = "/_sandbox"
CONTROL_ROUTES = {"/health": ("GET",), "/reset": ("POST",), "/faults": ("GET", "POST"),
                  "/requests": ("GET", "DELETE")}


class Sandbox:
    """The application: marketplaces, faults and request log, independent of HTTP plumbing."""

    def __init__(self, seed: int = 1, marketplaces: list[Marketplace] | None = None) -> None:
        self.seed = seed
        marketplaces = marketplaces or [ExitoMarketplace(), ImotrizMarketplace(), XstakMarketplace(),
                                        MarketfulMarketplace(), XmartMarketplace()]
        self.marketplaces = {mp.name: mp for mp in marketplaces}
        self.faults = Faults(seed)
        self.log = RequestLog()
        self.reset({})

    def reset(self, body: object) -> dict:
        """Clear every state (orders, faults, request log) and regenerate the marketplaces' data."""
        body = expect_object(body, "Reset body")
        unknown = sorted(set(body) - {"seed"} - set(self.marketplaces))
        if unknown:
            raise BadRequest(f"Unknown reset keys: {', '.join(unknown)}")
        seed = self.seed if body.get("seed") is None else expect_int(body["seed"], "seed")
        summary = {name: mp.reset(seed, body.get(name)) for name, mp in self.marketplaces.items()}
        self.faults.reset(seed)
        self.log.clear()
        return summary

    def marketplace_for(self, path: str) -> tuple[Marketplace, str] | None:
        """The marketplace serving ``path`` and the path below its prefix, if any."""
        name, _, rest = path.lstrip("/").partition("/")
        marketplace = self.marketplaces.get(name)
        return (marketplace, "/" + rest) if marketplace else None

    def control(self, request: Request) -> Response:
        """Answer a ``/_sandbox/...`` request."""
        path = request.path[len(CONTROL_PREFIX):].rstrip("/") or "/"
        methods = CONTROL_ROUTES.get(path)
        if methods is None:
            target = self.marketplace_for(path)
            answer = target[0].control(request, target[1]) if target else None
            return answer or not_found()
        if request.method not in methods:
            return method_not_allowed()
        if path == "/health":
            return json_response(200, {"status": "ok"})
        if path == "/reset":
            return json_response(200, self.reset(request.json()))
        if path == "/faults":
            return json_response(200, self.faults.update(request.json()) if request.method == "POST"
                                 else self.faults.snapshot())
        if request.method == "DELETE":
            return json_response(200, {"deleted": self.log.clear()})
        return json_response(200, self.log.entries())


class _Refused(Exception):
    """A request refused before dispatch (body too large, bad length); the connection is closed after."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "MarketplaceSandbox/1.0"
    server: SandboxServer

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    # -- dispatch ------------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        app = self.server.app
        path, query_string = self._split_target()
        query: dict[str, str] = {}
        for name, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(name, value)
        headers = {name.lower(): value for name, value in self.headers.items()}
        is_control = path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")
        target = None if is_control else app.marketplace_for(path)
        try:
            body = self._read_body()
        except _Refused as refused:
            self.close_connection = True
            status = self._send(refused.response)
            if target:
                app.log.add(self.command, path, query, status, target[0].is_authorized(
                    Request(self.command, path, query, headers)))
            return
        request = Request(self.command, path, query, headers, body)
        if target is None:
            self._send(self._safely(lambda: app.control(request) if is_control else not_found()))
        else:
            self._serve_marketplace(target[0], target[1], request)

    def _serve_marketplace(self, marketplace: Marketplace, subpath: str, request: Request) -> None:
        app = self.server.app
        authorized = marketplace.is_authorized(request)
        fault, settings = app.faults.draw()
        if settings["latency_ms"]:
            self.server.stopping.wait(settings["latency_ms"] / 1000)
        # The request is logged before its answer goes out: a client that sends its next request as
        # soon as it has the answer always finds this one logged first.
        response = None
        status: int | str = fault or ""
        if fault == "answer_then_drop":  # processed (state changed), then the answer is lost
            self._safely(lambda: marketplace.handle(request, subpath), marketplace)
        elif fault in ("500", "502", "503"):
            response = marketplace.error_response(int(fault), HTTPStatus(int(fault)).phrase)
        elif fault == "429":
            response = Response(429, {"message": "Too Many Requests"}, {"Retry-After": str(settings["retry_after"])})
        elif fault != "drop":
            if fault == "timeout":
                self.server.stopping.wait(settings["timeout_seconds"])
            response = self._safely(lambda: marketplace.handle(request, subpath), marketplace)
        if response is not None:
            status = response.status
        app.log.add(request.method, request.path, request.query, status, authorized, loggable_body(request.body))
        if response is None:
            self.close_connection = True
            self._log_line(status)
        else:
            self._send(response)

    @staticmethod
    def _safely(answer, marketplace: Marketplace | None = None) -> Response:
        """Run a handler; bad input gives a 400 and an unexpected failure is logged, never answered 500."""
        def error(text: str) -> Response:
            return marketplace.error_response(400, text) if marketplace else message(400, text)

        try:
            return answer()
        except BadRequest as exc:
            return error(str(exc))
        except Exception as exc:  # noqa: BLE001 - the sandbox must keep answering
            traceback.print_exc(file=sys.stderr)
            return error(f"The sandbox could not process the request ({type(exc).__name__}: {exc})")

    # -- I/O -----------------------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise _Refused(message(411, "Length Required: send a Content-Length"))
        raw = self.headers.get("Content-Length")
        if raw is None:
            return b""
        try:
            length = int(raw)
            if length < 0:
                raise ValueError(raw)
        except ValueError:
            raise _Refused(message(400, f"Invalid Content-Length: {raw!r}")) from None
        if length > MAX_BODY:
            if length <= MAX_DRAIN:  # read it away so the client, still sending, gets to see the answer
                remaining = length
                while remaining > 0 and (chunk := self.rfile.read(min(remaining, 1 << 20))):
                    remaining -= len(chunk)
            raise _Refused(message(413, f"Request body larger than {MAX_BODY} bytes"))
        return self.rfile.read(length)

    def _send(self, response: Response) -> int:
        """Write the response (ignoring a client that went away) and return its status."""
        payload = response.encode()
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
        self._log_line(response.status)
        return response.status

    def _split_target(self) -> tuple[str, str]:
        """Path and query string of the request target (not ``urlsplit``: ``//x`` is a path here, not a host)."""
        target = self.path.partition("#")[0]
        if "://" in target.partition("?")[0]:  # absolute form: http://host/path?query
            target = "/" + target.partition("://")[2].partition("/")[2]
        path, _, query = target.partition("?")
        return unquote(path) or "/", query

    def _log_line(self, status: int | str) -> None:
        if self.server.log_requests:
            path = self._split_target()[0]
            sys.stderr.write(f"{self.address_string()} {self.command} {path} {status}\n")
            sys.stderr.flush()

    def log_request(self, code="-", size="-") -> None:
        """Silenced: :meth:`_log_line` writes one line per request, without any header."""

    def log_message(self, fmt, *args) -> None:
        if self.server.log_requests:  # only protocol errors (malformed request line...) come here
            return super().log_message(fmt, *args)
        return None

    def version_string(self) -> str:
        return self.server_version


class SandboxServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with daemon threads, holding the :class:`Sandbox` application."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: Sandbox, log_requests: bool = True) -> None:
        self.app = app
        self.log_requests = log_requests
        self.stopping = threading.Event()  # ends injected sleeps early on shutdown
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def shutdown(self) -> None:
        self.stopping.set()
        return super().shutdown()

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that went away (timeouts, drops) is normal here
        super().handle_error(request, client_address)


def start_in_thread(host: str = "127.0.0.1", port: int = 0, *, seed: int = 1, marketplaces=None,
                    log_requests: bool = True) -> tuple[SandboxServer, threading.Thread]:
    """Start a sandbox in a daemon thread (port 0 picks a free port); stop it with ``server.shutdown()``."""
    server = SandboxServer((host, port), Sandbox(seed, marketplaces), log_requests=log_requests)
    thread = threading.Thread(target=server.serve_forever, name="sandbox", daemon=True)
    thread.start()
    return server, thread
