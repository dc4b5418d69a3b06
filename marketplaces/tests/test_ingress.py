"""The pure steps of the callback ingress path: token format, bounded reads, safe JSON."""

import io
import json
import sys

import pytest

from marketplaces import ingress
from marketplaces.ingress import BadBody, TooLarge


class TrickleStream(io.RawIOBase):
    """A de-chunked request stream: gives at most ``step`` bytes a read, like werkzeug's DechunkedInput."""

    def __init__(self, data, step=1000):
        self.data, self.position, self.step, self.reads = data, 0, step, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.reads += 1
        chunk = self.data[self.position:self.position + min(len(buffer), self.step)]
        buffer[:len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)


class BrokenStream(io.RawIOBase):
    def readable(self):
        return True

    def readinto(self, buffer):
        raise OSError("Invalid chunk header")


# -- token --------------------------------------------------------------------------------------


def test_a_new_token_has_the_token_format():
    assert all(ingress.valid_token(ingress.new_token()) for _ in range(200))


@pytest.mark.parametrize("token", [
    "", "\x00", "abc", "a" * 15, "a" * 129, "A" * 31 + "\x00", "A" * 31 + "%", "A" * 31 + "/", "Ñ" * 32,
    "A" * 31 + " ", "A" * 31 + "\n", None, 12345678901234567890, "../" * 10,
])
def test_anything_but_the_token_format_is_refused(token):
    assert not ingress.valid_token(token)


# -- reading the body ---------------------------------------------------------------------------


def test_a_body_within_the_limit_is_read_whole_however_it_trickles_in():
    data = bytes(range(256)) * 40
    assert ingress.read_body(TrickleStream(data, step=7), limit=len(data)) == data
    assert ingress.read_body(io.BytesIO(b""), limit=10) == b""


def test_a_chunked_body_over_the_limit_is_refused_after_limit_plus_one_bytes():
    stream = TrickleStream(b"x" * (8 * 1024 * 1024), step=4096)
    with pytest.raises(TooLarge) as refused:
        ingress.read_body(stream, limit=1024 * 1024)
    assert refused.value.status == 413
    assert stream.position == 1024 * 1024 + 1, "no byte past the limit is read"


def test_a_content_length_over_the_limit_is_refused_unread():
    stream = io.BytesIO(b"x" * 100)
    with pytest.raises(TooLarge):
        ingress.read_body(stream, limit=10, content_length=100)
    assert stream.tell() == 0


def test_a_broken_stream_is_a_bad_body():
    with pytest.raises(BadBody):
        ingress.read_body(BrokenStream(), limit=10)


def test_drain_reads_what_is_left_within_its_budget():
    stream = TrickleStream(b"x" * 5000, step=100)
    assert ingress.drain(stream, budget=10000)
    assert stream.position == 5000
    assert not ingress.drain(TrickleStream(b"x" * 5000), budget=1000)
    assert not ingress.drain(BrokenStream())


# -- JSON ---------------------------------------------------------------------------------------


def test_ordinary_bodies_parse():
    body = {"tipo": "shipment_event/created", "data": {"id": 1, "order_id": 5021, "status": "enviado",
                                                        "nombre": "Peña ñandú \u00e9", "peso": 1.5, "ok": True}}
    assert ingress.parse_json(json.dumps(body).encode()) == body
    assert ingress.parse_json(json.dumps(body, ensure_ascii=False).encode()) == body
    assert ingress.parse_json(b"\xef\xbb\xbf[1, 2]") == [1, 2], "a byte order mark is tolerated"
    assert ingress.parse_json(b'{"emoji": "\\ud83d\\ude00"}') == {"emoji": "\U0001F600"}, "a surrogate pair"
    assert ingress.parse_json(b'{"path": "C:\\\\u0000"}') == {"path": "C:\\u0000"}, "an escaped backslash, no NUL"


@pytest.mark.parametrize("raw", [
    b'{"a": "x\\u0000y"}',                      # NUL in a value
    b'{"x\\u0000": 1}',                          # NUL in a key
    b'[[{"deep": ["\\u0000"]}]]',                # NUL anywhere
    b'{"a": "\\ud800"}',                         # lone high surrogate
    b'{"a": "\\udc00x"}',                        # lone low surrogate
    b'{"\\udfff": 1}',                           # lone surrogate in a key
    b"\xff\xfe{}",                               # not UTF-8
    b'{"a": "\xed\xa0\x80"}',                   # a surrogate encoded in UTF-8 bytes
    b'{"a": NaN}', b'[Infinity]', b'[-Infinity]', b'[1e999]',
    b"[" + b"9" * 5000 + b"]",                   # an integer Python refuses to convert
    b"", b"{not json", b'{"a": "x\x00"}', b"\x00", b'"unterminated',
])
def test_what_postgresql_or_python_cannot_take_is_a_bad_body(raw):
    with pytest.raises(BadBody) as refused:
        ingress.parse_json(raw)
    assert refused.value.status == 400


@pytest.mark.parametrize("depth", [33, 2000, 5000, 100000])
def test_deep_nesting_is_refused_without_recursion(depth):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # the scan must not recurse at all
    try:
        for raw in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth, "[" * depth):
            with pytest.raises(BadBody, match="deeper"):
                ingress.parse_json(raw.encode())
    finally:
        sys.setrecursionlimit(limit)


def test_brackets_inside_strings_do_not_count_as_nesting():
    body = {"text": "[" * 500 + "{" * 500 + '\\"[[[', "list": [[["ok"]]]}
    assert ingress.parse_json(json.dumps(body).encode()) == body
    nested = "[" * ingress.MAX_DEPTH + "]" * ingress.MAX_DEPTH
    assert ingress.parse_json(nested.encode()) is not None, "the limit itself is allowed"


def test_the_depth_scan_is_linear():
    import time

    text = json.dumps({"s": "[\\\"{" * 200000, "l": [[1]] * 50000})
    started = time.perf_counter()
    assert not ingress.nesting_depth_exceeds(text)
    assert time.perf_counter() - started < 1.0
