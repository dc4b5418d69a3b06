import copy
import json
import os
import subprocess
import sys
import time
from datetime import timedelta

import requests
import responses

from odoo import fields
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase
from odoo.tools.misc import file_path

from ..models.marketplace_account import _TOKEN_CACHE

#: A local address: Odoo's test harness blocks outgoing HTTP except to localhost, and
#: ``responses`` answers below requests' session, so mocked calls never leave the machine.
#: A call that no mock answers fails at once (nothing listens on port 9).
EXITO_URL = "http://127.0.0.1:9/exito"
EXITO_ORDERS_URL = EXITO_URL + "/dev/api/orders"
EXITO_TOKEN = "test-exito-token"


def seed_page():
    """The seed's own answer of GET /dev/api/orders (one order)."""
    with open(file_path("marketplace_connector/marketplaces/tests/fixtures/exito_orders_seed.json"),
              encoding="utf-8") as fixture:
        return json.load(fixture)


def exito_order(number, lines, shipping=0, identification=None, name="Ana María Gómez Restrepo",
                address="Calle 45 # 23-10, MEDELLIN, ANTIOQUIA, Colombia", code_dane="05001000"):
    """An Éxito order in the seed's shape.

    :param lines: ``[(ean, reference, quantity, unit_price), ...]``
    """
    order = copy.deepcopy(seed_page()["viewModel"][0])
    order_id = str(637000000000000000 + int(number))
    order.update({
        "id": order_id,
        "orderNumber": str(number),
        "dateOrder": "2026-11-20T10:15:00.000-05:00",
        "dateMaxDeliveryOrder": "2026-11-25T19:00:00-05:00",
        "idStatusOrder": 35,
        "statusOrder": "Asignado",
        "costTotalOrder": sum(quantity * price for _ean, _ref, quantity, price in lines),
        "costTotalShipping": shipping,
        "codeDane": code_dane,
        "clientName": name,
        "identificationCard": identification or str(1000000000 + int(number)),
        "clientAddress": address,
        "clientTelephone": "3001234567",
        "paginationToken": f"{order_id}|11618",
        "products": [
            dict(order["products"][0], id=f"{order_id}{index:02d}", ean=ean, reference=reference,
                 quantity=quantity, costProduct=price, costShippingProduct=shipping if index == 0 else 0,
                 nameProduct=f"Product {ean}", idStatusProduct=35, statusProduct="Asignado",
                 tracking=None, carrier=None, dateDelivery=None)
            for index, (ean, reference, quantity, price) in enumerate(lines)
        ],
    })
    return order


def orders_page(orders, next_token="{}"):
    return {"viewModel": orders, "count": len(orders), "paginationToken": next_token, "paginationTokens": []}


def forget_cached_tokens(case):
    """Start a test without the access tokens earlier tests left in the process's cache (the cache
    outlives a test's rolled-back transaction, while each test starts with fresh mocks or sandbox)."""
    _TOKEN_CACHE.clear()
    case.addCleanup(_TOKEN_CACHE.clear)


