from . import marketplace_account
from . import marketplace_listing
from . import marketplace_listing_spec
from . import marketplace_listing_component
from . import product_template
from . import product_pricelist_item
from . import product_pricelist
from . import delivery_carrier
