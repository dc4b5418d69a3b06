"""What every marketplace client shares: the HTTP session, timeouts, typed errors, redaction.

Clients never retry by themselves: a failed call raises a typed error and the caller (the
Odoo job spine) decides when to try again. An error's ``retryable`` says whether waiting can
cure it: true for timeouts, lost connections, 5xx, 408, 409, 425 and 429 (the job backs off),
false for an answer or a request that does not validate, a 404 and the other 4xx (the job gives up
at once and tells a person what to fix; refused credentials and a setting missing on the
marketplace's side are the account's problem, which the Odoo side handles on the account).
``retry_after`` carries the delay a marketplace asked for, in seconds.
"""

import email.utils
import logging
import time
from urllib.parse import urlsplit

import requests
from pydantic import ValidationError

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30
CONNECT_TIMEOUT = 10
#: 4xx statuses that waiting can cure: Request Timeout, Conflict (the resource is changing), Too
#: Early, Too Many Requests
RETRYABLE_CLIENT_STATUSES = frozenset({408, 409, 425, 429})


def _(message):
    """Mark ``message`` for translation: Odoo's export collects it (keyword ``_``), and the
    Odoo side translates an error's ``template`` when it shows the error. Returns it as is."""
    return message


class Problem(str):
    """A rule a record breaks: reads as the English sentence, and keeps its ``template`` (marked
    with ``_()``) and ``params`` so that the Odoo side can show it translated."""

    template: str
    params: dict

    def __new__(cls, template, params=None):
        params = params or {}
        problem = super().__new__(cls, template % params if params else template)
        problem.template, problem.params = template, params
        return problem


def is_retryable_status(status):
    """Whether an HTTP error status may go away by waiting: 5xx, and the 4xx of
    :data:`RETRYABLE_CLIENT_STATUSES`; every other status (no status, another 4xx) says the request
    itself is wrong.

    :param int status: an HTTP status, or ``None``
    :rtype: bool
    """
    return status is not None and (status >= 500 or status in RETRYABLE_CLIENT_STATUSES)


def describe_validation_error(error):
    """One readable line per problem of a pydantic error: ``products.0.quantity: ...``."""
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "payload"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


class Problems(list):
    """The :class:`Problem` list of a check: ``problems.add(template, **params)`` appends one."""

    def add(self, template, **params):
        self.append(Problem(template, params))


class MarketplaceError(Exception):
    """An exchange with a marketplace failed.

    :param str template: readable text for the user, marked with :func:`_`, with
        ``%(name)s`` placeholders filled from ``params``; never containing a secret
    :param str code: short machine code (``timeout``, ``auth``, ``bad_payload``, ...)
    :param int status: HTTP status of the answer, if there was one (placeholder ``%(status)s``)
    :param float retry_after: seconds the marketplace asked to wait before trying again
    :param bool retryable: whether trying again later may succeed; when not given, the class
        decides (its ``retryable`` attribute), or, for a class that leaves it to the answer
        (``None``), :func:`is_retryable_status` of ``status``
    :param params: values of the other placeholders
    """

    code = "error"
    #: True or False for every error of the class; None: decided by the status (:func:`is_retryable_status`)
    retryable = None

    def __init__(self, template, *, code=None, status=None, retry_after=None, retryable=None, **params):
        self.template = template
        self.params = dict(params, status=status) if status is not None else params
        self.message = template % self.params if self.params else template
        super().__init__(self.message)
        self.code = code or self.code
        self.status = status
        self.retry_after = retry_after
        if retryable is None:
            retryable = self.retryable if self.retryable is not None else is_retryable_status(status)
        self.retryable = bool(retryable)

    def __str__(self):
        return self.message


class TransientError(MarketplaceError):
    """Timeouts, lost connections and server-side failures: trying later may work."""

    code = "transient"
    retryable = True


class RateLimitError(TransientError):
    """The marketplace answered 429 Too Many Requests."""

    code = "rate_limited"


class AuthenticationError(MarketplaceError):
    """The marketplace refused the credentials (401, or 403 where it means that). Waiting cannot
    cure it, but the job is not wrong, the account is: the Odoo side holds the account's calls
    until a person pastes new credentials, then runs them again."""

    code = "auth"
    retryable = False


class RequestError(MarketplaceError):
    """The marketplace refused the request itself (4xx other than auth and rate limit), or the
    client refused to send it (no status: what it would send is wrong). Retryable as its status
    says (:func:`is_retryable_status`: a 409 is, a 400 or a 404 is not), unless raised with
    ``retryable=``."""

    code = "bad_request"


