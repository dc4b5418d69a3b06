"""Starting data of the X-Mart sandbox: brands, two stores and a channel, the default coupon, and buyers.

X-Mart runs on Artisn (Ecuador): times at -05:00, amounts in USD, Ecuadorian buyers (cédulas with their check
digit, mobiles ``09xxxxxxxx``), addresses in Quito and Guayaquil. Buyers are drawn from the ``random.Random``
passed in, so a given seed yields the same buyers in the same order.
"""

from __future__ import annotations

import copy
import random
from datetime import timedelta, timezone

#: Ecuador's offset, used for every timestamp the sandbox writes.
TZ = timezone(timedelta(hours=-5))
CURRENCY = "USD"

#: brand id (X-Mart's vendorId) -> brand name
BRANDS = {"BR-001": "Pollo Dorado", "BR-002": "Café Andino"}

FIRST_STORE = 1  # ST-0001
FIRST_LIST = 1  # LS-0001
FIRST_SYNC = 1  # SY-0001
FIRST_ORDER = 10001  # XM-10001, orderNumber "10001"
FIRST_COUPON = 1  # CP-0001

DEFAULT_COUPON = {"code": "BIENVENIDA10", "discount": 10.0, "uids": None}

CHANNEL_ID = "CH-0001"

WEEK = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def store_id(number: int) -> str:
    return f"ST-{number:04d}"


def list_id(number: int) -> str:
    return f"LS-{number:04d}"


def sync_id(number: int) -> str:
    return f"SY-{number:04d}"


def coupon_id(number: int) -> str:
    return f"CP-{number:04d}"


def seed_channel(vendor_id: str, brand: str) -> dict:
    """The one seeded sales channel: the brand's own app."""
    slug = "-".join(brand.lower().split())
    return {"channelId": CHANNEL_ID, "channel": f"{brand} App", "vendorId": vendor_id,
            "channelReferenceName": f"{slug}-app", "additionalInfo": {"relatedLists": []}}


def seed_stores(vendor_id: str, brand: str) -> list[dict]:
    """Two complete stores of ``vendor_id`` (ST-0001 in Quito, ST-0002 in Guayaquil), both on the seeded channel."""
    def hours(opening: str, closing: str, weekend_closing: str) -> list[dict]:
        return [{"day": day, "from": opening, "to": weekend_closing if day in ("FRIDAY", "SATURDAY") else closing}
                for day in WEEK]

    return [
        {"storeId": store_id(1), "vendorId": vendor_id, "storeCode": "QUI-01", "storeName": f"{brand} Quicentro",
         "status": "ACTIVE", "services": ["DELIVERY", "PICKUP"],
         "schedulesByChannel": [{"channelId": CHANNEL_ID, "schedules": hours("10:00", "22:00", "23:00")}],
         "taxesInfo": {"taxRate": 15, "taxIncluded": True},
         "contactInfo": {"phone": "022456789", "email": "quicentro@pollodorado.ec", "contactName": "Daniela Paredes"},
         "deliveryInfo": {"zoneIds": ["ZN-QUI-NORTE", "ZN-QUI-CENTRO"], "deliveryFee": 2.5, "minimumOrder": 8.0},
         "locationInfo": {"cityId": "QUI", "cityName": "Quito", "sectorId": "QUI-INAQUITO",
                          "address": "Av. Naciones Unidas y Av. 6 de Diciembre, C.C. Quicentro Shopping",
                          "latitude": -0.1762, "longitude": -78.4794},
         "storeChannels": [CHANNEL_ID]},
        {"storeId": store_id(2), "vendorId": vendor_id, "storeCode": "GYE-01", "storeName": f"{brand} Mall del Sol",
         "status": "ACTIVE", "services": ["DELIVERY", "PICKUP"],
         "schedulesByChannel": [{"channelId": CHANNEL_ID, "schedules": hours("11:00", "21:30", "22:30")}],
         "taxesInfo": {"taxRate": 15, "taxIncluded": True},
         "contactInfo": {"phone": "042081234", "email": "malldelsol@pollodorado.ec", "contactName": "Jorge Cedeño"},
         "deliveryInfo": {"zoneIds": ["ZN-GYE-NORTE"], "deliveryFee": 3.0, "minimumOrder": 10.0},
         "locationInfo": {"cityId": "GYE", "cityName": "Guayaquil", "sectorId": "GYE-KENNEDY",
                          "address": "Av. Juan Tanca Marengo y Av. Joaquín Orrantia, C.C. Mall del Sol",
                          "latitude": -2.1545, "longitude": -79.8925},
         "storeChannels": [CHANNEL_ID]},
    ]