class MarketplaceCase(TransactionCase):
    """An Éxito account in a COP pricelist, products with a 19% IVA not included in their price
    (the common case that the import must turn into marketplace prices, taxes included)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.cop = cls.env.ref("base.COP")
        cls.cop.active = True
        cls.pricelist = cls.env["product.pricelist"].create({"name": "Éxito COP", "currency_id": cls.cop.id})
        cls.iva = cls.env["account.tax"].create({
            "name": "IVA 19% test", "amount": 19.0, "amount_type": "percent", "type_tax_use": "sale",
            "price_include_override": "tax_excluded", "company_id": cls.company.id,
        })
        cls.shipping_product = cls.env.ref("marketplace_connector.product_marketplace_shipping")
        cls.shipping_product.taxes_id = cls.iva
        cls.products = cls.env["product.product"].create([
            {"name": name, "barcode": ean, "default_code": reference, "list_price": price,
             "type": "consu", "is_storable": True, "taxes_id": [(6, 0, cls.iva.ids)]}
            for name, ean, reference, price in (
                ("Smartwatch", "7752285029933", "smartwatch08", 189900),
                ("Headphones", "7701234500016", "AUD-BT-01", 129900),
                ("Speaker", "7701234500023", "PAR-PORT-02", 219900),
                ("Charger", "7701234500030", "CARG-USBC-20", 49900),
            )
        ])
        cls.smartwatch, cls.headphones, cls.speaker, cls.charger = cls.products
        cls.account = cls.env["marketplace.account"].create({
            "name": "Éxito test",
            "marketplace": "exito",
            "api_url": EXITO_URL,
            "api_token": EXITO_TOKEN,
            "pricelist_id": cls.pricelist.id,
            "import_from_date": "2026-11-01",
        })
        cls.Job = cls.env["marketplace.job"]
        cls.SaleOrder = cls.env["sale.order"]

    @classmethod
    def create_account(cls, company, **values):
        """Another Éxito account, in ``company`` (defaults taken from that company)."""
        return cls.env["marketplace.account"].with_company(company).create({
            "name": f"Éxito {company.name}", "marketplace": "exito", "company_id": company.id,
            "api_url": EXITO_URL, "api_token": EXITO_TOKEN, **values,
        })

    def setUp(self):
        super().setUp()
        forget_cached_tokens(self)
        self.http = responses.RequestsMock(assert_all_requests_are_fired=False)
        self.http.start()
        self.addCleanup(self.http.stop)
        self.addCleanup(self.http.reset)

    def mock_pages(self, *pages):
        """Answer GET /dev/api/orders with these pages, in order, whatever the token."""
        for page in pages:
            self.http.get(EXITO_ORDERS_URL, json=page)

    def run_jobs(self, account=None):
        return self.Job._run_due_jobs(account_ids=(account or self.account).ids)

    def orders_of(self, account=None):
        return self.SaleOrder.search([("marketplace_account_id", "=", (account or self.account).id)])

    def jobs_of(self, job_type="import_order", account=None):
        return self.Job.search([("account_id", "=", (account or self.account).id), ("job_type", "=", job_type)])


class Sandbox:
    """The bundled sandbox (``python -m sandbox``) in a subprocess, on a free port."""

    def __init__(self, *args):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", "0", "--quiet", *args],
            cwd=get_module_path("marketplace_connector"), stdout=subprocess.PIPE, text=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"))
        line = self.process.stdout.readline().strip()
        if not line.startswith("Sandbox listening on "):
            self.stop()
            raise RuntimeError(f"The sandbox did not start: {line!r}")
        self.url = line.removeprefix("Sandbox listening on ")
        self.exito_url = self.url + "/exito"
        self.session = requests.Session()
        for _attempt in range(50):
            if self.get("/_sandbox/health").get("status") == "ok":
                break
            time.sleep(0.1)

    def get(self, path):
        response = self.session.get(self.url + path, timeout=10)
        response.raise_for_status()
        return response.json()

    def post(self, path, body):
        response = self.session.post(self.url + path, json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process.stdout.close()


MARKETFUL_URL = "http://127.0.0.1:9/marketful"
MARKETFUL_TOKEN = "test-marketful-token"
MARKETFUL_USER = "test-user"


class MarketfulCase(TransactionCase):
    """A Marketful account operating its own warehouse, the sandbox's catalog as products (with
    their SKUs as internal references), a carrier mapped to Estafeta, and a Mexican customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", "http://localhost:8069")
        cls.warehouse = cls.env["stock.warehouse"].create({"name": "Marketful CDMX", "code": "MKF"})
        cls.account = cls.env["marketplace.account"].create({
            "name": "Marketful test",
            "marketplace": "marketful",
            "api_url": MARKETFUL_URL,
            "api_token": MARKETFUL_TOKEN,
            "marketful_user_id": MARKETFUL_USER,
            "warehouse_id": cls.warehouse.id,
        })
        cls.products = cls.env["product.product"].create([
            {"name": name, "default_code": sku, "barcode": ean, "list_price": price, "weight": weight,
             "is_storable": True}
            for sku, name, price, ean, weight in (
                ("PRO20PRO", "Proteína 2 kg", 899.0, "7501234500011", 2.2),
                ("PRO10PRO", "Proteína 1 kg", 499.0, "7501234500028", 1.1),
                ("PLR-12", "Pluma roja (caja 12)", 355.0, "7501234500035", 0.3),
            )
        ])
        cls.protein_2kg, cls.protein_1kg, cls.pens = cls.products
        cls.estafeta = cls.env["delivery.carrier"].create({
            "name": "Estafeta Terrestre", "marketful_carrier": "Estafeta",
            "product_id": cls.env["product.product"].create({"name": "Estafeta", "type": "service"}).id,
        })
        cls.customer = cls.env["res.partner"].create({
            "name": "María López Hernández",
            "street": "Av. Insurgentes Sur 1602 Int. 4",
            "street2": "Crédito Constructor",
            "city": "Ciudad de México",
            "state_id": cls.env.ref("base.state_mx_df").id,
            "zip": "03940",
            "country_id": cls.env.ref("base.mx").id,
            "phone": "+52 55 1234 5678",
        })
        cls.Job = cls.env["marketplace.job"]

    def make_order(self, lines=None, partner=None, carrier=None, confirm=True):
        """A sale order shipping from the Marketful warehouse: ``lines`` is ``[(product, qty)]``."""
        order = self.env["sale.order"].create({
            "partner_id": (partner or self.customer).id,
            "warehouse_id": self.warehouse.id,
            "carrier_id": (carrier or self.estafeta).id,
            "order_line": [fields.Command.create({"product_id": product.id, "product_uom_qty": qty})
                           for product, qty in (lines or [(self.protein_2kg, 2), (self.pens, 1)])],
        })
        if confirm:
            order.action_confirm()
        return order

    def run_jobs(self):
        return self.Job._run_due_jobs(account_ids=self.account.ids)

    def jobs_of(self, job_type):
        return self.Job.search([("account_id", "=", self.account.id), ("job_type", "=", job_type)])

    def make_due(self, jobs):
        jobs.write({"next_attempt_date": fields.Datetime.now() - timedelta(seconds=1)})

    def stock_in_warehouse(self, product, quantity):
        self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, quantity)


