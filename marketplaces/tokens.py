"""Client-credentials tokens cached between calls (XStak, X-Mart): where they are kept, and
the one way clients reuse them until shortly before they expire."""

import time


class TokenStore:
    """Where the access token is kept between calls; the Odoo side implements it on the account
    so that the token survives from one run to the next.

    ``load`` returns ``(token, expires_at)`` (epoch seconds) or ``None``; ``save`` stores them.
    """

    def load(self) -> tuple[str, float] | None:
        raise NotImplementedError

    def save(self, token: str, expires_at: float) -> None:
        raise NotImplementedError


class MemoryTokenStore(TokenStore):
    """A token store living as long as the object (the default: one per client)."""

    def __init__(self, token=None, expires_at=0.0):
        self.token = token
        self.expires_at = float(expires_at or 0.0)

    def load(self):
        return (self.token, self.expires_at) if self.token else None

    def save(self, token, expires_at):
        self.token, self.expires_at = token, float(expires_at)


class CachedTokenMixin:
    """``get_token`` for a client whose ``_request_token()`` returns ``(token, lifetime in
    seconds)``: the stored token is reused while it has more than ``token_expiry_margin`` seconds
    to live. The client sets ``token_store`` and ``_tokens`` (every token seen, for redaction)."""

    #: seconds before its expiry when a cached token is renewed
    token_expiry_margin = 60
    #: epoch seconds now; tests replace it
    clock = staticmethod(time.time)

    def _request_token(self):
        raise NotImplementedError

    def get_token(self, force=False):
        """The access token: the cached one while it has more than ``token_expiry_margin``
        seconds to live, else a new one (always a new one with ``force``).

        :raise AuthenticationError: credentials missing or refused
        """
        now = self.clock()
        if not force:
            stored = self.token_store.load()
            if stored and stored[0] and now < float(stored[1] or 0) - self.token_expiry_margin:
                self._tokens.add(stored[0])
                return stored[0]
        token, lifetime = self._request_token()
        self._tokens.add(token)
        self.token_store.save(token, now + lifetime)
        return token
