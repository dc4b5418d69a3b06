"""Realistic, deterministic data for the iMotriz sandbox: Colombian auto parts, buyers and orders.

Everything is drawn from the ``random.Random`` passed in, so a given seed (and a fixed ``now``) always
yields the same orders. Records have the chosen shape documented in ``sandbox/README.md``:
``{"order": {...}, "products": [...], "buyer": {...}}``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

#: Colombia's offset, used for the generated ``created_at``.
TZ = timezone(timedelta(hours=-5))

#: Store country -> (currency, factor from COP, decimals). Prices are drawn in COP and converted.
COUNTRIES = {
    "CO": ("COP", 1.0, 0),
    "MX": ("MXN", 1 / 220, 2),
    "EC": ("USD", 1 / 4000, 2),
    "CR": ("CRC", 1 / 8, 0),
}

FIRST_ID = 104501
PRODUCT_FIRST_ID = 88201

#: Catalog: seller SKU (``code``), name, unit price in COP (taxes included), list price before discount.
CATALOG = [
    ("FIL-ACE-1234", "Filtro de aceite Toyota Hilux", 38900, 42900),
    ("FIL-AIR-2381", "Filtro de aire Mazda 3 2.0", 54900, 54900),
    ("PAS-FRE-2210", "Pastillas de freno delanteras Chevrolet Spark", 65000, 72000),
    ("DIS-FRE-3305", "Disco de freno ventilado Renault Duster", 189000, 210000),
    ("BAT-12V-4500", "Batería 12V 45Ah Renault Logan", 289900, 319900),
    ("BUJ-IRI-0412", "Bujía de iridio NGK Kia Picanto", 32500, 32500),
    ("AMO-DEL-7781", "Amortiguador delantero Nissan Frontier", 245000, 265000),
    ("COR-REP-5520", "Correa de repartición Chevrolet Aveo", 98500, 98500),
    ("KIT-EMB-6610", "Kit de embrague Volkswagen Gol", 459000, 499000),
    ("BOM-AGU-1906", "Bomba de agua Hyundai Accent", 156000, 172000),
    ("ACE-MOT-5W30", "Aceite de motor sintético 5W-30 galón", 119900, 129900),
    ("PLU-LIM-0022", "Plumillas limpiaparabrisas 22 pulgadas", 28900, 34900),
    ("RAD-ALU-4410", "Radiador de aluminio Toyota Corolla", 385000, 420000),
    ("SEN-OXI-2033", "Sensor de oxígeno Ford Fiesta", 176500, 176500),
]

#: City, department, weight.
CITIES = [
    ("Bogotá", "Bogotá D.C.", 30), ("Medellín", "Antioquia", 14), ("Cali", "Valle del Cauca", 10),
    ("Barranquilla", "Atlántico", 7), ("Cartagena", "Bolívar", 5), ("Bucaramanga", "Santander", 4),
    ("Pereira", "Risaralda", 3), ("Manizales", "Caldas", 2), ("Cúcuta", "Norte de Santander", 3),
    ("Ibagué", "Tolima", 2), ("Villavicencio", "Meta", 2), ("Pasto", "Nariño", 2), ("Neiva", "Huila", 2),
    ("Tunja", "Boyacá", 1), ("Envigado", "Antioquia", 2), ("Soacha", "Cundinamarca", 2),
]
FIRST_NAMES = [
    "María Fernanda", "Juan Pablo", "Andrés Felipe", "Luisa Fernanda", "Carlos Andrés", "Ana María",
    "Juan Camilo", "Laura Sofía", "Santiago", "Valentina", "Sebastián", "Natalia", "Jorge Iván", "Luz Marina",
    "José Luis", "Óscar", "Ángela María", "Julián", "Paula Andrea", "Jhon Jairo", "Gloria Inés", "Héctor",
]
SURNAMES = [
    "Gómez", "Restrepo", "Rodríguez", "Martínez", "García", "López", "Hernández", "Pérez", "Ramírez", "Torres",
    "Vargas", "Moreno", "Castro", "Rojas", "Ospina", "Zapata", "Cárdenas", "Muñoz", "Álvarez", "Mejía",
    "Quintero", "Londoño", "Valencia", "Herrera", "Osorio", "Arango", "Giraldo", "Cardona", "Ortiz", "Rincón",
]
MOBILE_PREFIXES = ["300", "301", "304", "310", "311", "312", "313", "314", "315", "316", "317", "318", "320", "321"]
PAYMENT_METHODS = ["PSE", "Tarjeta de crédito", "Nequi", "Daviplata", "Efecty"]
EMAIL_DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.com"]
SHIPPING_COP = [0, 9900, 12000, 15000, 18500]
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 6, 8, 10, 11, 12, 13, 12, 11, 11, 11, 12, 13, 14, 14, 12, 8, 4]


def _ascii(text: str) -> str:
    table = str.maketrans("áéíóúÁÉÍÓÚñÑü", "aeiouAEIOUnNu")
    return text.translate(table)


def make_buyer(rng: random.Random) -> dict:
    first, surname, second = rng.choice(FIRST_NAMES), rng.choice(SURNAMES), rng.choice(SURNAMES)
    city, state, _weight = rng.choices(CITIES, weights=[row[2] for row in CITIES])[0]
    cedula = (str(rng.randint(1_000_000_000, 1_193_999_999)) if rng.random() < 0.6
              else str(rng.randint(10_000_000, 99_999_999)))
    user = _ascii(f"{first.split()[0]}.{surname}").lower() + (str(rng.randint(1, 99)) if rng.random() < 0.5 else "")
    street = (f"{rng.choice(['Calle', 'Carrera', 'Transversal', 'Diagonal'])} {rng.randint(1, 150)}"
              f"{rng.choice(['', '', '', 'A', 'B'])} # {rng.randint(1, 120)}-{rng.randint(1, 99):02d}")
    if rng.random() < 0.35:
        street += f" Apto {rng.randint(1, 20)}{rng.randint(1, 4):02d}"
    return {
        "name": f"{first} {surname} {second}",
        "identification_type": "CC",
        "identification": cedula,
        "email": f"{user}@{rng.choice(EMAIL_DOMAINS)}",
        "mobile": rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}",
        "address": street,
        "city": city,
        "state": state,
    }


def _price(cop: float, country: str) -> float | int:
    _currency, factor, decimals = COUNTRIES[country]
    value = round(cop * factor, decimals)
    return int(value) if decimals == 0 else value


def make_record(rng: random.Random, order_id: int, created: datetime, country: str) -> dict:
    """One record ``{order, products, buyer}``; ``total`` = Σ unit_price × quantity + shipping_cost."""
    currency, _factor, decimals = COUNTRIES[country]
    products = []
    for position, index in enumerate(sorted(rng.sample(range(len(CATALOG)), rng.choice([1, 1, 1, 2, 2, 3])))):
        code, name, price, before = CATALOG[index]
        products.append({
            "id": PRODUCT_FIRST_ID + (order_id - FIRST_ID) * 4 + position,
            "code": code, "name": name, "quantity": rng.choice([1, 1, 1, 1, 2, 2, 3, 4]),
            "unit_price": _price(price, country), "unit_price_before": _price(before, country),
        })
    subtotal = round(sum(item["unit_price"] * item["quantity"] for item in products), decimals)
    shipping = _price(rng.choice(SHIPPING_COP), country)
    total = round(subtotal + shipping, decimals)
    return {
        "order": {
            "id": order_id,
            "reference": f"IMT-{order_id}",
            "created_at": created.astimezone(TZ).isoformat(timespec="seconds"),
            "status": "Pagado",
            "currency": currency,
            "subtotal": subtotal,
            "shipping_cost": shipping,
            "total": total,
            "payment_method": rng.choice(PAYMENT_METHODS),
        },
        "products": products,
        "buyer": make_buyer(rng),
    }


def generate_records(rng: random.Random, *, count: int, now: datetime, days: float, country: str) -> list[dict]:
    """``count`` records over the ``days`` before ``now``, oldest first, ids increasing with time."""
    moments = []
    for _ in range(count):
        day = now - timedelta(days=rng.uniform(0, days))
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        moment = day.astimezone(TZ).replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59),
                                            microsecond=0)
        if moment > now:
            moment -= timedelta(days=1)
        if moment < now - timedelta(days=days):
            moment = min(now, now - timedelta(days=days) + timedelta(minutes=rng.randint(1, 600)))
        moments.append(moment)
    moments.sort()
    return [make_record(rng, FIRST_ID + position, moment, country) for position, moment in enumerate(moments)]
