"""X-Mart: paths, payload shapes and limits — the one contract the client, the Odoo side and
the sandbox share.

Sources: ``shared/seeds/xmart_api_overview.txt`` (the seed: endpoint names and purposes, no paths
or payloads) and the "X-Mart" section of ``shared/docs/api-notes.md`` (public reference and brand
code). Every endpoint below is marked **public** (path and shape from the public material) or
**chosen** (the plainest shape consistent with the public ones, decided here). The sandbox serves
exactly this. X-Mart runs white-label on each brand's own host: the base URL is the account's
``api_url`` (there is no production default).

Conventions of every call (chosen where not public):
- JSON bodies and answers, UTF-8; ``Authorization: Bearer <access_token>`` on every call but the
  token's (public).
- Errors: an HTTP status >= 400 with ``{"message": "<text>", "errors": ["<detail>", ...]}``
  (``errors`` optional). 401 = token missing, expired or refused; 404 = unknown id; 400/422 = the
  body is refused (``errors`` say why); 429 with ``Retry-After``; 5xx transient.
- Ids are strings (``"ST-001"``); amounts are numbers in the account's currency, taxes included.
"""

LABEL = "X-Mart"
# chosen: the currency of an account whose X-Mart country is not set (Artisn, the platform, is
# Ecuadorian and sells in US dollars: api-notes; public examples show "currency": "USD"); an account
# with a country sells in that country's currency.
CURRENCY = "USD"

# -- token --------------------------------------------------------------------------------------
# public (brand integrations): POST /api/transactional/token
#   {"grant_type": "client_credentials", "client_id", "client_secret"}
#   -> 200 {"access_token", "token_type": "Bearer", "expires_in": <seconds>}
#   The seed's "Get Token" and "Obtain OAuth token with a registered client" are both this call.
#   (api-notes also show POST /api/authentication/login -> {accessToken}; not used: it gives no expiry.)
#   Refused client: 401 {"message": "invalid_client"}.
TOKEN_PATH = "/api/transactional/token"
GRANT_TYPE = "client_credentials"
DEFAULT_TOKEN_TTL = 3600  # chosen: lifetime assumed when expires_in is missing or unreadable
EXPIRY_MARGIN = 60  # chosen: a cached token is renewed this many seconds before it expires
# chosen: a call answered 401 gets one new token and is sent once more; a second 401 is an error.
TOKEN_REFUSED_STATUSES = (400, 401, 403)  # chosen: the token endpoint refusing the client id / secret

# -- stores and sales channels ------------------------------------------------------------------
# chosen: GET /api/v3/stores?vendorId=<brand id>  -> 200 {"stores": [<store>, ...]} (all stores of
#   the brand, any status; an unknown brand gives an empty list).
STORES_PATH = "/api/v3/stores"
# chosen: GET /api/v3/stores/{storeId} -> 200 <store>; 404 unknown.
STORE_PATH = "/api/v3/stores/{store_id}"
# chosen: PUT /api/v3/stores/{storeId}/status {"status": "ACTIVE" | "INACTIVE"} -> 200 <store>.
STORE_STATUS_PATH = "/api/v3/stores/{store_id}/status"
STORE_STATUSES = ("ACTIVE", "INACTIVE")
# public: POST /api/v3/channels-stores {"stores": [<store>], "channels": [<channel>]}
#   -> chosen answer 200 {"status": "success", "stores": <count>, "channels": <count>}.
#   **The whole configuration of the client is replaced: a store or channel left out is deleted**
#   (public). The module always sends every store and channel it manages for the account.
#   A store whose storeId is empty gets one from X-Mart (chosen: the answer then carries
#   "storeIds": {"<storeCode>": "<storeId>"} for every store sent).
CHANNELS_STORES_PATH = "/api/v3/channels-stores"
# <store> (public keys; inner shapes chosen):
#   {"storeId": str, "vendorId": str (brand id), "storeCode": str, "storeName": str,
#    "status": "ACTIVE" | "INACTIVE",
#    "services": ["DELIVERY" | "PICKUP", ...],
#    "schedulesByChannel": [{"channelId": str, "schedules": [{"day": "MONDAY".."SUNDAY",
#                            "from": "08:00", "to": "21:00"}]}],
#    "taxesInfo": {"taxRate": <percent>, "taxIncluded": true},
#    "contactInfo": {"phone": str, "email": str, "contactName": str},
#    "deliveryInfo": {"zoneIds": [str], "deliveryFee": number, "minimumOrder": number},
#    "locationInfo": {"cityId": str, "cityName": str, "sectorId": str, "address": str,
#                     "latitude": number, "longitude": number},
#    "storeChannels": [channelId, ...]}
STORE_SERVICES = ("DELIVERY", "PICKUP")
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
# <channel> (public): {"channelId": str, "channel": str (its name), "vendorId": str,
#    "channelReferenceName": str,
#    "additionalInfo": {"relatedLists": [{"listId": str, "listName": str}]}}

