"""Pydantic models of the Éxito payloads the module reads (seed: every response and callback).

Only the fields the module uses are declared; unknown fields are ignored so that Éxito can add
fields without breaking imports. Ids arrive as strings in the seed; numbers are accepted and
turned into strings.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..schemas import Id


class _ExitoModel(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, str_strip_whitespace=True)



class ExitoOrderProduct(_ExitoModel):
    id: str = Field(min_length=1)
    nameProduct: str = ""
    productId: str | None = None
    sku: str | None = None
    ean: str | None = None
    reference: str | None = None
    idStatusProduct: int | None = None
    statusProduct: str | None = None
    quantity: float = Field(gt=0)
    costProduct: float = Field(ge=0)
    costShippingProduct: float | None = None
    commission: float | None = None


class ExitoOrder(_ExitoModel):
    id: str = Field(min_length=1)
    orderNumber: str = Field(min_length=1)
    idSeller: Id | None = None
    idChannel: int | None = None
    channel: str | None = None
    dateOrder: datetime
    idStatusOrder: int | None = None
    statusOrder: str | None = None
    costTotalOrder: float = Field(ge=0)
    costTotalShipping: float | None = Field(default=None, ge=0)
    codeDane: str | None = None
    costTotalCommission: float | None = None
    dateMaxDeliveryOrder: datetime | None = None
    typeDespatchOrder: str | None = None
    clientName: str = Field(min_length=1)
    identificationCard: str | None = None
    clientAddress: str | None = None
    clientTelephone: str | None = None
    products: list[ExitoOrderProduct] = Field(min_length=1)
    urlLabel: str | None = None

    @field_validator("dateOrder", "dateMaxDeliveryOrder")
    @classmethod
    def _aware(cls, value):
        if value is not None and value.tzinfo is None:
            raise ValueError("a date with its time zone offset is expected")
        return value


class ExitoOrdersPage(_ExitoModel):
    """The envelope of ``GET /dev/api/orders``; orders stay raw dicts until they are mapped."""

    viewModel: list[dict] | None = None
    count: int | None = None
    paginationToken: str | None = None


# -- products -------------------------------------------------------------------------------


class ExitoProductNotify(_ExitoModel):
    """One refused product: ``{Ean, Message}`` (create) or ``{Ean, Message, ProductName}`` (status)."""

    Ean: str | None = None
    Message: str | None = None
    ProductName: str | None = None


class ExitoProductBatch(_ExitoModel):
    totalProcess: int = 0
    error: int = 0
    successful: int = 0
    fileName: str | None = None
    productNotifyViewModel: list[ExitoProductNotify] | None = None


class ExitoProductCreateResponse(_ExitoModel):
    """``POST /`` (products-massive): ``{Errors, Data: [batch], Message}``."""

    Errors: list[Any] | None = None
    Data: list[ExitoProductBatch] | None = None
    Message: str | None = None


class ExitoBulkResult(_ExitoModel):
    TotalProcess: int = 0
    Error: int = 0
    Successful: int = 0
    ProductNotify: list[ExitoProductNotify] | None = None


class ExitoBulkResponse(_ExitoModel):
    """The JSON text inside ``data.response`` of the status answer."""

    Data: ExitoBulkResult | None = None


class ExitoBulkData(_ExitoModel):
    idSeller: Id | None = None
    status: int
    checked: bool | None = None
    response: str | None = None


class ExitoBulkStatusResponse(_ExitoModel):
    """``GET /status``: ``{errors, Message, data: {idSeller, status, checked, response}}``."""

    errors: list[Any] | None = None
    Message: str | None = None
    data: ExitoBulkData


class ExitoSpecValue(_ExitoModel):
    label: str | None = None
    displayName: str | None = None


class ExitoSpec(_ExitoModel):
    idSpec: str | None = None
    specName: str = ""
    required: bool = False
    values: list[ExitoSpecValue] | None = None
    label: str | None = None


class ExitoSpecGroup(_ExitoModel):
    idGroup: str | None = None
    groupName: str | None = None
    specs: list[ExitoSpec] | None = None
    label: str | None = None


class ExitoSpecsResponse(_ExitoModel):
    """``GET /specs-external/getbycategoryid/{id}``: ``{errors, data: [group], message}``."""

    errors: list[Any] | None = None
    data: list[ExitoSpecGroup] | None = None
    message: str | None = None


class ExitoModerationNotice(_ExitoModel):
    """One entry of the ``PATCH /notifyproduct`` callback body."""

    Ean: str = Field(min_length=1)
    SellerSku: str | None = None
    Response: str = Field(min_length=1)
    Comment: str | None = None
    Reason: str | None = None
    IsUpdating: bool | None = None


# -- offers ---------------------------------------------------------------------------------


class ExitoOfferNotify(_ExitoModel):
    ean: str | None = None
    message: str | None = None
    code: str | None = None


class ExitoOfferBatch(_ExitoModel):
    totalProcess: int = 0
    error: int = 0
    successful: int = 0
    offerNotifyViewModels: list[ExitoOfferNotify] | None = None


class ExitoOfferResponse(_ExitoModel):
    """``PATCH /OfferExternal``: ``{message, errors, data: {totalProcess, error, successful,
    offerNotifyViewModels}}``."""

    message: str | None = None
    errors: list[Any] | None = None
    data: ExitoOfferBatch | None = None


class ExitoOfferNotice(_ExitoModel):
    """One entry of the ``PATCH /notifyoffer`` callback body."""

    EAN: str = Field(min_length=1)
    Message: str | None = None


# -- orders: label, tracking, invoice ---------------------------------------------------------


class ExitoStickerResponse(_ExitoModel):
    """``GET /dev/api/orders/{orderNumber}/sticker``: ``{errors, data: url, message, pendingResponse}``."""

    errors: list[Any] | None = None
    data: str | None = None
    message: str | None = None
    pendingResponse: bool | None = None


class ExitoTrackingProduct(_ExitoModel):
    idOrder: Id | None = None
    idProduct: Id | None = None
    status: str | None = None
    message: str | None = None
    code: int | None = None


class ExitoTrackingResponse(_ExitoModel):
    """``PATCH /dev/api/orders/{orderId}/tracking``: ``{status, products, errors, updates, total}``."""

    status: str | None = None
    products: list[ExitoTrackingProduct] | None = None
    errors: int | None = None
    updates: int | None = None
    total: int | None = None


class ExitoBillResponse(_ExitoModel):
    """``PATCH /dev/api/orders/bill``: ``{errors, data: bool, message}``."""

    errors: list[Any] | None = None
    data: bool | None = None
    message: str | None = None


# -- settlements ----------------------------------------------------------------------------


class ExitoBillingDetail(_ExitoModel):
    id: Id = Field(min_length=1)
    idBillingDetailPicking: Id | None = None
    detailName: str | None = None
    ean: str | None = None
    quantity: float = 0
    commission: float | None = None
    price: float | None = None
    shippingCost: float | None = None
    enviosExito: bool | None = None
    totalShippingCost: float | None = None


class ExitoBilling(_ExitoModel):
    """One entry of ``viewModel`` of ``GET /api/`` (billing). Ids may be JSON numbers larger
    than 2**53: Python reads them exactly and they are kept as the string of the integer."""

    id: Id = Field(min_length=1)
    idBillingPicking: Id | None = None
    idSeller: Id | None = None
    billingNumber: str | None = None
    orderNumber: str | None = None
    payOrderNumber: str | None = None
    concept: str | None = None
    paymentDate: datetime | None = None
    commission: float | None = None
    billingTotal: float | None = None
    iva: float | None = None
    detail: list[ExitoBillingDetail] | None = None

    @field_validator("paymentDate")
    @classmethod
    def _aware(cls, value):
        if value is not None and value.tzinfo is None:
            raise ValueError("a date with its time zone offset is expected")
        return value


class ExitoBillingPage(_ExitoModel):
    """The envelope of ``GET /api/`` (billing); entries stay raw dicts until they are mapped."""

    viewModel: list[dict] | None = None
    count: int | None = None
    paginationToken: str | None = None
