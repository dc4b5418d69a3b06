"""Grupo Éxito seller center: hosts, paths, parameters and codes.

Source: ``shared/seeds/exito_seller_center_api.txt`` (the seed) and ``shared/docs/api-notes.md``.
A line marked *chosen* is a decision where the seed is silent.
"""

LABEL = "Éxito"

# Base URLs of the API groups, as the seed gives them. An account's ``api_url`` replaces
# scheme and host; the paths below stay as they are.
ORDERS_BASE_URL = "https://frgj254c3l.execute-api.us-east-1.amazonaws.com"
PRODUCTS_BASE_URL = "https://n8pu9xx2ba.execute-api.us-east-1.amazonaws.com/products-massive"
SPECS_BASE_URL = "https://v4lygeaus7.execute-api.us-east-1.amazonaws.com/"
OFFERS_BASE_URL = "https://1izv6nqmub.execute-api.us-east-1.amazonaws.com"
BILLING_BASE_URL = "https://iqur5b3ua3.execute-api.us-east-1.amazonaws.com/billing"

ORDERS_PATH = "/dev/api/orders"

CULTURES = ("es-CO", "en-US")
CURRENCY = "COP"
COUNTRY_CODE = "CO"

# Paging (seed, "Get Orders"): '{}' is sent first and comes back on the last page.
PAGINATION_START = "{}"
PAGINATION_END = "{}"
ORDERS_PAGE_LIMIT = 100  # chosen: the seed's example value; the seed gives no maximum
DATE_FORMAT = "%Y/%m/%d"  # seed: yyyy/MM/dd

# Order status ids (api-notes: public seller-center code). The seed's filter allows 35 and 170.
STATUS_ASSIGNED = "35"
STATUS_SENT = "170"
ORDER_STATUS_FILTERS = (STATUS_ASSIGNED, STATUS_SENT)
STATUS_NAMES = {
    "35": "Asignado", "45": "AprobadoDespacho", "47": "Empacado", "50": "FacturadoEnviado",
    "55": "RechazadoDespacho", "60": "Entregado", "80": "Cancelado", "120": "PagadoCancelado",
    "170": "EnProcesoDeEnvio", "185": "SinInventario",
}

# chosen: tolerance when checking that the lines add up to costTotalOrder (COP has no cents
# in Éxito's payloads; one peso absorbs float noise, not a real difference).
TOTAL_TOLERANCE = 1.0
