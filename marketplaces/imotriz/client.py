"""HTTP client of iMotriz's transactions API (orders of the seller's iMotriz store)."""

from urllib.parse import quote

from ..base import AuthenticationError, BaseClient, RequestError, _
from ..records import NewOrdersPage
from . import const, mapping
from .schemas import ImotrizNewOrders, ImotrizOrderAnswer, ImotrizOrderIds


class ImotrizClient(BaseClient):
    """iMotriz transactions API client.

    :param str token: the store's API token, sent as ``Authorization: <token>`` (no ``Bearer``);
        generating a new token in iMotriz invalidates the previous one
    :param str country: the store's country, which picks the host: ``CO``, ``MX``, ``EC``, ``CR``
    """

    label = const.LABEL

    def __init__(self, token, *, country="CO", **kwargs):
        country = (country or "").upper()
        if country not in const.HOSTS:
            raise ValueError(f"country must be one of {', '.join(const.COUNTRIES)}")
        super().__init__(**kwargs)
        self.token = token or ""
        self.country = country

    @property
    def base_url(self):
        return const.HOSTS[self.country]

    def _secrets(self):
        return (self.token,)

    def _headers(self):
        if not self.token:
            raise AuthenticationError(
                _("No %(marketplace)s token is set: generate one in iMotriz (%(menu)s) and paste it in the account."),
                marketplace=self.label, menu=const.SETTINGS_MENU)
        return {"Authorization": self.token, "Content-Type": "application/json"}

    def _error_message(self, response, payload):
        """iMotriz's error body (chosen): ``{"message": "..."}``."""
        if isinstance(payload, dict) and payload.get("message"):
            return str(payload["message"])
        return super()._error_message(response, payload)

    def _raise_for_response(self, response):
        status = response.status_code
        if status == 401:
            raise AuthenticationError(
                _("%(marketplace)s refused the token (HTTP %(status)s): it is wrong or it was replaced by a newer "
                  "one. Generate or copy the current token in iMotriz (%(menu)s) and paste it in the account."),
                status=status, marketplace=self.label, menu=const.SETTINGS_MENU)
        if status == 403:
            raise RequestError(
                _("%(marketplace)s refused to give the orders (HTTP %(status)s): the date to sync orders from is not "
                  "configured in the iMotriz store. In iMotriz, open %(menu)s, set '%(field)s' (at most %(days)s "
                  "days back) and save."),
                code=const.SYNC_DATE_ERROR_CODE, status=status, marketplace=self.label,
                menu=const.SETTINGS_MENU, field=const.SYNC_DATE_FIELD, days=const.SYNC_DATE_MAX_DAYS)
        return super()._raise_for_response(response)

    def _get(self, path):
        return self._json(self._request("GET", self._url(self.base_url, path)))

    # -- orders ---------------------------------------------------------------------------

    def get_new_orders(self):
        """Read ``GET newOrders``: up to 30 orders not yet marked synced.

        **Destructive**: iMotriz marks the returned orders synced and never returns them by this
        call again, so store every returned order before anything else. Call again while
        ``pending`` > 0. An order lost on the way (a connection cut after iMotriz answered) is
        found again through :meth:`get_recent_order_ids` and :meth:`get_order`.

        :rtype: records.NewOrdersPage
        """
        page = self._parse(ImotrizNewOrders, self._get(const.NEW_ORDERS_PATH), _("a new orders list"))
        return NewOrdersPage(
            orders=[mapping.raw_order(record) for record in page.data or []],
            total=page.metadata.total_transactions_found,
            returned=page.metadata.returned_transactions,
            pending=page.metadata.pending_transactions,
        )

    def get_recent_order_ids(self):
        """Ids of the orders of the last 8 days (or of the configured sync range), synced or not.

        :rtype: list[str]
        """
        answer = self._parse(ImotrizOrderIds, self._get(const.RECENT_IDS_PATH), _("an order id list"))
        return list(answer.data or [])

    def get_order(self, order_id):
        """Read one order by its iMotriz id (within the store's sync range).

        :raise RequestError: code ``not_found`` when iMotriz does not know the order (404)
        :rtype: records.RawOrder
        """
        path = const.ORDER_PATH.format(order_id=quote(str(order_id), safe=""))
        try:
            payload = self._get(path)
        except RequestError as error:
            if error.status != 404:
                raise
            raise RequestError(
                _("%(marketplace)s has no order %(order)s within the store's sync range (HTTP %(status)s)."),
                code="not_found", status=404, marketplace=self.label, order=order_id) from error
        answer = self._parse(ImotrizOrderAnswer, payload, _("an order"))
        return mapping.raw_order(answer.data)

    def parse_order(self, payload):
        """Map a stored order record to a ``MarketOrder`` (see ``mapping.order_from_payload``)."""
        return mapping.order_from_payload(payload, self.country)

    def test_connection(self):
        """Check host, token and sync date with the (non-destructive) ids call, never newOrders."""
        self.get_recent_order_ids()
        return True
