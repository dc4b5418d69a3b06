"""HTTP client of Grupo Éxito's seller center."""

import base64
import json
import re
from urllib.parse import urlsplit

import requests
from pydantic import ValidationError

from ..base import (
    CONNECT_TIMEOUT,
    AuthenticationError,
    BaseClient,
    PayloadError,
    Problem,
    RequestError,
    TransientError,
    _,
    redact,
)
from ..records import (
    BulkStatus,
    CategorySpec,
    ListingIssue,
    OfferIssue,
    OfferPushResult,
    OrderPage,
    OrderQuery,
    ProductPushResult,
    SettlementPage,
    TrackingResult,
)
from ..schemas import describe_validation_error
from . import const, mapping
from .schemas import (
    ExitoBillingPage,
    ExitoBillResponse,
    ExitoBulkResponse,
    ExitoBulkStatusResponse,
    ExitoOfferResponse,
    ExitoOrdersPage,
    ExitoProductCreateResponse,
    ExitoSpecsResponse,
    ExitoStickerResponse,
    ExitoTrackingResponse,
)


def _no_auth(request):
    """``requests`` auth hook that sends no credentials at all (no netrc, no session auth)."""
    request.headers.pop("Authorization", None)
    return request


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
                               marketplace=self.label, problems=describe_validation_error(error)) from error
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

    # -- helpers --------------------------------------------------------------------------

    def _params(self, **extra):
        return {"culture": self.culture, **extra}

    def _refuse_with_errors(self, errors, message, what):
        """A 200 answer that carries only errors: the marketplace refused the batch."""
        texts = []
        for error in errors or []:
            if isinstance(error, dict):
                text = error.get("message") or error.get("Message") or ""
            else:
                text = str(error or "")
            if text:
                texts.append(str(text))
        detail = "; ".join(texts) or message or "-"
        raise RequestError(_("%(marketplace)s refused the %(what)s: %(detail)s"), code="refused",
                           status=200, marketplace=self.label, what=what,
                           detail=redact(detail, self._secrets()))

    # -- catalog: products ----------------------------------------------------------------

    def create_products(self, listings):
        """Send products to ``POST /`` (products-massive) in one request.

        Éxito answers at once with the products it refused; the rest are processed in the
        background (see :meth:`get_bulk_status`) and moderated (``notifyproduct`` callback).

        :param list[records.ProductListing] listings:
        :raise ValueError: over ``MAX_PRODUCTS_PER_REQUEST`` products
        :rtype: records.ProductPushResult
        """
        listings = list(listings)
        if len(listings) > const.MAX_PRODUCTS_PER_REQUEST:
            raise ValueError(f"Éxito takes at most {const.MAX_PRODUCTS_PER_REQUEST} products per request, "
                             f"{len(listings)} given")
        body = [mapping.listing_payload(listing) for listing in listings]
        response = self._request("POST", self._url(const.PRODUCTS_BASE_URL, const.PRODUCTS_PATH),
                                 params=self._params(), json=body)
        answer = self._parse(ExitoProductCreateResponse, self._json(response), _("a product answer"))
        if answer.Errors and not answer.Data:
            self._refuse_with_errors(answer.Errors, answer.Message, _("products"))
        batches = answer.Data or []
        return ProductPushResult(
            total=sum(batch.totalProcess for batch in batches),
            errors=sum(batch.error for batch in batches),
            successful=sum(batch.successful for batch in batches),
            issues=[ListingIssue(ean=notify.Ean or "", message=notify.Message or "",
                                 product_name=notify.ProductName or "")
                    for batch in batches for notify in batch.productNotifyViewModel or []],
        )

    def get_bulk_status(self):
        """Read ``GET /status``: the state of the last product batch and its refused products.

        :rtype: records.BulkStatus
        """
        response = self._request("GET", self._url(const.PRODUCTS_BASE_URL, const.PRODUCTS_STATUS_PATH),
                                 params=self._params())
        answer = self._parse(ExitoBulkStatusResponse, self._json(response), _("a bulk status"))
        data = answer.data
        result = BulkStatus(status=data.status, issues=[], checked=str(data.checked).lower() == "true")
        text = (data.response or "").strip()
        if not text:
            return result
        try:
            detail = json.loads(text)
        except ValueError as error:
            raise PayloadError(_("%(marketplace)s sent a bulk status whose detail is not JSON."),
                               marketplace=self.label) from error
        if detail is None:
            return result
        bulk = self._parse(ExitoBulkResponse, detail, _("a bulk status detail")).Data
        if bulk is not None:
            result.total, result.errors, result.successful = bulk.TotalProcess, bulk.Error, bulk.Successful
            result.issues = [ListingIssue(ean=notify.Ean or "", message=notify.Message or "",
                                          product_name=notify.ProductName or "")
                             for notify in bulk.ProductNotify or []]
        return result

    def get_category_specs(self, category_id):
        """Read the specifications of a category (``GET /specs-external/getbycategoryid/{id}``),
        every group flattened into one list.

        :rtype: list[records.CategorySpec]
        """
        path = const.SPECS_PATH.format(category_id=category_id)
        response = self._request("GET", self._url(const.SPECS_BASE_URL, path), params=self._params())
        answer = self._parse(ExitoSpecsResponse, self._json(response), _("category specifications"))
        return [
            CategorySpec(
                group=group.groupName or group.label or "",
                name=spec.specName,
                label=spec.label or spec.specName,
                required=spec.required,
                values=[value.displayName for value in spec.values or [] if value.displayName],
            )
            for group in answer.data or []
            for spec in group.specs or []
        ]

    # -- catalog: offers ------------------------------------------------------------------

    def push_offers(self, offers, price_approval=False):
        """Create or update offers with one ``PATCH /OfferExternal``.

        Issues with code ``PEX`` are price changes over 30%: send those offers again with
        ``price_approval=True`` to confirm them. The final result of each offer comes later
        through the ``notifyoffer`` callback.

        :param list[records.Offer] offers:
        :raise ValueError: over ``MAX_OFFERS_PER_REQUEST`` rows (combo components count)
        :rtype: records.OfferPushResult
        """
        body = mapping.offers_body(list(offers), price_approval=price_approval)
        if len(body["ListOffers"]) > const.MAX_OFFERS_PER_REQUEST:
            raise ValueError(f"Éxito takes at most {const.MAX_OFFERS_PER_REQUEST} offer rows per request, "
                             f"{len(body['ListOffers'])} given")
        response = self._request("PATCH", self._url(const.OFFERS_BASE_URL, const.OFFERS_PATH),
                                 params=self._params(), json=body)
        answer = self._parse(ExitoOfferResponse, self._json(response), _("an offer answer"))
        if answer.errors and answer.data is None:
            self._refuse_with_errors(answer.errors, answer.message, _("offers"))
        data = answer.data
        if data is None:
            return OfferPushResult(total=0, errors=0, successful=0, issues=[])
        return OfferPushResult(
            total=data.totalProcess,
            errors=data.error,
            successful=data.successful,
            issues=[OfferIssue(ean=notify.ean or "", message=notify.message or "", code=notify.code or "")
                    for notify in data.offerNotifyViewModels or []],
        )

    # -- orders: label, tracking, invoice -------------------------------------------------

    def get_label_url(self, order_number):
        """Ask ``GET /dev/api/orders/{orderNumber}/sticker`` for the shipping label's URL.

        :raise RequestError: when Éxito refuses (code ``no_collection_center`` when the order has
            no collection centre yet)
        :raise TransientError: when the label is still being made (code ``label_pending``)
        :rtype: str
        """
        path = const.STICKER_PATH.format(order_number=order_number)
        response = self._request("GET", self._url(const.ORDERS_BASE_URL, path), params=self._params(),
                                 expected=(200, 400))
        if response.status_code == 400:
            detail = self._error_message(response, self._safe_json(response)) or response.reason or "-"
            code = "no_collection_center" if const.NO_COLLECTION_CENTER.casefold() in detail.casefold() else None
            raise RequestError(_("%(marketplace)s cannot make the label of order %(number)s: %(detail)s"),
                               code=code, status=400, marketplace=self.label, number=order_number,
                               detail=redact(detail, self._secrets()))
        answer = self._parse(ExitoStickerResponse, self._json(response), _("a label answer"))
        if not answer.data:
            if answer.pendingResponse:
                raise TransientError(_("%(marketplace)s is still making the label of order %(number)s."),
                                     code="label_pending", marketplace=self.label, number=order_number)
            self._refuse_with_errors(answer.errors, answer.message, _("label request"))
        return answer.data

    def download_label(self, url):
        """Download the label PDF at ``url`` (a public S3 address: no credentials are sent).

        :raise PayloadError: when the file is larger than ``LABEL_MAX_BYTES`` or is not a PDF
        :raise TransientError: on timeout, lost connection or a 5xx answer
        :raise RequestError: when the address is refused (expired, missing)
        :rtype: bytes
        """
        if urlsplit(url or "").scheme not in ("http", "https"):
            raise PayloadError(_("%(marketplace)s gave a label address that is not a web address: %(url)s"),
                               marketplace=self.label, url=url)
        timeout = max(self.timeout, const.LABEL_TIMEOUT)
        host = urlsplit(url).netloc
        try:
            response = self.session.get(url, headers={"Accept": "application/pdf"}, auth=_no_auth,
                                        stream=True, timeout=(min(CONNECT_TIMEOUT, timeout), timeout))
        except requests.Timeout as error:
            raise TransientError(_("%(marketplace)s did not answer within %(seconds)s seconds."), code="timeout",
                                 marketplace=self.label, seconds=f"{timeout:g}") from error
        except requests.ConnectionError as error:
            raise TransientError(_("Could not reach %(marketplace)s (%(host)s): the connection failed."),
                                 code="connection", marketplace=self.label, host=host) from error
        with response:
            status = response.status_code
            if status == 429 or status >= 500:
                self._raise_for_response(response)
            if status != 200:
                raise RequestError(_("%(marketplace)s label download failed (HTTP %(status)s)."),
                                   code="label_download", status=status, marketplace=self.label)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > const.LABEL_MAX_BYTES:
                self._label_too_large()
            chunks, size = [], 0
            try:
                for chunk in response.iter_content(chunk_size=64 * 1024):
                    size += len(chunk)
                    if size > const.LABEL_MAX_BYTES:
                        self._label_too_large()
                    chunks.append(chunk)
            except requests.Timeout as error:
                raise TransientError(_("%(marketplace)s did not answer within %(seconds)s seconds."),
                                     code="timeout", marketplace=self.label, seconds=f"{timeout:g}") from error
            except requests.RequestException as error:
                raise TransientError(_("Could not reach %(marketplace)s (%(host)s): the connection failed."),
                                     code="connection", marketplace=self.label, host=host) from error
        content = b"".join(chunks)
        if not content.startswith(b"%PDF"):
            raise PayloadError(_("%(marketplace)s label is not a PDF file (%(size)s bytes)."),
                               code="not_pdf", marketplace=self.label, size=len(content))
        return content

    def _label_too_large(self):
        raise PayloadError(_("%(marketplace)s label is larger than %(max)s MB; it was not downloaded."),
                           code="too_large", marketplace=self.label, max=const.LABEL_MAX_BYTES // (1024 * 1024))

    def push_tracking(self, shipment):
        """Report the tracking number of shipped lines (``PATCH /dev/api/orders/{id}/tracking``).

        :param records.Shipment shipment: ``order_ref`` is the order's id, ``line_refs`` the
            ids of its products (status 35)
        :rtype: records.TrackingResult
        """
        path = const.TRACKING_PATH.format(order_ref=shipment.order_ref)
        refs = [str(ref) for ref in shipment.line_refs]
        body = {"tracking": shipment.tracking, "carrier": shipment.carrier, "products": refs}
        response = self._request("PATCH", self._url(const.ORDERS_BASE_URL, path), params=self._params(), json=body)
        answer = self._parse(ExitoTrackingResponse, self._json(response), _("a tracking answer"))
        result = TrackingResult(updated=[], errors=[], status=answer.status or "")
        for product in answer.products or []:
            ref = _match_ref(product.idProduct, product.message, refs)
            if product.code is not None:
                updated = 200 <= product.code < 300
            else:
                updated = (product.status or "").casefold() == "updated"
            if updated:
                result.updated.append(ref)
            else:
                result.errors.append(product.message or Problem(
                    _("Product %(product)s was not updated (%(status)s)."),
                    {"product": ref, "status": product.status or product.code or "-"}))
        return result

    def upload_invoice(self, order_ref, content, file_type=const.FILE_TYPE_PDF):
        """Attach the invoice of an order (``PATCH /dev/api/orders/bill``).

        :param bytes content: the PDF (``FILE_TYPE_PDF``) or ZIP (``FILE_TYPE_ZIP``) file
        :return: ``True`` when uploaded, ``False`` when the order already has an invoice
        :raise ValueError: for an empty file or an unknown file type
        """
        if file_type not in const.FILE_TYPES:
            raise ValueError(f"file_type must be one of {const.FILE_TYPES}")
        if not content:
            raise ValueError("the invoice file is empty")
        body = {
            "IdOrder": str(order_ref),
            "Base64File": base64.b64encode(content).decode("ascii"),
            "FileType": int(file_type),
        }
        response = self._request("PATCH", self._url(const.ORDERS_BASE_URL, const.BILL_PATH),
                                 params=self._params(), json=body, expected=(200, 400))
        if response.status_code == 400:
            payload = self._safe_json(response)
            detail = self._error_message(response, payload) or ""
            message = payload.get("message") if isinstance(payload, dict) else ""
            text = f"{detail} {message or ''}".casefold()
            if const.INVOICE_ALREADY_ATTACHED.casefold() in text:
                return False
            self._raise_for_response(response)
        answer = self._parse(ExitoBillResponse, self._json(response), _("an invoice answer"))
        if answer.data is False:
            self._refuse_with_errors(answer.errors, answer.message, _("invoice"))
        return True

    # -- settlements ----------------------------------------------------------------------

    def get_settlements_page(self, seller_id, *, date_from=None, date_to=None, order_number=None,
                             cursor=None, limit=const.BILLING_PAGE_LIMIT):
        """Read one page of ``GET /api/`` (billing): what Éxito paid and charged per order.

        :param seller_id: the seller's id at Éxito (``idSeller``)
        :param date date_from: first payment date (``paymentDateInitial``)
        :param date date_to: last payment date (``paymentDateFinal``)
        :param str cursor: the ``paginationToken`` of the previous page, ``None`` first
        :rtype: records.SettlementPage
        """
        params = self._params(idSeller=seller_id, limit=limit, paginationToken=cursor or const.PAGINATION_START)
        if order_number:
            params["orderNumber"] = order_number
        if date_from:
            params["paymentDateInitial"] = date_from.strftime(const.DATE_FORMAT)
        if date_to:
            params["paymentDateFinal"] = date_to.strftime(const.DATE_FORMAT)
        response = self._request("GET", self._url(const.BILLING_BASE_URL, const.BILLING_PATH), params=params)
        page = self._parse(ExitoBillingPage, self._json(response), _("a settlement list"))
        token = page.paginationToken
        next_cursor = None if token in (None, "", const.PAGINATION_END) else token
        if next_cursor and next_cursor == cursor:
            raise PayloadError(_("%(marketplace)s sent the same pagination token twice; stopping to avoid "
                                 "reading the same page forever."), marketplace=self.label)
        return SettlementPage(
            settlements=[mapping.settlement_from_payload(entry) for entry in page.viewModel or []],
            next_cursor=next_cursor,
            remaining=page.count,
        )


def _match_ref(returned, message, refs):
    """The sent product id that a tracking answer's ``idProduct`` stands for.

    Éxito's ids exceed 2**53; an answer that went through a double (as the seed's example,
    ``6370700714712647000`` for ``6370700714712646841``) no longer equals the id sent. The id is
    then taken from the message (``The product 6370700714712646841 was updated.``) or, failing
    that, from the one sent id that rounds to the same double.
    """
    returned = returned or ""
    if returned in refs or not refs:
        return returned
    in_message = [ref for ref in refs if re.search(rf"(?<!\d){re.escape(ref)}(?!\d)", message or "")]
    if len(in_message) == 1:
        return in_message[0]
    try:
        rounded = float(int(returned))
    except ValueError:
        return returned
    same = [ref for ref in refs if ref.isdigit() and float(int(ref)) == rounded]
    return same[0] if len(same) == 1 else returned
