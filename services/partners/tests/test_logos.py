"""Logos through HTTP: a polyglot is refused, the stored image served clean with headers that keep it an image."""

import pytest

from portal_partners.bootstrap import SERVICE
from portalkit.testing import start_service

from .unit.factories import data_url, fields, image

HTML = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def client(database_url, tokens):
    return start_service(SERVICE, database_url, tokens)[0].test_client()


def profile(logo: bytes) -> dict:
    return fields(logo=data_url(logo, "image/gif"))


def test_a_polyglot_logo_is_refused_and_an_image_with_a_tail_served_clean(client, tokens):
    headers = {"Authorization": f"Bearer {tokens.token('acc-1', roles=['partner'], email='jan@agenda.example')}"}
    refused = client.post("/api/v1/partner/profile", json=profile(b"\x89PNG\r\n\x1a\n" + HTML), headers=headers)
    assert refused.status_code == 422 and [e["field"] for e in refused.get_json()["errors"]] == ["logo"]
    created = client.post("/api/v1/partner/profile", json=profile(image("GIF") + HTML), headers=headers)
    assert created.status_code == 201, created.get_json()
    logo = client.get("/api/v1/partner/profile/logo", headers=headers)
    assert logo.content_type == "image/png"  # from the stored bytes, not the data URL's image/gif
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in logo.headers["Content-Security-Policy"]
    assert HTML not in logo.data


def test_api_answers_say_nosniff_and_personal_ones_no_store(client, tokens):
    headers = {"Authorization": f"Bearer {tokens.token('acc-1', roles=['partner'], email='jan@agenda.example')}"}
    mine = client.get("/api/v1/partner/profile", headers=headers)
    assert mine.headers["X-Content-Type-Options"] == "nosniff" and mine.headers["Cache-Control"] == "no-store"
    public = client.get("/api/v1/public/partners")
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in public.headers.get("Cache-Control", "")