# -- lists (catalog) ------------------------------------------------------------------------------
# public path and body, seed's method: the seed names it "Register or Edit a List (PUT)"; api-notes
#   show POST /api/v3/products. chosen: PUT (the seed), at the public path.
#   PUT /api/v3/products {"list": <list>} -> 200 {"listId": str, "name": str, "active": bool,
#   "syncId": str}. **Full replace** (public): the list is replaced by what is sent; products left
#   out are removed. A list without "listId" is created (X-Mart gives its id).
LIST_PATH = "/api/v3/products"
# <list> (public keys; inner shapes chosen):
#   {"listId": str (absent for a new list), "listName": str, "vendorId": str,
#    "ecommerceChannelId": str, "storeId": str,
#    "categories": [{"categoryId": str, "name": str}],
#    "modifierGroups": [],
#    "products": [{"productId": str (the seller's SKU), "name": str, "description": str,
#                  "categoryId": str, "ean": str,
#                  "priceInfo": {"price": number (taxes included), "currency": "USD"},
#                  "taxesInfo": {"taxRate": <percent>},
#                  "stock": number, "available": bool,
#                  "schedules": [{"day", "from", "to"}] (empty: always),
#                  "images": [{"url": str, "position": int}]}]}
# chosen (unclear above): image "position" counts from 1 in the order of the product's images.
# chosen: the module sends products sorted by productId and categories by categoryId (a stable payload).
# chosen: GET /api/v3/lists/{listId}/sync-report -> 200 {"listId", "syncId", "status":
#   "PROCESSING" | "FINISHED" | "FAILED", "processedAt": iso | null, "total": int, "errors":
#   [{"productId": str, "message": str}]}. While PROCESSING, read it again later.
SYNC_REPORT_PATH = "/api/v3/lists/{list_id}/sync-report"
SYNC_STATUSES = ("PROCESSING", "FINISHED", "FAILED")

# -- orders (v3 injection) -------------------------------------------------------------------------
# chosen: the New Order Webhook: X-Mart POSTs to the URL the seller registers (one URL for all the
#   client's stores, public) {"event": "NEW_ORDER", "orderId": str, "storeId": str,
#   "channelId": str, "createdAt": iso}; when a shared secret is configured X-Mart sends it in the
#   header below. Any 2xx answer is a delivery; X-Mart retries other answers.
WEBHOOK_EVENT = "NEW_ORDER"
WEBHOOK_SECRET_HEADER = "X-Xmart-Secret"  # chosen
# chosen: GET /api/v3/orders/{orderId} -> 200 <order>; 404 unknown.
ORDER_PATH = "/api/v3/orders/{order_id}"
# <order> (chosen):
#   {"orderId": str, "orderNumber": str, "storeId": str, "channelId": str, "vendorId": str,
#    "status": <order status>, "orderType": "DELIVERY" | "PICKUP", "createdAt": iso with offset,
#    "currency": "USD",
#    "customer": {"name": str, "documentType": str, "document": str, "email": str, "phone": str},
#    "billing": {"finalConsumer": bool, "name": str, "documentType": str, "document": str,
#                "address": str, "email": str},
#    "shippingAddress": {"address": str, "reference": str, "cityId": str, "cityName": str,
#                        "sectorId": str, "sectorName": str, "latitude": number,
#                        "longitude": number} | null (pickup),
#    "items": [{"itemId": str, "productId": str (seller SKU), "name": str, "quantity": number,
#               "unitPrice": number, "total": number,
#               "modifiers": [{"name": str, "price": number}]}],
#    "subtotal": number, "deliveryFee": number, "discount": number, "total": number,
#    "payment": {"method": str, "status": str, "amount": number}}
#   Amounts include taxes; total = sum(item total) + deliveryFee - discount; an item's total =
#   quantity * (unitPrice + sum of its modifiers' prices).
# chosen (unclear above): "subtotal" reads as sum(item total); informative, the import checks total.
ORDER_TYPES = ("DELIVERY", "PICKUP")
TOTAL_TOLERANCE = 0.01  # chosen: one cent of float noise
# chosen: a DELIVERY order needs "shippingAddress"; a PICKUP order's address is ignored (there is none).
# public: POST /api/order/status {"order_id": str, "status": str} -> 200 {"status": "success"}.
#   Status values (chosen, in the spelling of the public "Canceled"):
ORDER_STATUS_PATH = "/api/order/status"
STATUS_ACCEPTED = "Accepted"
STATUS_IN_PREPARATION = "InPreparation"
STATUS_READY = "Ready"
STATUS_DISPATCHED = "Dispatched"
STATUS_DELIVERED = "Delivered"
STATUS_CANCELED = "Canceled"
ORDER_STATUSES = (STATUS_ACCEPTED, STATUS_IN_PREPARATION, STATUS_READY, STATUS_DISPATCHED,
                  STATUS_DELIVERED, STATUS_CANCELED)
