"""Realistic, deterministic Colombian data for the Éxito sandbox: catalog, buyers, cities and orders.

Everything is drawn from the ``random.Random`` passed in, so a given seed (and a fixed ``now``) always
yields the same orders. Order dicts have exactly the fields of the seed's ``viewModel`` example.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

#: Colombia's offset, used by every date of the seed.
TZ = timezone(timedelta(hours=-5))
TZ_SUFFIX = "-05:00"

SELLER = {"idSeller": 11618, "sellerName": "Tienda Demo Sandbox S.A.S.", "sellerNit": "901234567"}
CHANNEL = {"idChannel": 11, "channel": "Exito.com"}

#: Order and product status ids of the seller center (order level uses 35, 60 and 170).
STATUSES = {
    35: "Asignado",
    45: "AprobadoDespacho",
    47: "Empacado",
    50: "FacturadoEnviado",
    55: "RechazadoDespacho",
    60: "Entregado",
    80: "Cancelado",
    120: "PagadoCancelado",
    170: "EnProcesoDeEnvio",
    185: "SinInventario",
}
SHIPPED_STATUSES = (50, 60, 170)
DELIVERED_STATUSES = (50, 60)  # the seed's FacturadoEnviado example already carries a dateDelivery

#: Default catalog: name, EAN, seller reference, unit price (COP, taxes included), Éxito product number.
#: EANs and references match the module's demo products; keep them as they are.
DEFAULT_CATALOG = [
    {"name": "Reloj Inteligente Simcard Bluetooth", "ean": "7752285029933", "reference": "smartwatch08",
     "price": 189900, "number": 5},
    {"name": "Audífonos Inalámbricos Bluetooth", "ean": "7701234500016", "reference": "AUD-BT-01",
     "price": 129900, "number": 118},
    {"name": "Parlante Portátil Resistente al Agua", "ean": "7701234500023", "reference": "PAR-PORT-02",
     "price": 219900, "number": 231},
    {"name": "Cargador Rápido USB-C 20W", "ean": "7701234500030", "reference": "CARG-USBC-20",
     "price": 49900, "number": 344},
    {"name": "Mouse Inalámbrico Ergonómico", "ean": "7701234500047", "reference": "MOU-ERG-04",
     "price": 79900, "number": 457},
    {"name": "Teclado Mecánico Retroiluminado", "ean": "7701234500054", "reference": "TEC-MEC-05",
     "price": 259900, "number": 570},
    {"name": "Cable HDMI 2.1 de 2 metros", "ean": "7701234500061", "reference": "HDMI-21-2M",
     "price": 39900, "number": 683},
]


def catalog_item(name: str, ean: str, reference: str, price: int, number: int) -> dict:
    """A catalog entry with Éxito's own ids, shaped like the seed's (``MP01310000000005``, ``SKUMP01310000005``)."""
    return {
        "name": name, "ean": ean, "reference": reference, "price": price,
        "productId": f"MP0131{number:010d}", "sku": f"SKUMP0131{number:07d}",
    }


def default_catalog() -> list[dict]:
    return [catalog_item(**item) for item in DEFAULT_CATALOG]


#: Cities: DANE code, city and department as the seed writes them (upper case, no accents), weight,
#: landline prefix of the 2022 numbering plan.
CITIES = [
    ("11001000", "BOGOTA D.C.", "BOGOTA D.C.", 30, "601"),
    ("05001000", "MEDELLIN", "ANTIOQUIA", 14, "604"),
    ("76001000", "CALI", "VALLE DEL CAUCA", 10, "602"),
    ("08001000", "BARRANQUILLA", "ATLANTICO", 7, "605"),
    ("13001000", "CARTAGENA", "BOLIVAR", 5, "605"),
    ("68001000", "BUCARAMANGA", "SANTANDER", 4, "607"),
    ("66001000", "PEREIRA", "RISARALDA", 3, "606"),
    ("17001000", "MANIZALES", "CALDAS", 2, "606"),
    ("54001000", "CUCUTA", "NORTE DE SANTANDER", 3, "607"),
    ("73001000", "IBAGUE", "TOLIMA", 2, "608"),
    ("47001000", "SANTA MARTA", "MAGDALENA", 2, "605"),
    ("50001000", "VILLAVICENCIO", "META", 2, "608"),
    ("52001000", "PASTO", "NARIÑO", 2, "602"),
    ("23001000", "MONTERIA", "CORDOBA", 2, "604"),
    ("41001000", "NEIVA", "HUILA", 2, "608"),
    ("63001000", "ARMENIA", "QUINDIO", 2, "606"),
    ("19001000", "POPAYAN", "CAUCA", 1, "602"),
    ("20001000", "VALLEDUPAR", "CESAR", 1, "605"),
    ("15001000", "TUNJA", "BOYACA", 1, "608"),
    ("18001000", "FLORENCIA", "CAQUETA", 1, "608"),
    ("05266000", "ENVIGADO", "ANTIOQUIA", 2, "604"),
    ("05088000", "BELLO", "ANTIOQUIA", 2, "604"),
    ("05360000", "ITAGUI", "ANTIOQUIA", 2, "604"),
    ("25754000", "SOACHA", "CUNDINAMARCA", 2, "601"),
    ("25175000", "CHIA", "CUNDINAMARCA", 1, "601"),
    ("08758000", "SOLEDAD", "ATLANTICO", 1, "605"),
    ("76520000", "PALMIRA", "VALLE DEL CAUCA", 1, "602"),
]

FIRST_NAMES = [
    "María Fernanda", "Juan Pablo", "Andrés Felipe", "Luisa Fernanda", "Carlos Andrés", "Ana María",
    "Juan Camilo", "Laura Sofía", "Santiago", "Valentina", "Daniela", "Sebastián", "Alejandro", "Natalia",
    "Camila", "Diego Alejandro", "Jorge Iván", "Luz Marina", "Martha Lucía", "José Luis", "Óscar",
    "Ángela María", "Nicolás", "Isabella", "Mariana", "Julián", "Esteban", "Catalina", "Paula Andrea",
    "Diana Marcela", "Sandra Milena", "Héctor", "Jhon Jairo", "Gloria Inés", "Yolanda", "Sergio", "Mónica",
    "Liliana", "Felipe", "Tomás", "Jesús David", "Sofía", "Gabriela", "Manuela", "Fabián", "Rubén Darío",
    "Claudia Patricia", "Adriana", "Hernán", "Germán",
]
SURNAMES = [
    "Gómez", "Restrepo", "Rodríguez", "Martínez", "García", "López", "Hernández", "González", "Pérez",
    "Sánchez", "Ramírez", "Torres", "Díaz", "Vargas", "Moreno", "Castro", "Jiménez", "Rojas", "Ospina",
    "Zapata", "Cárdenas", "Muñoz", "Álvarez", "Mejía", "Quintero", "Londoño", "Echeverri", "Valencia",
    "Ríos", "Herrera", "Suárez", "Osorio", "Arango", "Ocampo", "Guzmán", "Castaño", "Betancur", "Correa",
    "Salazar", "Montoya", "Giraldo", "Cardona", "Patiño", "Henao", "Bermúdez", "Peña", "Ortiz", "Rincón",
    "Caicedo", "Mosquera",
]
MOBILE_PREFIXES = ["300", "301", "302", "304", "305", "310", "311", "312", "313", "314", "315", "316",
                   "317", "318", "319", "320", "321", "322", "323", "324", "350", "351"]
STREET_KINDS = [("Calle", 36), ("Carrera", 36), ("Transversal", 8), ("Diagonal", 8), ("Avenida", 6)]
CARRIERS = ["Servientrega", "Coordinadora", "Envía", "Inter Rapidísimo", "TCC", "Deprisa"]
RETURNING_BUYERS = 0.25  # share of orders placed by a buyer seen before
#: Relative likelihood of an order at each local hour (0 to 23): few at night, peaks at noon and evening.
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 4, 6, 8, 10, 11, 12, 13, 12, 11, 11, 11, 12, 13, 14, 14, 12, 8, 4]
LABEL_URL = "https://s3.amazonaws.com/seller-center-exito-staging/sticker-dev/Label_{}_{}.pdf"


@dataclass(frozen=True)
class Buyer:
    name: str
    cedula: str
    phone: str
    street: str
    city: tuple  # one row of CITIES


def pick_city(rng: random.Random) -> tuple:
    return rng.choices(CITIES, weights=[row[3] for row in CITIES])[0]


def cedula(rng: random.Random) -> str:
    """A cédula: 10 digits starting with 10/11 for younger people, 8 digits for older ones."""
    if rng.random() < 0.6:
        return str(rng.randint(1_000_000_000, 1_193_999_999))
    return str(rng.randint(10_000_000, 99_999_999))


def phone(rng: random.Random, city: tuple) -> str:
    """A mobile number (``3xx xxxxxxx`` as 10 digits) or, sometimes, a landline with the city's prefix."""
    if rng.random() < 0.8:
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}"
    return city[4] + str(rng.randint(2_000_000, 7_999_999))


