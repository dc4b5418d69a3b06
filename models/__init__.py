# Generic models first, one file per model; then each marketplace's extensions (models/<marketplace>/).
from . import marketplace_account
from . import marketplace_job
from . import marketplace_listing
from . import account_tax
from . import product_template
from . import product_product
from . import res_partner
from . import res_config_settings
from . import sale_order
from . import sale_order_line
from . import sale_report
from . import stock_picking
from . import stock_quant
from . import account_move
from . import account_move_send
from . import marketplace_settlement
from . import marketplace_settlement_line
from . import ir_http
# Marketplaces in the order they always loaded: where two of them override one method (for instance
# marketplace.account._get_client_params, sale.order.action_confirm), the later one runs first.
from . import exito
from . import imotriz
from . import xstak
from . import marketful
from . import xmart
# Last: its write() and unlink() of marketplace.account clear the token cache after every other override.
from . import marketplace_ingress
