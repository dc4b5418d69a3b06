"""Callback URLs carry their account's secret token: the HTTP server's request log line (logger
``werkzeug``, one per request at INFO) must not write it to the log file."""

import logging
import re

#: ``/marketplace/<marketplace>/<token>``: the token part of every callback URL of the module
_TOKEN_IN_PATH = re.compile(r"(/marketplace/[A-Za-z_]+/)[^/\s?\"]+")


def redact_callback_tokens(text):
    """``text`` with the token of every callback URL in it replaced by ``***``."""
    return _TOKEN_IN_PATH.sub(r"\1***", text)


class CallbackTokenFilter(logging.Filter):
    """Redacts callback tokens from the request lines the HTTP server logs."""

    def filter(self, record):
        if isinstance(record.args, tuple) and any(isinstance(arg, str) and "/marketplace/" in arg
                                                  for arg in record.args):
            record.args = tuple(redact_callback_tokens(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.msg, str) and "/marketplace/" in record.msg:
            record.msg = redact_callback_tokens(record.msg)
        return True


def install():
    """Add the filter to the ``werkzeug`` logger once per process."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(existing, CallbackTokenFilter) for existing in logger.filters):
        logger.addFilter(CallbackTokenFilter())
