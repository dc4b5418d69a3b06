"""Pydantic models of the Éxito payloads the module reads (seed, "Get Orders").

Only the fields the module uses are declared; unknown fields are ignored so that Éxito can add
fields without breaking imports. Ids arrive as strings in the seed; numbers are accepted and
turned into strings.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
