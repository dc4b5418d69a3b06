"""Deterministic starting catalog of the Marketful sandbox: a few Mexican products with stock in the warehouse.

Everything is drawn from the ``random.Random`` passed in, so a given seed yields the same stock levels.
"""

from __future__ import annotations

import random
from datetime import timedelta, timezone

#: Mexico City's offset, used for every timestamp the sandbox writes.
TZ = timezone(timedelta(hours=-6))

FIRST_ITEM_ID = 7001
FIRST_ORDER_ID = 5021  # the seed's example order id
FIRST_WEBHOOK_ID = 1
FIRST_EVENT_ID = 90001

#: the seed's ``Estado`` codes: "MX-XX" with the 2-letter codes of Wikipedia's "Template:Mexico State-Abbreviation
#: Codes" (Aguascalientes AG ... Zacatecas ZA; Distrito Federal / Ciudad de México DF, Estado de México ME)
STATE_CODES = ("AG", "BC", "BS", "CM", "CS", "CH", "CO", "CL", "DF", "DG", "GT", "GR", "HG", "JA", "ME", "MI",
               "MO", "NA", "NL", "OA", "PB", "QT", "QR", "SL", "SI", "SO", "TB", "TM", "TL", "VE", "YU", "ZA")

#: sku, title, list price (MXN), ean, height, width, length, weight
CATALOG = [
    ("PRO20PRO", "Proteína en polvo 2 kg vainilla", 899.0, "7501234500011", 30.0, 20.0, 20.0, 2.2),
    ("PRO10PRO", "Proteína en polvo 1 kg chocolate", 499.0, "7501234500028", 22.0, 15.0, 15.0, 1.1),
    ("PLR-12", "Pluma roja punto fino (caja 12)", 355.0, "7501234500035", 12.0, 12.0, 12.0, 0.3),
    ("TERMO750", "Termo de acero inoxidable 750 ml", 289.5, "7501234500042", 27.0, 8.0, 8.0, 0.4),
    ("AUDBT200", "Audífonos Bluetooth inalámbricos", 649.0, "07852236842", 18.0, 10.0, 6.0, 0.25),
]


def generate_items(rng: random.Random) -> list[dict]:
    """The default catalog, with ids from ``FIRST_ITEM_ID`` and stock levels drawn from ``rng``."""
    items = []
    for offset, (sku, title, price, ean, height, width, length, weight) in enumerate(CATALOG):
        items.append({"item_id": FIRST_ITEM_ID + offset, "sku": sku, "title": title, "list_price": price,
                      "ean": ean, "height": height, "width": width, "length": length, "weigth": weight,
                      "available_quantity": rng.randint(5, 60)})
    return items
