"""One-time secrets: their stored hash and their links once sent."""

import hashlib

from portalkit.secrets import REDACTED, redact_links, token_hash


def test_a_token_is_stored_as_its_sha256():
    assert token_hash("abc") == hashlib.sha256(b"abc").hexdigest()


def test_different_tokens_have_different_hashes():
    assert token_hash("abc") != token_hash("abd")


def test_a_link_keeps_its_place_without_its_token():
    text = "Klik https://portal.test/login/activate?token=s3cr3t&x=1 of niet."
    assert redact_links(text) == f"Klik https://portal.test/login/activate?token={REDACTED}&x=1 of niet."


def test_every_token_in_html_is_redacted():
    html = '<a href="/reset?token=one">a</a> <a href="/requests/r1?token=two#x">b</a>'
    assert "one" not in redact_links(html) and "two" not in redact_links(html)
    assert redact_links(html).count(f"token={REDACTED}") == 2


def test_text_without_tokens_is_unchanged():
    assert redact_links("geen link, tokens=1 mytoken") == "geen link, tokens=1 mytoken"
