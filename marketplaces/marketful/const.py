"""Marketful fulfillment API: host, paths, field names and messages.

Source: ``shared/seeds/marketful_fulfillment_api.txt`` (the seed, API V1 of 22/07/2019) and the
"Marketful" section of ``shared/docs/api-notes.md``. A line marked *chosen* is a decision where
the seed is silent; where the seed and the public page disagree, both are written on one line.
"""

LABEL = "Marketful"
# chosen: Marketful fulfils in México; its items' list prices are in Mexican pesos (the module sells
# nothing through it: no pricelist is needed, the currency is what the account form names).
CURRENCY = "MXN"

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
# seed "MX-XX" with the 2-letter codes of Wikipedia's "Template:Mexico State-Abbreviation Codes" (e.g. MX-AG)
# | public example "MX - AG". chosen: sent as the seed says, "MX-AG"; see MX_STATES and mapping.mx_state.
STATE_PREFIX = "MX-"
# Odoo's Mexican state codes (res.country.state of base data: the ISO 3166-2 letters; older databases
# have DIF for Ciudad de México)
# -> the 2-letter codes of Wikipedia's "Template:Mexico State-Abbreviation Codes" ("2-letter code" column)
MX_STATES = {
    "AGU": "AG", "BCN": "BC", "BCS": "BS", "CAM": "CM", "CHP": "CS", "CHH": "CH", "COA": "CO", "COL": "CL",
    "CMX": "DF", "DIF": "DF", "DUR": "DG", "GUA": "GT", "GRO": "GR", "HID": "HG", "JAL": "JA", "MEX": "ME",
    "MIC": "MI", "MOR": "MO", "NAY": "NA", "NLE": "NL", "OAX": "OA", "PUE": "PB", "QUE": "QT", "ROO": "QR",
    "SLP": "SL", "SIN": "SI", "SON": "SO", "TAB": "TB", "TAM": "TM", "TLA": "TL", "VER": "VE", "YUC": "YU",
    "ZAC": "ZA",
}
# seed writes the field "Estado" in its table | api-notes/public example "estado". chosen: "estado"
# (every other field of contact_info is lower case; the sandbox accepts both).
STATE_FIELD = "estado"

# seed: item fields; the seed spells weight "weigth" (update example and table) and once
# "wieght"/"lenght" in a sentence. chosen: the table's spelling "weigth", "length".
ITEM_FIELDS = ("title", "list_price", "sku", "height", "width", "length", "weigth", "ean")

# seed: webhook types
WEBHOOK_TOPICS = ("order/created", "order/updated", "shipment_event/created")

# chosen (not public): the shapes below are exactly what sandbox/marketful.py serves (sandbox/README.md);
# the client also reads the older aliases noted in brackets.
# - create_item: items_saved [{"item_id", "sku", "title", "list_price", "ean", "height", "width", "length",
#   "weigth", "available_quantity"}] ["id"]; items_errors [{"index", "sku", "errors": [reasons]}] ["error"/
#   "message", a bare SKU]. "index" is the item's position in the request. 401 "Incomplete data" is read as
#   "every item refused" (a result, not an error).
# - update_item: 200 {"message": "Success", "description", "items_update": <item>};
#   405 {"message": "Item could not be updated", "errors": [reasons]} (the reasons go into the error's detail).
# - get_stock: 200 {"message", "sku", "item_id", "available_quantity", "avariable_quantity"} (the seed's typo
#   "avariable_quantity" is read when "available_quantity" is absent). get_stock_ean: {"message", "ean", "sku",
#   "available_quantity", "item_id"}.
# - multicanal_api: 200 {"message": "Success", "description", "order": <order>} ["id"/"orden"];
#   400 {"message": "Invalid order", "errors": [reasons]}; 409 {"message": "Orden ya existe", "order_id",
#   "canal", "num_orden"} for a second POST with the same canal + num_orden (RequestError code "already_exists").
# - <order> (multicanal_api, get_orders "orden", order/* webhooks): {"order_id" (Marketful's id), "num_orden",
#   "orden_id" (the seller's), "customer", "carrier_name", ..., "Estado", "canal", "tipo_envio", "asegurado",
#   "items": [{"sku", "cantidad"}], "fulfillment_status" ("pendiente", "enviado", "entregado"),
#   "tracking_number", "url_guia_pdf" ("" until shipped), "created_at", "updated_at"} ["id"; a list under
#   "ordenes"/"orders": its first element]. "Orden no encontrada" means no such order (any status).
# - entry order 401: "items" is a list of SKUs [{"sku"} objects].
# - get_events: 200 {"message": "Success", "orden": {"order_id", "num_orden", "canal", "fulfillment_status",
#   "tracking_number", "events": [<shipment event>]}} ["shipment_events"; "carrier_name" on "orden"].
# - <shipment event> (get_events, shipment_event/created webhooks): {"id", "order_id" (Marketful's order id),
#   "num_orden", "canal", "status", "description", "carrier_name", "tracking_number", "created_at"}.
# - webhooks: {"id", "url", "tipo", "created_at"} ["topic"]; the list under "webhooks".
# - webhook payloads: POST JSON {"tipo": <topic>, "webhook_id", "user", "data": <order> (order/*) or
#   <shipment event> (shipment_event/created)} [the bare object, or one wrapped in "orden"/"order"/
#   "shipment_event"].
WEBHOOK_DATA = "data"  # chosen: key of the notified object in a webhook payload
ORDER_EXISTS_STATUS = 409  # chosen: status of a second POST of the same canal + num_orden
ORDER_EXISTS_PREFIX = "orden ya existe"  # chosen: its message, compared case-insensitively, any 4xx
# seed: sku "(No special characters)". chosen: letters, digits, "-" and "_" (the sandbox's rule).
SKU_PATTERN = r"^[A-Za-z0-9_-]+$"

DELIVERED_STATUSES = ("entregado", "delivered", "entregada")  # chosen: delivered flag ("entregado" served)
