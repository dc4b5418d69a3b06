from . import marketplace_job_payload_wizard
from . import marketplace_publish_wizard
from . import marketplace_reimport_wizard
from . import marketplace_xmart_import_wizard
from . import marketplace_xmart_transfer_wizard
from . import marketplace_xmart_coupon_wizard
from . import portal_wizard_user
