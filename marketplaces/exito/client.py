"""HTTP client of Grupo Éxito's seller center."""

from pydantic import ValidationError

from ..base import AuthenticationError, BaseClient, PayloadError, _
from ..records import OrderPage, OrderQuery
from . import const, mapping
from .schemas import ExitoOrdersPage


class ExitoClient(BaseClient):
    """Éxito seller center client.

    :param str token: the seller center token, sent as ``Authorization: <token>`` (no
        ``Bearer``, see api-notes)
    :param str culture: ``es-CO`` or ``en-US``, sent with every call
    """

    label = const.LABEL

    def __init__(self, token, *, culture="es-CO", **kwargs):
        super().__init__(**kwargs)
        if culture not in const.CULTURES:
            raise ValueError(f"culture must be one of {', '.join(const.CULTURES)}")
        self.token = token or ""
        self.culture = culture

    def _secrets(self):
        return (self.token,)

    def _headers(self):
        if not self.token:
            raise AuthenticationError(
                _("No %(marketplace)s token is set: paste the seller center token in the account."),
                marketplace=self.label)
        return {"Authorization": self.token}

    def _error_message(self, response, payload):
        """Éxito's envelope: ``{"errors": [{"code", "message"}], "message": ...}``."""
        if not isinstance(payload, dict):
            return super()._error_message(response, payload)
        errors = payload.get("errors")
        if isinstance(errors, list):
            messages = [str(error.get("message")) for error in errors
                        if isinstance(error, dict) and error.get("message")]
            if messages:
                return "; ".join(messages)
        return str(payload.get("message") or payload.get("Message") or "")

    # -- orders ---------------------------------------------------------------------------

    def get_orders_page(self, query, cursor=None, limit=const.ORDERS_PAGE_LIMIT):
        """Read one page of ``GET /dev/api/orders``.

        :param records.OrderQuery query: creation window (``dateOrderInitial/Final``) and
            status id (``idStatusOrder``)
        :param str cursor: the ``paginationToken`` of the previous page, ``None`` first
        :rtype: records.OrderPage
        """
        params = {
            "culture": self.culture,
            "limit": limit,
            "paginationToken": cursor or const.PAGINATION_START,
        }
        if query.status:
            params["idStatusOrder"] = query.status
        if query.date_from:
            params["dateOrderInitial"] = query.date_from.strftime(const.DATE_FORMAT)
        if query.date_to:
            params["dateOrderFinal"] = query.date_to.strftime(const.DATE_FORMAT)
        response = self._request("GET", self._url(const.ORDERS_BASE_URL, const.ORDERS_PATH),
                                 params=params)
        try:
            page = ExitoOrdersPage.model_validate(self._json(response))
        except ValidationError as error:
            raise PayloadError(_("%(marketplace)s sent an order list this module cannot read: %(problems)s"),
                               marketplace=self.label, problems=mapping.describe_validation_error(error)) from error
        token = page.paginationToken
        next_cursor = None if token in (None, "", const.PAGINATION_END) else token
        if next_cursor and next_cursor == cursor:
            raise PayloadError(_("%(marketplace)s sent the same pagination token twice; stopping to avoid "
                                 "reading the same page forever."), marketplace=self.label)
        return OrderPage(
            orders=[mapping.raw_order(entry) for entry in page.viewModel or []],
            next_cursor=next_cursor,
            remaining=page.count,
        )

    def parse_order(self, payload):
        """Map a stored order payload to a ``MarketOrder`` (see ``mapping.order_from_payload``)."""
        return mapping.order_from_payload(payload)

    def test_connection(self):
        """Read one order to check host and token; raises a typed error when it fails."""
        self.get_orders_page(OrderQuery(), limit=1)
        return True

