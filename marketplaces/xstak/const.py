"""XStak OMS: hosts, paths, parameters and limits.

Source: ``shared/seeds/xstak_oms_sales_api.txt`` (the seed, "OMS Sales APIs v1.0") and
``shared/docs/api-notes.md`` ("XStak OMS"). A line marked *chosen* is a decision where the seed
is silent.
"""

LABEL = "XStak"

# Two hosts, as the seed gives them. An account's ``api_url`` replaces scheme and host of both;
# the paths below stay as they are (so one sandbox host serves both).
AUTH_BASE_URL = "https://api-copilot-stage-local.xstak.com"
ORDERS_BASE_URL = "https://oe-unc-stage-local.xstak.com"

# -- token (seed, "Authentication: Access Token") -------------------------------------------

TOKEN_PATH = "/v1/admin/service-account/token"  # seed endpoint (its curl example drops the dash)
GRANT_TYPE = "client_credentials"
# The seed's body spells the key "grant type"; its parameter list and the public guide (api-notes)
# spell it "grantType". chosen: send both keys with the same value, so either reading is satisfied.
GRANT_TYPE_KEYS = ("grant type", "grantType")
# Token answer (seed): {userName, email, access_token, expires_in, refresh_expires_in, token_type,
# not-before-policy, scope}. A staging sample lived 300 s (api-notes, one sample).
DEFAULT_TOKEN_TTL = 300  # chosen: lifetime assumed when the answer carries no usable expires_in
EXPIRY_MARGIN = 30  # chosen: a cached token is renewed this many seconds before it expires
# chosen: the token endpoint answering 400, 401 or 403 means the service account was refused
TOKEN_REFUSED_STATUSES = (400, 401, 403)

# -- orders (seed, "Get Orders API") ----------------------------------------------------------

ORDERS_PATH = "/oe/v2/orders/sales_orders"
TOKEN_HEADER = "token"  # seed: header "token: <access_token>" (no "Bearer")
# Query (seed): order_status (required), locationId (required), location_code (optional int),
# start_date (required, ISO datetime with its offset, e.g. 2024-10-17T05:10:06+05:00).
# chosen: the seed's example sends them as a body of a GET; they are sent as query parameters.
# chosen: start_date is sent to the second, with the offset of the datetime given
#   (datetime.isoformat(timespec="seconds")); a naive datetime is refused before any call.
# chosen: paging parameters "page" (1-based: the seed's page block starts at number 1) and "size".
FIRST_PAGE = 1
PAGE_SIZE = 50  # chosen
MAX_PAGE_SIZE = 100  # chosen
# Answer (seed): {"orders": [...], "page": {"number", "size", "totalPages", "totalElements"}}.
# chosen: the next page is number + 1 while number < totalPages (the seed's empty answer says
#   totalPages 1 with totalElements 0).

# chosen: the sales-order object (not public, api-notes):
#   {id, order_number, created_at (ISO with offset), order_status, location_id, location_code,
#    currency, customer: {name, email, phone, cnic},
#    shipping_address: {address1, address2, city, province, country_code, postal_code},
#    line_items: [{id, sku, name, quantity, unit_price}], shipping_amount, total_amount}
# chosen: prices are taxes included and total_amount = sum(unit_price * quantity) + shipping_amount.
CURRENCY = "PKR"  # chosen: when an order carries no currency
COUNTRY_CODE = "PK"  # chosen: when a shipping address carries no country_code
TOTAL_TOLERANCE = 1.0  # chosen: one rupee absorbs float noise, not a real difference
# Statuses seen in the seed: "pending", "completed"; the full list is not public (api-notes).
# chosen: the values the sandbox plays; the client sends any string it is given.
ORDER_STATUSES = ("pending", "confirmed", "packed", "shipped", "completed", "cancelled")
# chosen: MarketOrder.channel is the location code (the location id when there is no code), so the
#   Odoo side can map a warehouse; mapping.location_of() gives both.
