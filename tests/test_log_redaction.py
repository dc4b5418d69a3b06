import logging

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestLogRedaction(TransactionCase):
    """The HTTP server's request log never writes a callback URL's token."""

    def werkzeug_line(self, path):
        """A request line as ``werkzeug.serving.WSGIRequestHandler.log_request`` logs it, after the
        filters of the ``werkzeug`` logger."""
        record = logging.LogRecord("werkzeug", logging.INFO, __file__, 0, '127.0.0.1 - - [date] "%s" %s %s',
                                   (f"POST {path} HTTP/1.1", "200", "-"), None)
        self.assertTrue(logging.getLogger("werkzeug").filter(record))
        return record.getMessage()

    def test_request_log_lines_carry_no_callback_token(self):
        account = self.env["marketplace.account"].create({
            "name": "Log check", "marketplace": "marketful", "api_token": "t", "marketful_user_id": "u"})
        token = account.callback_token
        for path, logged in (
            (f"/marketplace/marketful/{token}/order_created", "/marketplace/marketful/***/order_created"),
            (f"/marketplace/exito/{token}/notifyproduct", "/marketplace/exito/***/notifyproduct"),
            (f"/marketplace/xmart/{token}/orders", "/marketplace/xmart/***/orders"),
        ):
            line = self.werkzeug_line(path)
            self.assertNotIn(token, line)
            self.assertIn(logged, line)
        self.assertIn("/web/health", self.werkzeug_line("/web/health"), "other lines are left alone")
