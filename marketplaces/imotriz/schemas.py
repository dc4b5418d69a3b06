"""Pydantic models of the iMotriz payloads the module reads (see ``const.py`` for the chosen shapes).

Only the fields the module uses are declared; unknown fields are ignored so that iMotriz can add
fields without breaking imports. Ids, identifications and phone numbers are accepted as numbers
or strings and kept as strings.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..schemas import Id


class _ImotrizModel(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, str_strip_whitespace=True)



class ImotrizOrderHead(_ImotrizModel):
    """``order`` of a record."""

    id: Id = Field(min_length=1)
    reference: Id | None = None
    created_at: datetime
    status: str | None = None
    currency: str | None = None
    subtotal: float | None = None
    shipping_cost: float | None = Field(default=None, ge=0)
    total: float = Field(ge=0)
    payment_method: str | None = None

    @field_validator("created_at")
    @classmethod
    def _aware(cls, value):
        if value.tzinfo is None:
            raise ValueError("a date with its time zone offset is expected")
        return value


class ImotrizProduct(_ImotrizModel):
    """One entry of ``products``; ``code`` is the seller's SKU."""

    id: Id | None = None
    code: Id | None = None
    name: str = ""
    quantity: float = Field(gt=0)
    unit_price: float = Field(ge=0)
    unit_price_before: float | None = None

    @model_validator(mode="after")
    def _identified(self):
        if not self.id and not self.code:
            raise ValueError("a product needs an id or a code")
        return self


class ImotrizBuyer(_ImotrizModel):
    name: str = Field(min_length=1)
    identification_type: str | None = None
    identification: Id | None = None
    email: str | None = None
    mobile: Id | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None


class ImotrizRecord(_ImotrizModel):
    """One record of newOrders (and the ``data`` of one order): ``{order, products, buyer}``."""

    order: ImotrizOrderHead
    products: list[ImotrizProduct] = Field(min_length=1)
    buyer: ImotrizBuyer


class ImotrizMetadata(_ImotrizModel):
    total_transactions_found: int = Field(ge=0)
    returned_transactions: int = Field(ge=0)
    pending_transactions: int = Field(ge=0)


class ImotrizNewOrders(_ImotrizModel):
    """``GET newOrders``: records stay raw dicts until they are mapped."""

    data: list[dict] | None = None
    metadata: ImotrizMetadata


class ImotrizOrderIds(_ImotrizModel):
    """``GET lastOrdersIds`` (chosen): ``{"data": [<id>, ...]}``."""

    data: list[Id] | None = None


class ImotrizOrderAnswer(_ImotrizModel):
    """``GET order/{id}`` (chosen): ``{"data": {order, products, buyer}}``."""

    data: dict
