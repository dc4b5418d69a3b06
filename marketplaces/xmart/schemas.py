"""Pydantic models of the X-Mart payloads the module reads (see ``const.py`` for the shapes).

Only the fields the module uses are declared; unknown fields are ignored. Ids may arrive as
numbers or strings and are kept as strings; optional fields may be ``null``.
"""

import math
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..schemas import Id
from . import const


class _XmartModel(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, str_strip_whitespace=True,
                              populate_by_name=True)


def _aware(value):
    if value is not None and value.tzinfo is None:
        raise ValueError("a date with its time zone offset is expected")
    return value


def _utc_or_none(value):
    """A date X-Mart reports about the past (processedAt, paidAt...) in UTC; naive is read as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


# -- token --------------------------------------------------------------------------------------


class XmartToken(_XmartModel):
    """``POST /api/transactional/token``: ``{"access_token", "token_type", "expires_in"}``."""

    access_token: str = Field(min_length=1)
    token_type: str | None = None
    expires_in: float | None = None

    @field_validator("expires_in", mode="before")
    @classmethod
    def _lifetime(cls, value):
        """An unreadable lifetime is no lifetime (the default applies), not an error."""
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            return None
        return seconds if math.isfinite(seconds) and seconds > 0 else None


# -- stores and channels ------------------------------------------------------------------------


class XmartSchedule(_XmartModel):
    day: str = Field(min_length=1)
    from_: str = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)


class XmartChannelSchedules(_XmartModel):
    channelId: Id = Field(min_length=1)
    schedules: list[XmartSchedule] | None = None


class XmartTaxesInfo(_XmartModel):
    taxRate: float | None = None
    taxIncluded: bool | None = None


class XmartContactInfo(_XmartModel):
    phone: Id | None = None
    email: str | None = None
    contactName: str | None = None


class XmartDeliveryInfo(_XmartModel):
    zoneIds: list[Id] | None = None
    deliveryFee: float | None = None
    minimumOrder: float | None = None


class XmartLocationInfo(_XmartModel):
    cityId: Id | None = None
    cityName: str | None = None
    sectorId: Id | None = None
    address: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class XmartStore(_XmartModel):
    """A ``<store>`` as X-Mart answers it (an id is always there)."""

    storeId: Id = Field(min_length=1)
    vendorId: Id | None = None
    storeCode: Id | None = None
    storeName: str | None = None
    status: str | None = None
    services: list[str] | None = None
    schedulesByChannel: list[XmartChannelSchedules] | None = None
    taxesInfo: XmartTaxesInfo | None = None
    contactInfo: XmartContactInfo | None = None
    deliveryInfo: XmartDeliveryInfo | None = None
    locationInfo: XmartLocationInfo | None = None
    storeChannels: list[Id] | None = None


class XmartStores(_XmartModel):
    """``GET /api/v3/stores``: stores stay raw dicts until mapped (one bad store is named)."""

    stores: list[dict] | None = None


class XmartListRef(_XmartModel):
    listId: Id = Field(min_length=1)
    listName: str | None = None


class XmartAdditionalInfo(_XmartModel):
    relatedLists: list[XmartListRef] | None = None


class XmartChannel(_XmartModel):
    """A ``<channel>``."""

    channelId: Id = Field(min_length=1)
    channel: str | None = None
    vendorId: Id | None = None
    channelReferenceName: str | None = None
    additionalInfo: XmartAdditionalInfo | None = None


class XmartChannelsStoresAnswer(_XmartModel):
    """``POST /api/v3/channels-stores``: ``{"status", "stores": <count>, "channels": <count>,
    "storeIds": {"<storeCode>": "<storeId>"}}``."""

    status: str | None = None
    stores: int | None = Field(default=None, ge=0)
    channels: int | None = Field(default=None, ge=0)
    storeIds: dict[str, Id] | None = None


# -- lists --------------------------------------------------------------------------------------


class XmartListAnswer(_XmartModel):
    """``PUT /api/v3/products``: ``{"listId", "name", "active", "syncId"}``."""

    listId: Id = Field(min_length=1)
    name: str | None = None
    active: bool
    syncId: Id | None = None


class XmartSyncError(_XmartModel):
    productId: Id | None = None
    message: str | None = None


class XmartSyncReport(_XmartModel):
    """``GET /api/v3/lists/{listId}/sync-report``."""

    listId: Id | None = None
    syncId: Id | None = None
    status: Literal[const.SYNC_STATUSES]
    processedAt: datetime | None = None
    total: int | None = Field(default=None, ge=0)
    errors: list[XmartSyncError] | None = None

    _utc = field_validator("processedAt")(_utc_or_none)


# -- orders -------------------------------------------------------------------------------------


class XmartWebhook(_XmartModel):
    """The new-order webhook ``{"event", "orderId", "storeId", "channelId", "createdAt"}``."""

    event: Literal[const.WEBHOOK_EVENT]
    orderId: Id = Field(min_length=1)
    storeId: Id | None = None
    channelId: Id | None = None


class XmartModifier(_XmartModel):
    name: str | None = None
    price: float = 0.0


class XmartItem(_XmartModel):
    itemId: Id = Field(min_length=1)
    productId: Id = Field(min_length=1)
    name: str | None = None
    quantity: float = Field(gt=0)
    unitPrice: float = Field(ge=0)
    total: float = Field(ge=0)
    modifiers: list[XmartModifier] | None = None


class XmartCustomer(_XmartModel):
    name: str = Field(min_length=1)
    documentType: str | None = None
    document: Id | None = None
    email: str | None = None
    phone: Id | None = None


class XmartShippingAddress(_XmartModel):
    address: str | None = None
    reference: str | None = None
    cityId: Id | None = None
    cityName: str | None = None
    sectorId: Id | None = None
    sectorName: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class XmartOrder(_XmartModel):
    """An ``<order>`` (``GET /api/v3/orders/{orderId}``)."""

    orderId: Id = Field(min_length=1)
    orderNumber: Id = Field(min_length=1)
    storeId: Id = Field(min_length=1)
    channelId: Id | None = None
    vendorId: Id | None = None
    status: str | None = None
    orderType: Literal[const.ORDER_TYPES]
    createdAt: datetime
    currency: str = Field(min_length=1)
    customer: XmartCustomer
    shippingAddress: XmartShippingAddress | None = None
    items: list[XmartItem] = Field(min_length=1)
    subtotal: float | None = None
    deliveryFee: float | None = Field(default=None, ge=0)
    discount: float | None = Field(default=None, ge=0)
    total: float = Field(ge=0)

    _aware = field_validator("createdAt")(_aware)

    @model_validator(mode="after")
    def _delivery_has_an_address(self):
        if self.orderType == "DELIVERY" and self.shippingAddress is None:
            raise ValueError("shippingAddress: a DELIVERY order needs a shipping address")
        return self


class XmartTransferAnswer(_XmartModel):
    """``PUT /api/order/transfer``: ``{"status", "order": <order>}``."""

    status: str | None = None
    order: dict


# -- coupons and payments -----------------------------------------------------------------------


class XmartCoupon(_XmartModel):
    """``POST /api/coupons/redeem``: ``{"status", "couponId", "discount", "redeemedAt"}``."""

    couponId: Id = Field(min_length=1)
    discount: float = Field(ge=0)
    redeemedAt: datetime | None = None

    _utc = field_validator("redeemedAt")(_utc_or_none)


class XmartPayment(_XmartModel):
    """``GET /api/order/{orderId}/payment``."""

    order_id: Id | None = None
    method: str | None = None
    status: str | None = None
    amount: float
    currency: str | None = None
    paidAt: datetime | None = None
    transactions: list[dict] | None = None

    _utc = field_validator("paidAt")(_utc_or_none)
