"""HTTP client of XStak OMS: a service-account token (cached), then the sales orders."""

from datetime import datetime

from ..base import AuthenticationError, BaseClient, _, redact
from ..records import OrderPage
from ..tokens import CachedTokenMixin, MemoryTokenStore
from . import const, mapping
from .schemas import XstakOrdersPage, XstakToken


class XstakClient(CachedTokenMixin, BaseClient):
    """XStak OMS client.

    :param str client_id: the service account's ``clientId``
    :param str client_secret: its ``clientSecret`` (never shown in a message nor logged)
    :param str company_code: the ``companyCode`` (realm) of the company
    :param TokenStore token_store: where the access token is cached (default: in memory)

    The token is asked for once and reused until ``EXPIRY_MARGIN`` seconds before it expires;
    an orders call answered 401 renews it once and is sent again once. Nothing is retried
    beyond that: a refused token request is an ``AuthenticationError`` for the caller.
    """

    label = const.LABEL
    token_expiry_margin = const.EXPIRY_MARGIN

    def __init__(self, client_id, client_secret, company_code, *, token_store=None, **kwargs):
        super().__init__(**kwargs)
        self.client_id = (client_id or "").strip()
        self.client_secret = client_secret or ""
        self.company_code = (company_code or "").strip()
        self.token_store = token_store if token_store is not None else MemoryTokenStore()
        self._tokens = set()  # every access token seen, for redaction
        self._call_token = None  # the token the call being sent carries

    # -- hooks ----------------------------------------------------------------------------

    def _secrets(self):
        return (self.client_secret, *sorted(self._tokens, key=len, reverse=True))

    def _headers(self):
        return {const.TOKEN_HEADER: self._call_token} if self._call_token else {}

    def _error_message(self, response, payload):
        """Keycloak's ``{"error", "error_description"}`` or a ``{"message"}`` body."""
        if isinstance(payload, dict):
            for key in ("error_description", "message", "error"):
                if payload.get(key):
                    return str(payload[key])
        return super()._error_message(response, payload)

    # -- token ----------------------------------------------------------------------------

    def _request_token(self):
        missing = [label for label, value in ((_("client id"), self.client_id),
                                              (_("client secret"), self.client_secret),
                                              (_("company code"), self.company_code)) if not value]
        if missing:
            raise AuthenticationError(_("%(marketplace)s: the %(missing)s of the account is not set."),
                                      marketplace=self.label, missing=", ".join(missing))
        body = {"clientId": self.client_id, "clientSecret": self.client_secret,
                **{key: const.GRANT_TYPE for key in const.GRANT_TYPE_KEYS},
                "companyCode": self.company_code}
        response = self._request("POST", self._url(const.AUTH_BASE_URL, const.TOKEN_PATH), json=body,
                                 expected=(200, *const.TOKEN_REFUSED_STATUSES))
        if response.status_code != 200:
            detail = self._error_message(response, self._safe_json(response)) or "-"
            raise AuthenticationError(
                _("%(marketplace)s refused the service account (HTTP %(status)s): check the client id, the "
                  "client secret and the company code (%(company)s). %(marketplace)s said: %(detail)s"),
                status=response.status_code, marketplace=self.label, company=self.company_code,
                detail=redact(detail, self._secrets()))
        answer = self._parse(XstakToken, self._json(response), _("a token answer"))
        return answer.access_token, answer.expires_in or const.DEFAULT_TOKEN_TTL

    def _send(self, method, url, token, **kwargs):
        """One call carrying ``token``; 200 and 401 come back, other statuses raise."""
        self._call_token = token
        try:
            return self._request(method, url, expected=(200, 401), **kwargs)
        finally:
            self._call_token = None

    def _authorized(self, method, url, **kwargs):
        """A call with the cached token; on 401 the token is renewed once and the call sent once more."""
        response = self._send(method, url, self.get_token(), **kwargs)
        if response.status_code != 401:
            return response
        response = self._send(method, url, self.get_token(force=True), **kwargs)
        if response.status_code == 401:
            detail = self._error_message(response, self._safe_json(response)) or "-"
            raise AuthenticationError(
                _("%(marketplace)s refused a new access token (HTTP %(status)s): check that the service account "
                  "of company %(company)s may read sales orders. %(marketplace)s said: %(detail)s"),
                status=401, marketplace=self.label, company=self.company_code,
                detail=redact(detail, self._secrets()))
        return response

    # -- orders ---------------------------------------------------------------------------

    def get_orders_page(self, query, page=const.FIRST_PAGE, size=const.PAGE_SIZE):
        """Read one page of ``GET /oe/v2/orders/sales_orders``.

        :param records.XstakQuery query: status, location and start date (timezone-aware)
        :param page: page number, 1-based (an ``OrderPage.next_cursor`` is accepted as is)
        :param int size: orders per page, 1 to ``MAX_PAGE_SIZE``
        :rtype: records.OrderPage
        """
        page, size = int(page), int(size)
        if page < const.FIRST_PAGE:
            raise ValueError(f"page must be {const.FIRST_PAGE} or more, got {page}")
        if not 1 <= size <= const.MAX_PAGE_SIZE:
            raise ValueError(f"size must be between 1 and {const.MAX_PAGE_SIZE}, got {size}")
        response = self._authorized("GET", self._url(const.ORDERS_BASE_URL, const.ORDERS_PATH),
                                    params=self._order_params(query, page, size))
        answer = self._parse(XstakOrdersPage, self._json(response), _("an order list"))
        orders = [mapping.raw_order(entry) for entry in answer.orders]
        info = answer.page
        seen = (page - 1) * size + len(orders)
        return OrderPage(
            orders=orders,
            next_cursor=str(page + 1) if page < info.totalPages else None,
            remaining=max(0, info.totalElements - seen),
        )

    @staticmethod
    def _order_params(query, page, size):
        if not query.order_status or not query.location_id:
            raise ValueError("order_status and location_id are required")
        start = query.start_date
        if not isinstance(start, datetime) or start.utcoffset() is None:
            raise ValueError("start_date must be a timezone-aware datetime")
        params = {"order_status": query.order_status, "locationId": str(query.location_id)}
        if query.location_code is not None:
            params["location_code"] = int(query.location_code)
        params.update(start_date=start.isoformat(timespec="seconds"), page=page, size=size)
        return params

    def parse_order(self, payload):
        """Map a stored order payload to a ``MarketOrder`` (see ``mapping.order_from_payload``)."""
        return mapping.order_from_payload(payload)

    def test_connection(self):
        """Ask for a new token to check host and credentials; raises a typed error when it fails."""
        self.get_token(force=True)
        return True

    # -- helpers --------------------------------------------------------------------------

