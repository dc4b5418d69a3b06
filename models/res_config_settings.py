from odoo import fields, models

from .marketplace_account import DEFAULT_HTTP_TIMEOUT
from .marketplace_job import DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAY


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    marketplace_job_max_attempts = fields.Integer(
        string="Attempts Before Giving Up", default=DEFAULT_MAX_ATTEMPTS,
        config_parameter="marketplace_connector.job_max_attempts",
        help="A marketplace job that failed this many times stops and opens an activity for the "
             "account's responsible.")
    marketplace_job_retry_delay = fields.Integer(
        string="First Retry Delay (seconds)", default=DEFAULT_RETRY_DELAY,
        config_parameter="marketplace_connector.job_retry_delay",
        help="Wait before the first retry of a failed job; the wait doubles on each attempt. A "
             "marketplace's Retry-After answer takes precedence.")
    marketplace_http_timeout = fields.Integer(
        string="Marketplace Timeout (seconds)", default=DEFAULT_HTTP_TIMEOUT,
        config_parameter="marketplace_connector.http_timeout",
        help="How long to wait for a marketplace's answer.")