def _number(rng: random.Random, top: int) -> str:
    value = str(int(rng.triangular(1, top + 1, 25)))  # low numbers are the most common
    roll = rng.random()
    if roll < 0.22:
        value += rng.choice("ABC")
    elif roll < 0.27:
        value += " Bis"
    return value


def street_address(rng: random.Random, city: tuple) -> str:
    """A Colombian style address such as ``Carrera 7 # 72-41 Apto 302`` or ``Avenida 6N # 23-45``."""
    kind = rng.choices([k for k, _ in STREET_KINDS], weights=[w for _, w in STREET_KINDS])[0]
    if kind == "Avenida":
        north = city[1] == "CALI" and rng.random() < 0.6  # Cali's "Avenida 6N" style
        main = f"{rng.randint(1, 40)}{'N' if north else ''}"
    else:
        main = _number(rng, 150)
        if kind == "Calle" and city[1] == "BOGOTA D.C." and rng.random() < 0.25:
            main += " Sur"
    address = f"{kind} {main} # {_number(rng, 150).replace(' Bis', '')}-{rng.randint(1, 99):02d}"
    roll = rng.random()
    if roll < 0.30:
        address += f" Apto {rng.randint(1, 20)}{rng.randint(1, 4):02d}"
    elif roll < 0.40:
        address += f" Torre {rng.randint(1, 6)} Apto {rng.randint(1, 20)}{rng.randint(1, 4):02d}"
    elif roll < 0.48:
        address += f" Casa {rng.randint(1, 60)}"
    elif roll < 0.52:
        address += f" Interior {rng.randint(1, 9)}"
    elif roll < 0.55:
        address += f" Oficina {rng.randint(1, 12)}{rng.randint(1, 20):02d}"
    return address