class PayloadError(MarketplaceError):
    """The marketplace sent something this client cannot read (not JSON, missing fields): reading
    it again cannot make it valid."""

    code = "bad_payload"
    retryable = False


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    :return: a non-negative float, or ``None`` when the header is absent or unreadable
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, moment.timestamp() - now)


def redact(text, secrets):
    """Return ``text`` with every non-empty secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class BaseClient:
    """A marketplace client: one ``requests.Session``, a timeout on every call.

    :param str api_url: when set, replaces scheme and host of every base URL of the
        marketplace (a path in it is prepended to the marketplace's own paths), so that one
        sandbox host can serve all of a marketplace's API groups
    :param float timeout: read timeout of every call, in seconds
    :param requests.Session session: an existing session (tests, connection reuse)
    """

    #: display name used in messages
    label = "Marketplace"

    def __init__(self, *, api_url=None, timeout=None, session=None):
        self.api_url = (api_url or "").rstrip("/") or None
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.session = session or requests.Session()

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- hooks for subclasses -------------------------------------------------------------

    def _secrets(self):
        """Values that must never appear in a message or a log line."""
        return ()

    def _headers(self):
        """Headers sent with every call (credentials)."""
        return {}

    def _error_message(self, response, payload):
        """Readable reason from an error answer; subclasses know their envelopes."""
        return response.reason or ""

    # -- plumbing -------------------------------------------------------------------------

    def _url(self, base_url, path):
        """Join a marketplace base URL and a path, honouring ``api_url``."""
        if self.api_url:
            base_path = urlsplit(base_url).path.rstrip("/")
            base_url = self.api_url + base_path
        return base_url.rstrip("/") + "/" + path.lstrip("/")

    def _request(self, method, url, *, params=None, json=None, expected=(200,)):
        """Send one request and return the response, or raise a typed error.

        :raise TransientError: on timeout, connection failure, 5xx (``RateLimitError`` on 429)
        :raise AuthenticationError: on 401
        :raise RequestError: on any other unexpected status
        """
        headers = {"Accept": "application/json", **self._headers()}
        started = time.monotonic()
        try:
            response = self.session.request(
                method, url, params=params, json=json, headers=headers,
                timeout=(min(CONNECT_TIMEOUT, self.timeout), self.timeout),
            )
        except requests.Timeout as error:
            raise TransientError(
                _("%(marketplace)s did not answer within %(seconds)s seconds."), code="timeout",
                marketplace=self.label, seconds=f"{self.timeout:g}",
            ) from error
        except requests.ConnectionError as error:
            raise TransientError(
                _("Could not reach %(marketplace)s (%(host)s): the connection failed."), code="connection",
                marketplace=self.label, host=urlsplit(url).netloc,
            ) from error
        _logger.debug("%s %s %s -> %s in %.3fs", self.label, method, urlsplit(url).path,
                      response.status_code, time.monotonic() - started)
        if response.status_code in expected:
            return response
        self._raise_for_response(response)
        return response

    def _raise_for_response(self, response):
        status = response.status_code
        payload = self._safe_json(response)
        detail = self._error_message(response, payload) or response.reason or "-"
        params = {"marketplace": self.label, "detail": redact(detail, self._secrets())}
        if status == 429:
            raise RateLimitError(
                _("%(marketplace)s asked to slow down (HTTP %(status)s): %(detail)s"), status=status,
                retry_after=parse_retry_after(response.headers.get("Retry-After")), **params)
        if status >= 500:
            raise TransientError(_("%(marketplace)s failed on its side (HTTP %(status)s): %(detail)s"),
                                 code="server_error", status=status, **params)
        if status == 401:
            raise AuthenticationError(
                _("%(marketplace)s refused the credentials (HTTP %(status)s): %(detail)s"), status=status, **params)
        raise RequestError(_("%(marketplace)s refused the request (HTTP %(status)s): %(detail)s"),
                           status=status, **params)

    @staticmethod
    def _safe_json(response):
        try:
            return response.json()
        except ValueError:
            return None

    def _json(self, response):
        """Decode a successful answer, or raise ``PayloadError``."""
        try:
            return response.json()
        except ValueError as error:
            raise PayloadError(
                _("%(marketplace)s answered with something that is not JSON (HTTP %(status)s, %(size)s bytes)."),
                status=response.status_code, marketplace=self.label, size=len(response.content),
            ) from error

    def _parse(self, model, payload, what):
        """Validate a decoded answer against the pydantic ``model``, or raise ``PayloadError``.

        :param str what: what the answer is, for the message (``_("an order list")``)
        """
        try:
            return model.model_validate(payload)
        except ValidationError as error:
            raise PayloadError(_("%(marketplace)s sent %(what)s this module cannot read: %(problems)s"),
                               marketplace=self.label, what=what,
                               problems=describe_validation_error(error)) from error