STATUS_NEW = "New"  # chosen: the status of an order X-Mart just received (not sent by sellers)
# public path: POST /api/order/tracking (shape chosen)
#   {"order_id": str, "tracking_number": str, "carrier": str, "tracking_url": str}
#   -> 200 {"status": "success"}.
TRACKING_PATH = "/api/order/tracking"
# public shape: PUT (path chosen) /api/order/transfer
#   {"order": str (orderId), "from_store": str, "to_store": str, "processed_by": str,
#    "transfer_reason": str, "shipping_address": {<order shippingAddress>} | null}
#   -> 200 {"status": "success", "order": <order>} (the order now in to_store); 404 unknown order
#   or store; 409 {"message": "..."} when the order is dispatched, delivered or canceled.
TRANSFER_PATH = "/api/order/transfer"
# chosen: POST /api/order/pickup/dispatched {"order_id": str} -> 200 {"status": "success"};
#   409 when the order is not a PICKUP order or already dispatched.
PICKUP_DISPATCHED_PATH = "/api/order/pickup/dispatched"
# chosen: POST /api/coupons/redeem {"uid": str, "promotion_code": str, "order_id": str}
#   -> 200 {"status": "success", "couponId": str, "discount": number, "redeemedAt": iso};
#   409 {"message": "..."} when already redeemed; 404 unknown code.
COUPON_PATH = "/api/coupons/redeem"
# chosen: GET /api/order/{orderId}/payment -> 200 {"order_id": str, "method": str, "status": str,
#   "amount": number, "currency": str, "paidAt": iso | null,
#   "transactions": [{"id": str, "type": str, "amount": number, "status": str}]}
PAYMENT_PATH = "/api/order/{order_id}/payment"

# -- onboarding files (the admin's data the seed asks for; chosen formats) -----------------------
# CSV: UTF-8 with or without BOM, "," or ";" separated (read from the header row), a header row of
#   these column names (any case, any order, extra columns ignored); decimal point or decimal comma.
CITIES_CSV_COLUMNS = ("name", "latitude", "longitude")  # cities: name,latitude,longitude
SECTORS_CSV_COLUMNS = ("name", "latitude", "longitude", "city")  # sectors: name,latitude,longitude,city
# zones CSV: polygon = KML-style "lon,lat lon,lat ..." (closed if not); rows sharing a code are one zone.
ZONES_CSV_COLUMNS = ("name", "code", "city", "polygon")
# zones KML: each Placemark with a Polygon (MultiGeometry too; outer boundaries), its <name>, and
#   ExtendedData Data (or SchemaData SimpleData) "code" and "city"; no code: the name's slug.
ZONE_CODE_FIELD = "code"
ZONE_CITY_FIELD = "city"
# zones KMZ: a zip holding doc.kml, else its first .kml; that .kml at most this size uncompressed.
KMZ_MAX_KML_BYTES = 20 * 1024 * 1024
ZONE_FILE_TYPES = (".csv", ".kml", ".kmz")
# "List of zones and stores" handed to X-Mart: UTF-8 CSV, "," separated, this header.
ZONES_STORES_CSV_COLUMNS = ("store_code", "store_name", "zone", "city")