class XmartCase(TransactionCase):
    """An X-Mart account of brand BR-001 (the sandbox's Pollo Dorado) selling in Ecuador, in USD,
    with the menu's products as listings (seller SKUs) and stock in two warehouses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", "http://localhost:8069")
        usd = cls.env.ref("base.USD")
        cls.pricelist = cls.env["product.pricelist"].create({"name": "X-Mart USD", "currency_id": usd.id})
        cls.iva = cls.env["account.tax"].create({
            "name": "IVA 15% test", "amount": 15.0, "amount_type": "percent", "type_tax_use": "sale",
            "price_include_override": "tax_excluded", "company_id": cls.env.company.id})
        cls.north = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.south = cls.env["stock.warehouse"].create({"name": "Guayaquil", "code": "GYE"})
        cls.account = cls.env["marketplace.account"].create({
            "name": "X-Mart test", "marketplace": "xmart", "api_url": "http://127.0.0.1:9/xmart",
            "xmart_client_id": "sandbox-xmart-client", "xmart_client_secret": "sandbox-xmart-secret",
            "xmart_country_id": cls.env.ref("base.ec").id, "pricelist_id": cls.pricelist.id,
            "xmart_brand_ids": [fields.Command.create({"name": "Pollo Dorado", "identifier": "BR-001"})],
        })
        cls.brand = cls.account.xmart_brand_ids
        cls.products = cls.env["product.product"].create([
            {"name": name, "default_code": sku, "list_price": price, "is_storable": True,
             "taxes_id": [fields.Command.set(cls.iva.ids)]}
            for name, sku, price in (("Combo familiar", "COMBO-FAM", 20.0), ("Papas medianas", "PAPAS-M", 2.5),
                                     ("Gaseosa 1 L", "GASEOSA-1L", 1.5))
        ])
        cls.combo, cls.fries, cls.soda = cls.products
        cls.listings = cls.env["marketplace.listing"].create(
            [{"account_id": cls.account.id, "product_id": product.id} for product in cls.products])
        for product in cls.products:
            for warehouse in (cls.north, cls.south):
                cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 50)
        cls.Job = cls.env["marketplace.job"]

    def setUp(self):
        super().setUp()
        forget_cached_tokens(self)

    def run_jobs(self):
        return self.Job._run_due_jobs(account_ids=self.account.ids)

    def jobs_of(self, job_type):
        return self.Job.search([("account_id", "=", self.account.id), ("job_type", "=", job_type)])

    def make_due(self, jobs):
        jobs.write({"next_attempt_date": fields.Datetime.now() - timedelta(seconds=1)})
