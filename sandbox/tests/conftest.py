"""Fixtures shared by the seller-center tests: the seed's examples, a sandbox and a fake "module" endpoint."""

from __future__ import annotations

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from sandbox.server import start_in_thread

TOKEN = "sandbox-exito-token"
AUTH = {"Authorization": TOKEN}
SEED = json.loads((Path(__file__).with_name("seed_examples.json")).read_text(encoding="utf-8"))


class ExitoClient:
    """Calls to a running sandbox: the Éxito API under ``/exito`` and the control API."""

    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method, path, body=None, headers=AUTH, culture="es-CO", **params):
        if culture is not None:
            params = {"culture": culture, **params}
        kwargs = {"params": params, "headers": headers, "timeout": 15}
        if isinstance(body, (bytes, str)):
            kwargs["data"] = body
        elif body is not None:
            kwargs["json"] = body
        return requests.request(method, f"{self.url}/exito{path}", **kwargs)

    def control(self, method, path, body=None):
        response = requests.request(method, f"{self.url}/_sandbox{path}", json=body, timeout=15)
        return response

    def reset(self, **exito):
        response = self.control("POST", "/reset", {"seed": 3, "exito": {"now": "2024-05-10T12:00:00-05:00", **exito}})
        assert response.status_code == 200, response.text
        return response.json()

    # products
    def create_products(self, products, **kwargs):
        return self.call("POST", "/products-massive/", products, **kwargs)

    def status(self):
        response = self.call("GET", "/products-massive/status")
        assert response.status_code == 200, response.text
        return response.json()

    def finish_process(self):
        """Poll the status until the bulk process is final; returns the statuses seen."""
        seen = []
        for _ in range(5):
            seen.append(self.status()["data"]["status"])
            if seen[-1] in (2, 3):
                return seen
        raise AssertionError(seen)

    def publish(self, *eans, name="Producto de prueba", sku_prefix="SKU"):
        """Create technology products with these EANs (from the seed's example) and finish the process."""
        products = [product(ean, name=name, SellerSku=f"{sku_prefix}{ean}") for ean in eans]
        response = self.create_products(products)
        assert response.status_code == 200 and response.json()["Data"][0]["error"] == 0, response.text
        self.finish_process()

    def offers(self, body, **kwargs):
        return self.call("PATCH", "/OfferExternal", body, **kwargs)

    def orders(self):
        return self.control("GET", "/exito/orders").json()


def product(ean="9205147694107", **changes):
    """The seed's technology product with ``Ean`` and other fields changed."""
    item = copy.deepcopy(SEED["products_technology"][0])
    item["Ean"] = ean
    item.update(changes)
    return item


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


# test modules cannot import conftest (importlib mode): they reach the helpers through the fixture
ExitoClient.seed = SEED
ExitoClient.product = staticmethod(product)
ExitoClient.wait_for = staticmethod(wait_for)


class ModuleEndpoint:
    """A tiny HTTP server playing the module's callback endpoints; records every request."""

    def __init__(self, status: int = 200) -> None:
        self.received: list[dict] = []
        self.status = status
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_PATCH(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                endpoint.received.append({"method": self.command, "path": self.path,
                                          "headers": dict(self.headers.items()), "body": json.loads(body)})
                answer = b'{"ok": true}'
                self.send_response(endpoint.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def exito():
    server, thread = start_in_thread(log_requests=False)
    yield ExitoClient(server.url)
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def module_endpoint():
    endpoint = ModuleEndpoint()
    yield endpoint
    endpoint.close()