def make_buyer(rng: random.Random, taken_cedulas: set, taken_names: set) -> Buyer:
    """A new buyer whose cédula and full name are not in the given sets (which are updated)."""
    for _ in range(1000):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        number = cedula(rng)
        if number not in taken_cedulas and name not in taken_names:
            break
    taken_cedulas.add(number)
    taken_names.add(name)
    city = pick_city(rng)
    return Buyer(name, number, phone(rng, city), street_address(rng, city), city)


def order_moment(rng: random.Random, now: datetime, window: timedelta) -> datetime:
    """A moment of the ``window`` before ``now``, more likely by day than by night (local hour weights)."""
    while True:
        moment = now - window * rng.random()
        if rng.random() * max(HOUR_WEIGHTS) < HOUR_WEIGHTS[moment.astimezone(TZ).hour]:
            return moment


def ticks(moment: datetime) -> int:
    """.NET ticks (100 ns units since 0001-01-01 UTC) of an aware datetime."""
    delta = moment.astimezone(UTC).replace(tzinfo=None) - datetime(1, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def iso_ms(moment: datetime) -> str:
    """``2019-07-05T06:18:14.387-05:00``, as the seed writes ``dateOrder``."""
    local = moment.astimezone(TZ)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + TZ_SUFFIX


def end_of_day(day) -> str:
    """``2019-07-18T19:00:00-05:00``, as the seed writes ``dateMaxDeliveryOrder``."""
    return f"{day.isoformat()}T19:00:00{TZ_SUFFIX}"


def generate_orders(rng: random.Random, *, count: int, status: int = 35, lines_per_order: int | None = None,
                    unique_buyers: bool = False, days: float = 7, now: datetime | None = None,
                    catalog: list[dict] | None = None) -> list[dict]:
    """``count`` orders placed during the ``days`` before ``now``, in date (and id) order.

    About a quarter of the orders come from a returning buyer, unless ``unique_buyers`` is set.
    ``lines_per_order`` fixes the number of distinct products per order (otherwise 1 to 3).
    """
    catalog = catalog or default_catalog()
    now = (now or datetime.now(TZ)).astimezone(TZ)
    taken_cedulas: set = set()
    taken_names: set = set()
    buyers: list[Buyer] = []
    moments = sorted(order_moment(rng, now, timedelta(days=days)) for _ in range(count))
    order_number = rng.randint(600_000_000, 800_000_000)
    last_id = 0
    orders = []
    for index, moment in enumerate(moments):
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        order_id = max(ticks(moment) + rng.randint(0, 9_999), last_id + 1_000)
        last_id = order_id
        order_number += rng.randint(1, 5_000)
        if buyers and not unique_buyers and rng.random() < RETURNING_BUYERS:
            buyer = rng.choice(buyers)
        else:
            buyer = make_buyer(rng, taken_cedulas, taken_names)
            buyers.append(buyer)
        lines = lines_per_order or rng.choices([1, 2, 3], weights=[5, 3, 2])[0]
        items = rng.sample(catalog, min(lines, len(catalog)))
        orders.append(_order(rng, index, order_id, str(order_number), moment, status, buyer, items))
    return orders


def _order(rng: random.Random, index: int, order_id: int, order_number: str, moment: datetime, status: int,
           buyer: Buyer, items: list[dict]) -> dict:
    express = rng.random() < 0.2
    max_delivery = end_of_day((moment + timedelta(days=rng.randint(3, 4) if express else rng.randint(4, 8))).date())
    shipping = rng.choice([0, 0, 7900, 9900, 9900, 12900])
    rate = rng.uniform(0.10, 0.15)
    status_name = STATUSES[status]
    tracking = str(rng.randint(100_000_000, 9_999_999_999)) if status in SHIPPED_STATUSES else None
    carrier = rng.choice(CARRIERS) if tracking else None
    delivered = iso_ms(moment + timedelta(days=rng.randint(1, 4), seconds=rng.randint(0, 36_000)))
    products = []
    for position, item in enumerate(items):
        quantity = rng.choices([1, 2, 3], weights=[7, 2, 1])[0]
        products.append({
            "id": str(order_id + 45 * (position + 1)),
            "idDetailProduct": 0,
            "idSeller": 0,
            "idPicking": 0,
            "internationalTracking": None,
            "nameProduct": item["name"],
            "productId": item["productId"],
            "sku": item["sku"],
            "ean": item["ean"],
            "reference": item["reference"],
            "idStatusProduct": status,
            "statusProduct": status_name,
            "quantity": quantity,
            "costProduct": item["price"],
            "costShippingProduct": shipping if position == 0 else 0,
            "commission": round(item["price"] * quantity * rate),
            "dateMaxDeliveryProduct": max_delivery,
            "typeDespatchProduct": None,
            "tracking": tracking,
            "carrier": carrier,
            "dateDelivery": delivered if status in DELIVERED_STATUSES else None,
            "enviosExito": False,
            "fulfillment": False,
            "color": None,
            "size": None,
            "internationalCarrier": None,
        })
    city = buyer.city
    return {
        "id": str(order_id),
        "orderNumber": order_number,
        **SELLER,
        **CHANNEL,
        "dateOrder": iso_ms(moment),
        "idStatusOrder": status,
        "statusOrder": status_name,
        "costTotalOrder": sum(line["costProduct"] * line["quantity"] for line in products),
        "costTotalShipping": sum(line["costShippingProduct"] for line in products),
        "codeDane": city[0],
        "costTotalCommission": sum(line["commission"] for line in products),
        "dateMaxDeliveryOrder": max_delivery,
        "typeDespatchOrder": "Express  " if express else "Standar  ",
        "clientName": buyer.name,
        "identificationCard": buyer.cedula,
        "clientAddress": f"{buyer.street}, {city[1]}, {city[2]}, Colombia",
        "clientTelephone": buyer.phone,
        "dependencyId": None,
        "dependencyName": None,
        "products": products,
        "paginationToken": f"{order_id}|{SELLER['idSeller']}",
        "processedOrder": False,
        "allowShipping": True,
        "billUrl": None,
        "billAttachedDate": None,
        "trakingType": None,
        "urlLabel": LABEL_URL.format(rng.randint(10**12, 10**13 - 1), 100_000 + index),
    }
