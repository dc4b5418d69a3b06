"""Pydantic models of the XStak payloads the module reads (see ``const.py`` for the shapes).

Only the fields the module uses are declared; unknown fields are ignored. Ids may arrive as
numbers or strings and are kept as strings.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..schemas import Id


class _XstakModel(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, str_strip_whitespace=True)



class XstakToken(_XstakModel):
    """``POST /v1/admin/service-account/token``: ``{userName, email, access_token, expires_in,
    refresh_expires_in, token_type, not-before-policy, scope}``."""

    access_token: str = Field(min_length=1)
    expires_in: float | None = Field(default=None, gt=0)
    token_type: str | None = None
    scope: str | None = None


class XstakPageInfo(_XstakModel):
    number: int = Field(ge=0)
    size: int | None = Field(default=None, ge=0)
    totalPages: int = Field(ge=0)
    totalElements: int = Field(ge=0)


class XstakOrdersPage(_XstakModel):
    """The envelope of ``GET /oe/v2/orders/sales_orders``; orders stay raw dicts until mapped."""

    orders: list[dict] = Field(default_factory=list)
    page: XstakPageInfo


class XstakCustomer(_XstakModel):
    name: str = Field(min_length=1)
    email: str | None = None
    phone: str | None = None
    cnic: str | None = None


class XstakAddress(_XstakModel):
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province: str | None = None
    country_code: str | None = None
    postal_code: str | None = None


class XstakLineItem(_XstakModel):
    id: Id = Field(min_length=1)
    sku: str | None = None
    name: str | None = None
    quantity: float = Field(gt=0)
    unit_price: float = Field(ge=0)


class XstakOrder(_XstakModel):
    id: Id = Field(min_length=1)
    order_number: Id = Field(min_length=1)
    created_at: datetime
    order_status: str | None = None
    location_id: Id | None = None
    location_code: int | None = None
    currency: str | None = None
    customer: XstakCustomer
    shipping_address: XstakAddress | None = None
    line_items: list[XstakLineItem] = Field(min_length=1)
    shipping_amount: float | None = Field(default=None, ge=0)
    total_amount: float = Field(ge=0)

    @field_validator("created_at")
    @classmethod
    def _aware(cls, value):
        if value.tzinfo is None:
            raise ValueError("a date with its time zone offset is expected")
        return value
