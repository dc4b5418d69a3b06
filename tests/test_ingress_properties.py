"""Property-based: whatever body a sender makes up, every callback route answers without a 5xx,
and a refused request (4xx) writes nothing. Hypothesis generates, for each route, valid bodies with
mutated values, random JSON and random bytes (a fixed, derandomized run: the same examples each time)."""

import json
import os
import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged

from .ingress_common import ROUTES
from .test_ingress import IngressCase

EXAMPLES = int(os.environ.get("MC_HYPOTHESIS_EXAMPLES", 300))
SETTINGS = settings(
    max_examples=EXAMPLES, derandomize=not os.environ.get("MC_HYPOTHESIS_RANDOM"), deadline=None, database=None,
    suppress_health_check=list(HealthCheck), print_blob=True)

# Characters senders get wrong: NUL, lone surrogates, a byte order mark, JSON's own syntax.
TRICKY = st.sampled_from(["\x00", "\ud800", "\udfff", "\ufeff", "\\", '"', "[", "{", "\u2028", "é", "\U0001F600"])
TEXT = st.text(alphabet=st.one_of(st.characters(), TRICKY), max_size=24)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2 ** 80), max_value=2 ** 80),
    st.floats(allow_nan=True, allow_infinity=True), TEXT)
JSON = st.recursive(
    SCALARS, lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(TEXT, children, max_size=4)),
    max_leaves=16)
CONTENT_TYPES = st.sampled_from([
    "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", None])


@st.composite
def mutated(draw, route):
    """One of the route's valid bodies, some values replaced, some keys dropped or added."""
    def mutate(value):
        roll = draw(st.integers(0, 9))
        if roll < 2:
            return draw(JSON)
        if isinstance(value, dict):
            kept = {key: mutate(item) for key, item in value.items() if draw(st.integers(0, 9)) > 0}
            if roll == 9:
                kept[draw(TEXT)] = draw(JSON)
            return kept
        if isinstance(value, list):
            return [mutate(item) for item in value]
        return value
    return mutate(route.body(draw(st.integers(0, 10 ** 9))))


def encoded(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8


@st.composite
def bodies(draw, route):
    kind = draw(st.sampled_from(["mutated", "mutated", "json", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    value = draw(mutated(route)) if kind == "mutated" else draw(JSON)
    return encoded(value, draw(st.booleans()))


@st.composite
def requests_for(draw, route):
    """``(token or None for the account's, body, content type)``"""
    token = draw(st.one_of(st.none(), st.none(), st.none(), TEXT))
    return token, draw(bodies(route)), draw(CONTENT_TYPES)


@tagged("post_install", "-at_install")
class TestIngressProperties(IngressCase):

    def check(self, route, token, data, content_type):
        before = self.rows()
        if token is not None:
            token = urllib.parse.quote(token.encode("utf-8", "surrogatepass"), safe="")
        response = self.send(route, data, token=token, content_type=content_type)
        self.assertLess(response.status_code, 500, (token, data[:200]))
        if response.status_code >= 400:
            self.assertEqual(self.rows(), before, f"{response.status_code} wrote rows: {data[:200]!r}")


def _property(route):
    @SETTINGS
    @given(request=requests_for(route))
    def test(self, request):
        with self.no_error_logged():
            self.check(route, *request)

    test.__name__ = f"test_{route.name}_never_5xx_and_no_row_for_a_4xx"
    test.__doc__ = f"{route.method} {route.path}: {EXAMPLES} generated requests."
    return test


for _route in ROUTES:
    setattr(TestIngressProperties, f"test_{_route.name}_never_5xx_and_no_row_for_a_4xx", _property(_route))
