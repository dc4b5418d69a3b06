"""Realistic, deterministic Pakistani data for the XStak sandbox: locations, catalog, buyers and orders.

Everything is drawn from the ``random.Random`` passed in, so a given seed (and a fixed ``now``) always
yields the same orders. Order dicts have exactly the fields of the sales-order shape chosen in
``marketplaces/xstak/const.py`` (the seed does not publish it).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

#: Pakistan Standard Time, the offset of every generated date.
TZ = timezone(timedelta(hours=5))
CURRENCY = "PKR"
COUNTRY_CODE = "PK"

#: Fulfilment locations (XStak "locations"): locationId is text, location_code an integer.
LOCATIONS = [
    {"id": "101", "code": 101, "name": "LHR-01", "city": "Lahore"},
    {"id": "102", "code": 102, "name": "KHI-02", "city": "Karachi"},
]

#: Order statuses played (the seed names "pending" and "completed"; the full list is not public).
STATUSES = ("pending", "confirmed", "packed", "shipped", "completed", "cancelled")
STATUS_WEIGHTS = (35, 15, 10, 10, 25, 5)

#: Catalog: SKU, name, unit price in PKR (taxes included).
CATALOG = [
    ("LAWN-3PC-01", "Printed Lawn 3-Piece Suit", 4500),
    ("KURTA-M-02", "Men's Cotton Kurta", 2999),
    ("DUPATTA-CHF-03", "Chiffon Embroidered Dupatta", 1899),
    ("KHUSSA-W-04", "Handmade Women's Khussa", 2799),
    ("CHAPPAL-PSH-05", "Peshawari Chappal", 3499),
    ("ATTAR-OUD-06", "Oud Attar 12 ml", 1599),
    ("RICE-BSM-5KG", "Super Basmati Rice 5 kg", 2450),
    ("CHAI-500G", "Danedar Black Tea 500 g", 1150),
    ("EARBUDS-BT-09", "Wireless Earbuds", 5999),
    ("CASE-PH-10", "Silicone Phone Case", 899),
]

#: Cities: name, province, CNIC district prefix, postal codes, areas, weight, serving location id.
CITIES = [
    ("Lahore", "Punjab", "35202", ("54000", "54660", "54792", "54770"),
     ("Gulberg III", "DHA Phase 5", "Model Town", "Johar Town", "Bahria Town"), 30, "101"),
    ("Karachi", "Sindh", "42101", ("74200", "75500", "75600", "75300"),
     ("Clifton Block 5", "DHA Phase 6", "Gulshan-e-Iqbal Block 13", "North Nazimabad Block H"), 30, "102"),
    ("Islamabad", "Islamabad Capital Territory", "61101", ("44000", "44220", "44790"),
     ("F-7/2", "G-9/3", "I-8/4", "E-11/3"), 15, "101"),
    ("Rawalpindi", "Punjab", "37405", ("46000", "46300"), ("Satellite Town", "Bahria Town Phase 7"), 10, "101"),
    ("Faisalabad", "Punjab", "33100", ("38000", "38090"), ("Peoples Colony", "Madina Town"), 8, "101"),
    ("Hyderabad", "Sindh", "41303", ("71000",), ("Latifabad Unit 7", "Qasimabad"), 7, "102"),
]

FIRST_NAMES = [
    "Ayesha", "Fatima", "Zainab", "Maryam", "Hira", "Sana", "Iqra", "Amna", "Mahnoor", "Sadia",
    "Bilal", "Ahmed", "Usman", "Hamza", "Ali", "Hassan", "Zeeshan", "Faisal", "Imran", "Saad",
]
SURNAMES = [
    "Khan", "Ahmed", "Malik", "Butt", "Chaudhry", "Sheikh", "Qureshi", "Siddiqui", "Raza", "Iqbal",
    "Hussain", "Mirza", "Abbasi", "Javed", "Aslam",
]
#: Relative likelihood of an order at each local hour (0 to 23).
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 1, 2, 4, 6, 8, 10, 11, 12, 12, 11, 11, 12, 13, 14, 15, 15, 13, 9, 5]
FREE_SHIPPING_FROM = 5000  # PKR: below it the buyer pays SHIPPING_FEE
SHIPPING_FEE = 250
FIRST_ORDER_ID = 5_000_000
FIRST_LINE_ID = 9_000_000


def location(location_id: str) -> dict:
    return next(row for row in LOCATIONS if row["id"] == location_id)


def cnic(rng: random.Random, prefix: str) -> str:
    """A CNIC as printed: ``35202-1234567-1`` (district prefix, 7 digits, check digit)."""
    return f"{prefix}-{rng.randint(0, 9_999_999):07d}-{rng.randint(1, 9)}"


def mobile(rng: random.Random) -> str:
    """A mobile number as Pakistanis write it: ``03001234567``."""
    return f"03{rng.randint(0, 49):02d}{rng.randint(0, 9_999_999):07d}"


def make_customer(rng: random.Random, city: tuple) -> tuple[dict, dict]:
    """A buyer and the address the order ships to."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    email = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.pk"
    customer = {"name": f"{first} {last}", "email": email, "phone": mobile(rng), "cnic": cnic(rng, city[2])}
    if rng.random() < 0.6:
        address1 = f"House {rng.randint(1, 250)}, Street {rng.randint(1, 40)}"
    else:
        address1 = f"Flat {rng.randint(1, 30)}, {rng.choice(('Al-Noor', 'Sky', 'Crescent', 'Royal'))} Residency"
    address = {"address1": address1, "address2": rng.choice(city[4]), "city": city[0], "province": city[1],
               "country_code": COUNTRY_CODE, "postal_code": rng.choice(city[3])}
    return customer, address


