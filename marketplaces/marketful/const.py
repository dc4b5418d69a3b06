"""Marketful fulfillment API: host, paths, field names and messages.

Source: ``shared/seeds/marketful_fulfillment_api.txt`` (the seed, API V1 of 22/07/2019) and the
"Marketful" section of ``shared/docs/api-notes.md``. A line marked *chosen* is a decision where
the seed is silent; where the seed and the public page disagree, both are written on one line.
"""

LABEL = "Marketful"

BASE_URL = "https://fulfillment.marketful.mx"  # seed: "URL for production requests"

# seed: paths and methods
CREATE_ITEMS_PATH = "/items/create_item"  # POST {"items": [...]}
UPDATE_ITEM_PATH = "/items/update_item"  # POST {item_id, title, ...}
DELETE_ITEM_PATH = "/items/delete_item"  # POST {item_id}
STOCK_PATH = "/items/get_stock"  # GET ?sku=
STOCK_EAN_PATH = "/items/get_stock_ean"  # GET ?ean=
FULFILLMENT_ORDER_PATH = "/shopi_orders/multicanal_api"  # POST {"order": {contact_info, items}}
GET_ORDERS_PATH = "/shopi_orders/get_orders"  # GET ?canal=&orden=
ENTRY_ORDER_PATH = "/entradas/nueva_entrada_api"  # POST {"entry_order": {sku: qty}}
SHIPMENT_EVENTS_PATH = "/shipment_events/get_events"  # GET ?order_id=
WEBHOOKS_LIST_PATH = "/webhooks/consultar"  # GET
WEBHOOK_CREATE_PATH = "/webhooks/crear"  # POST {url, tipo}
WEBHOOK_DELETE_PATH = "/webhooks/eliminar"  # POST {webhook_id}
# chosen: GETs send their parameters as query parameters (api-notes: the public examples do);
# POSTs send a JSON body (the seed's "JSON format").

# seed: Authorization: <access token> (no Bearer), User: <user id>
AUTH_HEADER = "Authorization"
USER_HEADER = "User"

# seed: answers whose "message" means the credentials are wrong or missing, whatever the HTTP
# status (400, 403 or 404 depending on the endpoint). Compared case-insensitively.
AUTH_MESSAGES = ("user not found", "invalid authorization", "seller not found", "invalid token")
# seed: "Orden no encontrada" (get_orders), "Orden no encontrad" (get_events, sic)
ORDER_NOT_FOUND_PREFIX = "orden no encontrad"
# seed: webhooks/crear answers 404 "Ya existe un Webhook para <tipo>" when the type already has
# a webhook with another URL (same type and URL: 200 with the existing webhook)
WEBHOOK_EXISTS_PREFIX = "ya existe un webhook"
# seed: webhooks/eliminar answers 404 "Webhook <id> no encontrado"
WEBHOOK_NOT_FOUND_SUFFIX = "no encontrado"

# seed: carriers accepted in carrier_name
CARRIERS = ("Marketful", "Fedex", "DHL", "UPS", "Estafeta", "Will_Call")
# seed writes "económico"; the public page (api-notes) writes "economico". chosen: the seed's
# spelling is sent; both spellings are accepted from the caller.
SHIPPING_ECONOMY = "económico"  # seed "económico" | public page "economico"
SHIPPING_NEXT_DAY = "dia_siguiente"
SHIPPING_TYPES = (SHIPPING_ECONOMY, SHIPPING_NEXT_DAY)
SHIPPING_ALIASES = {"economico": SHIPPING_ECONOMY, "económico": SHIPPING_ECONOMY,
                    "dia_siguiente": SHIPPING_NEXT_DAY, "día_siguiente": SHIPPING_NEXT_DAY}
# seed "MX-XX" (e.g. MX-AG) | public example "MX - AG". chosen: sent as the seed says, "MX-AG";
# "MX - AG" from the caller is normalised.
STATE_PATTERN = r"^MX-[A-Z]{2,3}$"
# seed writes the field "Estado" in its table | api-notes/public example "estado". chosen: "estado"
# (every other field of contact_info is lower case).
STATE_FIELD = "estado"

# seed: item fields; the seed spells weight "weigth" (update example and table) and once
# "wieght"/"lenght" in a sentence. chosen: the table's spelling "weigth", "length".
ITEM_FIELDS = ("title", "list_price", "sku", "height", "width", "length", "weigth", "ean")

# seed: webhook types
WEBHOOK_TOPICS = ("order/created", "order/updated", "shipment_event/created")

# chosen (not public): shapes of the answers and payloads the seed leaves out.
# - create_item: items_saved [{"sku", "item_id"}] ("id" accepted), items_errors [{"sku", "error"}]
#   ("errors"/"message" accepted, a list of messages is joined); a bare SKU string is accepted.
#   The 401 "Incomplete data" answer is read as "every item refused" (a result, not an error).
# - update_item: 200 {"message": "Success", "items_update": {...}}
# - get_stock: the seed spells "avariable_quantity" (sic); "available_quantity" accepted too.
# - multicanal_api: 200 {"message": "Success", "order": {"id": <Marketful order id>, ...}}
#   ("orden"/"order_id" accepted)
# - get_orders: 200 {"message": "Success", "orden": {"id", "num_orden", "orden_id", "canal",
#   "carrier_name", "tracking_number", "url_guia_pdf", "fulfillment_status"}} (a list under
#   "ordenes"/"orders" also accepted: its first element is read); "Orden no encontrada" means
#   the order does not exist (any status).
# - entry order 401: "items" is a list of SKUs (or of {"sku"} objects)
# - get_events: 200 {"message": "Success", "orden": {"id", "tracking_number", "carrier_name",
#   "shipment_events": [{"id", "status", "description", "created_at", "tracking_number"}]}}
# - webhooks: {"id", "url", "tipo"} ("topic" accepted); list under "webhooks".
# - webhook payloads: the order object of get_orders (order/*) or one shipment event with
#   "order_id", "canal", "num_orden", "tracking_number", "carrier_name", "status"
#   (shipment_event/*); either may come wrapped in "orden"/"order"/"shipment_event".
DELIVERED_STATUSES = ("entregado", "delivered", "entregada")  # chosen: delivered flag
