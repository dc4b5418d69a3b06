"""iMotriz transactions API: hosts, paths, shapes and messages.

Source: ``shared/seeds/imotriz_transactions_api_es.txt`` (the seed) and ``shared/docs/api-notes.md``.
A line marked *chosen* is a decision where the seed is silent (the seed's examples are empty:
it gives the newOrders path and the envelope keys, no record and no other path).
"""

LABEL = "iMotriz"

# Hosts per country (seed, "RECURSOS DE API DISPONIBLES"). An account's ``api_url`` replaces
# scheme and host; the paths below stay as they are.
HOSTS = {
    "CO": "https://www.imotriz.com",
    "MX": "https://www.imotriz.com.mx",
    "EC": "https://www.imotriz.com.ec",
    "CR": "https://www.imotriz.co.cr",
}
COUNTRIES = tuple(HOSTS)
# chosen: the currency of an order that carries none, by the store's country
CURRENCIES = {"CO": "COP", "MX": "MXN", "EC": "USD", "CR": "CRC"}

# seed: GET, at most 30 records in "data", "metadata" {total_transactions_found,
# returned_transactions, pending_transactions}; DESTRUCTIVE: the returned orders are marked
# synced and never returned again. Call again while pending_transactions > 0.
NEW_ORDERS_PATH = "/api/cart/transaction/newOrders"
NEW_ORDERS_MAX = 30
# chosen: path of "IDs de los pedidos de los últimos 8 días"; answer {"data": [<id>, ...]}
# (ids as numbers or strings, whatever their sync mark; not destructive)
RECENT_IDS_PATH = "/api/cart/transaction/lastOrdersIds"
# chosen: path of "Consulta un pedido específico"; answer {"data": {order, products, buyer}}
# (the record shape of newOrders); 404 when the order is unknown or outside the sync range
ORDER_PATH = "/api/cart/transaction/order/{order_id}"
RECENT_DAYS = 8  # seed

# chosen: an error answer is {"message": "<text>"} (the seed gives codes only: 401, 403, 404, 500)
# chosen: record shape (api-notes gives order.total and the product/buyer fields below):
#   order    {id, reference, created_at (ISO 8601 with offset), status, currency, subtotal,
#             shipping_cost, total, payment_method}
#   products [{id, code (seller's SKU), name, quantity, unit_price, unit_price_before}]
#   buyer    {name, identification_type, identification, email, mobile, address, city, state}
# chosen: prices are taxes included (what the buyer paid): total = Σ unit_price × quantity
#   + shipping_cost; subtotal = Σ unit_price × quantity; unit_price_before is the list price
#   before a discount (informative only)

# chosen: tolerance when checking that the lines and shipping add up to order.total (one unit of
# the currency absorbs rounding, not a real difference)
TOTAL_TOLERANCE = 1.0

# Where the seller sets token and sync date (seed, "REQUISITOS PARA USAR LA API")
SETTINGS_MENU = "Administrar Tienda > Configuración > Integración API"
SYNC_DATE_FIELD = "Sincronizar pedidos desde:"
SYNC_DATE_ERROR_CODE = "sync_date_not_configured"  # error code of a 403 (sync start date not configured)
SYNC_DATE_MAX_DAYS = 30  # seed: at most 30 days back from today
