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

# -- catalog: products (seed, "Products" on PRODUCTS_BASE_URL, "Features" on SPECS_BASE_URL) ---

PRODUCTS_PATH = "/"  # seed: POST /?culture=es-CO
PRODUCTS_STATUS_PATH = "/status"
SPECS_PATH = "/specs-external/getbycategoryid/{category_id}"
MAX_PRODUCTS_PER_REQUEST = 400  # seed: "a request limit of 400 individual EAN"
SELLER = "Marketplace"  # seed: every product example sends "Seller": "Marketplace"
NO_EAN = "0"  # seed: a variant without EAN is sent with "Ean": "0" (a generic EAN is assigned)
PRODUCT_TYPE_TECHNOLOGY = "Technology"
PRODUCT_TYPE_CLOTHING = "Clothing"
PRODUCT_TYPES = (PRODUCT_TYPE_TECHNOLOGY, PRODUCT_TYPE_CLOTHING)
MEASUREMENT_UNITS = ("Gramo", "Mililitro", "Metro", "Unidad")  # api-notes
CLOTHING_COLORS = (  # api-notes
    "Beige", "Negro", "Blanco", "Azul", "Amarillo", "Cafe", "Gris", "Verde", "Naranja", "Rosa",
    "Morado", "Rojo", "Plata", "Dorado", "MultiColor",
)
MAX_IMAGES = 5  # seed: ImageUrl1..ImageUrl5
SHIPPING_SIZES = ("1", "2", "3", "4", "5")  # api-notes: SkuShippingSize 1-5
# api-notes field rules (mirrors of the platform's validation)
EAN_PATTERN = r"^([A-Z0-9]{5,16})$"
# chosen: "letters" of api-notes' Name rule include accented letters (Spanish names); no underscore
NAME_PATTERN = r"^(?:[^\W_]|[+\-,. ]){1,60}$"
NAME_MAX = 60
KEYWORDS_MAX = 500
DIMENSION_PATTERN = r"^([0-9]{1,7})(,[0-9]{1,2})$|^[0-9]{1,10}$"
SIZE_MAX = 10
IMAGE_SUFFIX = ".jpg"  # chosen: compared case-insensitively (".JPG" is accepted)
# chosen: dimensions must be > 0 ("all fields are mandatory"; 0 means unknown in the record)
# chosen: seller_sku is required: Éxito notifies moderation only for products sent with one
# chosen: an empty HexColourName is sent as the Color (the seed's variants repeat the color)
# chosen: SonReference is null when empty, like the seed's variants without EAN
# chosen: ModifyImage, DrainedFactor, EanCombo and missing ImageUrlN are null when empty, as the seed
# chosen: a 200 answer with errors and no Data (products) / data (offers) is a refusal (RequestError "refused")
# chosen: a category spec's group is groupName (label when empty); values are the displayName list

# Bulk status (seed, "Get Status Bulk Upload")
BULK_STARTING = 4
BULK_PROCESSING = 1
BULK_DONE = 2
BULK_DONE_WITH_ERRORS = 3
BULK_ACTIVE = (BULK_PROCESSING, BULK_STARTING)
BULK_FINISHED = (BULK_DONE, BULK_DONE_WITH_ERRORS)

# Moderation callback (seed, "Notify Result Moderation", PATCH /notifyproduct)
MODERATION_APPROVED = "Aprobado"
MODERATION_REJECTED = "Rechazado"
# chosen: any other Response (compared case-insensitively) makes the callback body a PayloadError

# -- catalog: offers (seed, "Offers" on OFFERS_BASE_URL) -------------------------------------

OFFERS_PATH = "/OfferExternal"
# chosen: counts rows of ListOffers (a combo's component rows count); the seed gives no limit
MAX_OFFERS_PER_REQUEST = 400
PRICE_CHANGE_LIMIT = 0.30  # seed: a change over 30% of the price needs PriceApproval = 1
PEX_CODE = "PEX"  # seed: code of "extreme change in prices"
OFFER_OK = "OK"  # seed, notifyoffer: "Message": "OK"
PERIODICITY_DAYS = 1
PERIODICITY_HOURS = 2
PERIODICITIES = (PERIODICITY_DAYS, PERIODICITY_HOURS)
PROMISE_DELIVERY_PATTERN = r"^0*[1-9]\d?\s[a]\s0*[1-9]\d?$"  # api-notes
# The seed's offer examples disagree on types; one consistent choice per field:
# chosen: "Stock" is a string of digits ("3"), as in the individual offer (the combo example sends 1)
# chosen: "DiscountPrice" has 2 decimals ("2000000.00"), as in the individual offer (combo: "2000000")
# chosen: "IsLogisticsExito" and every Is* flag are ints 0/1 (the combo example sends "0")
# chosen: a combo component's "Price" is an integer string ("500000") unless it has cents, as the seed
# chosen: Stock, PromiseDelivery, DiscountPrice, AverageFreightCost, Warranty, SellerSku are left out
#   of a row when unset (the seed's update row shows fields may be left out)
# chosen: DaneCode/Address go in full rows only (the seed's update row has neither)
# chosen: an update-only combo row is still followed by its component rows
# chosen: a combo's price must equal the components' sum as Price or as DiscountPrice (the seed's
#   combo example: components 2,000,000 = DiscountPrice, Price 2,100,000)
# chosen: PromiseDelivery is checked when set, not required (a row cannot tell creation from update)

# -- orders: label, tracking, invoice (seed, "Orders" on ORDERS_BASE_URL) ----------------------

STICKER_PATH = "/dev/api/orders/{order_number}/sticker"
TRACKING_PATH = "/dev/api/orders/{order_ref}/tracking"
BILL_PATH = "/dev/api/orders/bill"
NO_COLLECTION_CENTER = "La orden no tiene Centro de Acopio asignado"  # seed: sticker 400
LABEL_MAX_BYTES = 10 * 1024 * 1024  # chosen: a label PDF is a few hundred KB; 10 MB is a safe cap
LABEL_TIMEOUT = 60  # chosen: read timeout of the label download (S3), in seconds
# chosen: a sticker answer with pendingResponse true and no URL is transient (label being made)
# chosen: a label download answering 4xx is a RequestError "label_download" (expired or missing S3 file)
# chosen: an idProduct of the tracking answer that is not an id sent (rounded through a double, as the
#   seed's 6370700714712647000) is matched to the id sent named in its message, else rounding alike
# chosen: a tracking line counts as updated when its code is 2xx (or, without code, status "Updated")
FILE_TYPE_PDF = 1
FILE_TYPE_ZIP = 2
FILE_TYPES = (FILE_TYPE_PDF, FILE_TYPE_ZIP)
INVOICE_ALREADY_ATTACHED = "already has an attached invoice"  # seed: bill 400, matched case-insensitively
# chosen: a 200 bill answer with data false is a refusal (RequestError "refused")

# Order status ids used by the fulfilment side (api-notes)
STATUS_DELIVERED = "60"
STATUS_CANCELLED = "80"
STATUS_PAID_CANCELLED = "120"
CANCELLED_STATUSES = (STATUS_CANCELLED, STATUS_PAID_CANCELLED)

# -- settlements (seed, "Get Bills" on BILLING_BASE_URL) -------------------------------------

BILLING_PATH = "/api/"
BILLING_PAGE_LIMIT = 100  # chosen: the seed's example value; the seed gives no maximum
