"""The input rules every service applies before a view reads a request (no I/O)."""

import pytest

from portalkit.inputs import TooDeep, bad_text, parse_json, text_violations


def test_bad_text():
    assert bad_text("gewoon, ook met é en 🙂") is None
    assert bad_text("a\x00b") == "nul"
    assert bad_text("a\ud800b") == "surrogate"


def test_violations_point_at_keys_and_values():
    document = {"name": "ok", "address": {"city": "\x00"}, "tags": ["x", "\udc00"], "we/ird\x00": 1}
    assert sorted(text_violations(document)) == [
        ("/address/city", "nul"),
        ("/tags/1", "surrogate"),
        ("/we~1ird\x00", "nul"),
    ]


def test_depth():
    assert parse_json("[" * 32 + "]" * 32)
    with pytest.raises(TooDeep):
        parse_json("[" * 33 + "]" * 33)
    with pytest.raises(TooDeep):
        parse_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError):
        parse_json("{nope")
