"""The one ingress path of every marketplace callback route.

A route is a thin declaration (:class:`Ingress`): its marketplace, its size limit, how the sender
authenticates, and how a parsed body becomes the jobs to store. :func:`receive` runs the same steps
for all of them, in this order, and answers every refusal itself, with nothing written and nothing
logged above INFO (never the body, never a token or a secret):

======================================================  =======================================
check                                                   refused with
======================================================  =======================================
URL token of the token format (``%00``, other charset,  404
wrong length: never reaches SQL)
one indexed lookup of the active account by token and   404 (Éxito) or 403 (Marketful, X-Mart),
marketplace (cached per worker)                         as the route declares
the marketplace's authentication (fails closed)         401
bytes actually read (chunked bodies included)           413
UTF-8 JSON without NUL, lone surrogate, NaN, nesting    400
over 32 levels
the marketplace's validation; a body with nothing to    400
apply
one ``INSERT ... ON CONFLICT DO NOTHING``               200, new or already stored
======================================================  =======================================

Wrong HTTP methods are answered 405 by Odoo's routing before any of this. The body is read once and
kept in the request's environ: a request that Odoo runs again after a serialization failure
(``odoo.service.model.retrying``) reads the same bytes.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from odoo.http import request

from ..marketplaces import ingress
from ..marketplaces.base import PayloadError

_logger = logging.getLogger(__name__)

#: where the body read by the first attempt of a request is kept for Odoo's retries
BODY_KEY = "marketplace_connector.ingress_body"
#: the token in a callback URL
TOKEN_IN_PATH = re.compile(r"(/marketplace/[a-z]+/)[^/\s?]+")


class RedactCallbackTokens(logging.Filter):
    """Odoo's access log (werkzeug's request lines, at INFO) would write the token of every callback
    URL, which is a secret: it writes ``***`` instead."""

    def filter(self, record):
        if isinstance(record.args, tuple) and any(isinstance(arg, str) and "/marketplace/" in arg
                                                   for arg in record.args):
            record.args = tuple(TOKEN_IN_PATH.sub(r"\1***", arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        return True


_access_log = logging.getLogger("werkzeug")
if not any(isinstance(existing, RedactCallbackTokens) for existing in _access_log.filters):
    _access_log.addFilter(RedactCallbackTokens())


@dataclass(frozen=True)
class Ingress:
    """What a callback route declares.

    :param marketplace: the ``marketplace`` of the accounts whose tokens the route takes
    :param limit: bytes a body may have
    :param jobs: ``jobs(account, body, raw)`` the jobs to store (dicts with ``name``, ``job_type``,
        ``dedupe_key``, ``payload`` and ``priority``) for the parsed ``body`` (``raw``: its bytes);
        raises ``PayloadError`` on a body the marketplace would not send; an empty list is a body with
        nothing to apply (refused)
    :param authenticate: ``authenticate(account, httprequest)`` raises ``ingress.Unauthorized`` unless
        the sender proved who it is (nothing: the URL token is the only credential)
    :param unknown_token_status: the answer to a well-formed token that designates no account
    :param unauthorized_headers: headers of a 401 answer (e.g. ``WWW-Authenticate``)
    """

    marketplace: str
    limit: int
    jobs: Callable
    authenticate: Callable | None = None
    unknown_token_status: int = 404
    unauthorized_headers: tuple = ()


def receive(declaration, token):
    """Run the ingress path for the current request.

    :param Ingress declaration: the route's declaration
    :param str token: the token of the URL
    :return: the HTTP response
    """
    try:
        stored = _store(declaration, token)
    except ingress.Refusal as refusal:
        # INFO at most: a refusal is the sender's problem, and a flood of them must not fill a log
        # that people watch for errors. Only the reason's code: the body and the token stay out.
        _logger.info("%s callback %s refused: %s %s", declaration.marketplace,
                     request.httprequest.path.rsplit("/", 1)[-1], refusal.status, refusal.reason)
        # What is left of the body is read and dropped (within a bound): a sender still sending when
        # the server closes the connection gets a reset instead of the answer (werkzeug 2.2, which
        # Odoo 18 pins, does not do it).
        ingress.drain(_stream())
        headers = list(declaration.unauthorized_headers) if refusal.status == 401 else []
        return request.make_json_response({"message": refusal.message or _MESSAGES.get(refusal.status, "Refused")},
                                          status=refusal.status, headers=headers)
    return request.make_json_response({"message": "OK" if stored else "OK (already received)"})


_MESSAGES = {400: "Invalid body", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 413: "Body too large"}


def _store(declaration, token):
    if not ingress.valid_token(token):
        raise ingress.UnknownToken()
    env = _env()
    account = env["marketplace.account"]._ingress_find(token, declaration.marketplace)
    if account is None:
        raise ingress.Refusal(status=declaration.unknown_token_status, reason="unknown_token")
    record = env["marketplace.account"].browse(account.id)
    if declaration.authenticate is not None:
        declaration.authenticate(record, request.httprequest)
    raw = _read_body(declaration.limit)
    body = ingress.parse_json(raw)
    try:
        jobs = declaration.jobs(record, body, raw)
    except PayloadError as error:
        raise ingress.BadBody(f"Invalid body: {error}") from None
    if not jobs:
        raise ingress.BadBody("Invalid body: nothing to apply")
    return env["marketplace.job"]._ingress_insert(account, jobs)


def _env():
    # The routes are auth="none": the URL token and the marketplace's credentials are the only
    # authentication, and no session user ever acts. What is stored is signed by the public user,
    # as with auth="public", without its lookup of that user on every request.
    public_user = request.env["ir.model.data"]._xmlid_to_res_id("base.public_user")
    return request.env(user=public_user, su=True)


def _stream():
    # Odoo's request hides werkzeug's; its stream is the body as the server de-chunked it.
    return request.httprequest._HTTPRequest__wrapped.stream


def _read_body(limit):
    environ = request.httprequest.environ
    if BODY_KEY not in environ:
        environ[BODY_KEY] = ingress.read_body(_stream(), limit, request.httprequest.content_length)
    return environ[BODY_KEY]