def _moment(rng: random.Random, now: datetime, days: float) -> datetime:
    """A local time within ``days`` before ``now`` (seconds precision), busier at noon and evening."""
    for _ in range(100):
        day = now - timedelta(days=rng.uniform(0, days))
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        moment = day.astimezone(TZ).replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59),
                                            microsecond=0)
        if now - timedelta(days=days) <= moment <= now:
            return moment
    return now.astimezone(TZ).replace(microsecond=0)


def generate_orders(rng: random.Random, count: int, now: datetime, days: float) -> list[dict]:
    """``count`` orders created within ``days`` before ``now``, ids ascending with ``created_at``."""
    drafts = []
    for _ in range(count):
        city = rng.choices(CITIES, weights=[row[5] for row in CITIES])[0]
        customer, address = make_customer(rng, city)
        items = rng.sample(CATALOG, rng.choices((1, 2, 3), weights=(55, 30, 15))[0])
        lines = [(sku, name, rng.choices((1, 2, 3), weights=(70, 20, 10))[0], price) for sku, name, price in items]
        status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
        drafts.append((_moment(rng, now, days), city, customer, address, lines, status))
    drafts.sort(key=lambda draft: draft[0])
    orders, line_id = [], FIRST_LINE_ID
    for number, (moment, city, customer, address, lines, status) in enumerate(drafts, start=1):
        line_items = []
        for sku, name, quantity, price in lines:
            line_id += 1
            line_items.append({"id": line_id, "sku": sku, "name": name, "quantity": quantity, "unit_price": price})
        goods = sum(item["quantity"] * item["unit_price"] for item in line_items)
        shipping = 0 if goods >= FREE_SHIPPING_FROM else SHIPPING_FEE
        place = location(city[6])
        orders.append({
            "id": FIRST_ORDER_ID + number,
            "order_number": f"XS-{100000 + number}",
            "created_at": moment.isoformat(timespec="seconds"),
            "order_status": status,
            "location_id": place["id"],
            "location_code": place["code"],
            "currency": CURRENCY,
            "customer": customer,
            "shipping_address": address,
            "line_items": line_items,
            "shipping_amount": shipping,
            "total_amount": goods + shipping,
        })
    return orders