#: city id -> (city name, [(sector id, sector name, latitude, longitude, streets)])
CITIES = {
    "QUI": ("Quito", [
        ("QUI-INAQUITO", "Iñaquito", -0.1780, -78.4840, ["Av. Amazonas", "Av. República", "Av. de los Shyris"]),
        ("QUI-LA-CAROLINA", "La Carolina", -0.1850, -78.4850, ["Av. Eloy Alfaro", "Av. Portugal", "Calle Suiza"]),
        ("QUI-CUMBAYA", "Cumbayá", -0.2010, -78.4320, ["Av. Interoceánica", "Calle Francisco de Orellana"]),
    ]),
    "GYE": ("Guayaquil", [
        ("GYE-KENNEDY", "Kennedy", -2.1700, -79.9000, ["Av. San Jorge", "Av. Francisco de Orellana"]),
        ("GYE-URDESA", "Urdesa", -2.1640, -79.9110, ["Av. Víctor Emilio Estrada", "Calle Circunvalación Sur"]),
        ("GYE-SAMBORONDON", "Samborondón", -2.1390, -79.8650, ["Av. Samborondón", "Calle Río Guayas"]),
    ]),
}
DEFAULT_CITY = "QUI"

FIRST_NAMES = ["María José", "Andrés", "Gabriela", "Carlos", "Valentina", "Santiago", "Daniela", "Juan Pablo",
               "Camila", "Diego", "Paula", "Sebastián", "Fernanda", "Mateo", "Emilia", "Esteban"]
SURNAMES = ["Andrade", "Cedeño", "Paredes", "Zambrano", "Villacís", "Guerrero", "Espinoza", "Chávez", "Mora",
            "Salazar", "Vásquez", "Benítez", "Orellana", "Torres", "Cevallos", "Montalvo"]
REFERENCES = ["Frente al parque", "Edificio azul, timbre 3", "Junto a la farmacia", "Casa esquinera, portón negro",
              "Conjunto cerrado, casa 12"]


def cedula(rng: random.Random) -> str:
    """A ten-digit Ecuadorian cédula with a valid province (01-24), third digit < 6 and check digit."""
    digits = [int(char) for char in f"{rng.randint(1, 24):02d}"] + [rng.randint(0, 5)]
    digits += [rng.randint(0, 9) for _ in range(6)]
    total = 0
    for position, digit in enumerate(digits):
        value = digit * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    digits.append((10 - total % 10) % 10)
    return "".join(map(str, digits))


def _ascii(text: str) -> str:
    table = str.maketrans("áéíóúñÁÉÍÓÚÑ", "aeiounAEIOUN")
    return text.translate(table).lower().replace(" ", "")


def customer(rng: random.Random) -> dict:
    """A buyer in the order's ``customer`` shape."""
    first = rng.choice(FIRST_NAMES)
    last, second = rng.sample(SURNAMES, 2)
    email = f"{_ascii(first.split()[0])}.{_ascii(last)}{rng.randint(1, 99)}@{rng.choice(['gmail.com', 'hotmail.com'])}"
    return {"name": f"{first} {last} {second}", "documentType": "CI", "document": cedula(rng), "email": email,
            "phone": f"09{rng.randint(80000000, 99999999)}"}


def shipping_address(rng: random.Random, city_id: str | None) -> dict:
    """A delivery address in the store's city (Quito when the store's city is not one of ``CITIES``)."""
    city_id = city_id if city_id in CITIES else DEFAULT_CITY
    city_name, sectors = CITIES[city_id]
    sector_id, sector_name, latitude, longitude, streets = rng.choice(sectors)
    return {"address": f"{rng.choice(streets)} N{rng.randint(20, 60)}-{rng.randint(10, 199)}",
            "reference": rng.choice(REFERENCES), "cityId": city_id, "cityName": city_name, "sectorId": sector_id,
            "sectorName": sector_name, "latitude": round(latitude + rng.uniform(-0.01, 0.01), 6),
            "longitude": round(longitude + rng.uniform(-0.01, 0.01), 6)}


def billing(buyer: dict, address: dict | None) -> dict:
    """Billing data of a buyer who asked for an invoice in their own name."""
    return {"finalConsumer": False, "name": buyer["name"], "documentType": buyer["documentType"],
            "document": buyer["document"], "address": (address or {}).get("address", ""), "email": buyer["email"]}


def default_coupons() -> list[dict]:
    return [copy.deepcopy(DEFAULT_COUPON)]
