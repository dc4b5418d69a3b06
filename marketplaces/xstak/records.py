"""XStak-specific records (the canonical ones are in ``marketplaces.records``)."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True, kw_only=True)
class XstakQuery:
    """What to read from XStak's sales orders: one status at one location, created since
    ``start_date`` (timezone-aware; its offset is sent as is).

    ``location_id`` is XStak's ``locationId`` (text), ``location_code`` its optional
    ``location_code`` (integer). Keyword arguments only.
    """

    order_status: str
    location_id: str
    location_code: int | None = None
    start_date: datetime
