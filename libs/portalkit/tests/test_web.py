"""Problems, request ids, health and bearer tokens, through a real Flask app on both databases."""

import logging

import pytest

from portalkit.problems import PROBLEM_MEDIA_TYPE
from portalkit_demo import DEMO

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_validation_errors_name_the_fields(demo_app):
    response = demo_app.test_client().post("/notes", json={"text": "far too long a note"})
    assert response.status_code == 422
    assert response.content_type == PROBLEM_MEDIA_TYPE
    problem = response.get_json()
    assert problem["status"] == 422 and problem["code"] == "validation"
    assert [(e["field"], e["pointer"]) for e in problem["errors"]] == [("text", "#/text")]


def test_missing_fields_too(demo_app):
    problem = demo_app.test_client().post("/notes", json={}).get_json()
    assert problem["errors"][0]["field"] == "text"


def test_malformed_json_is_a_400_problem(demo_app):
    response = demo_app.test_client().post("/notes", data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == PROBLEM_MEDIA_TYPE


def test_wrong_media_type_is_415(demo_app):
    response = demo_app.test_client().post("/notes", data="text=x", content_type="text/plain")
    assert response.status_code == 415
    assert "text/plain" in response.get_json()["detail"]


def test_oversized_body_is_413(demo_app):
    demo_app.config["MAX_CONTENT_LENGTH"] = 100
    response = demo_app.test_client().post("/notes", json={"text": "x" * 500})
    assert response.status_code == 413
    assert response.content_type == PROBLEM_MEDIA_TYPE


def test_unknown_path_and_method(demo_app):
    client = demo_app.test_client()
    assert client.get("/nowhere").status_code == 404
    response = client.delete("/notes")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.content_type == PROBLEM_MEDIA_TYPE


def test_crash_is_a_500_problem_without_internals(demo_app, caplog):
    response = demo_app.test_client().get("/notes/boom", headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "hunter2" not in body
    assert response.get_json()["request_id"] == "trace-me"


def test_domain_problem_uses_the_catalogue_in_the_asked_language(demo_app):
    client = demo_app.test_client()
    dutch = client.get("/notes/conflict").get_json()
    english = client.get("/notes/conflict", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_json()
    assert dutch["status"] == 409 and dutch["title"] == "Conflict"
    assert dutch["detail"] == "De gevraagde bron bestaat niet."
    assert english["detail"] == "The requested resource does not exist."


def test_request_id_is_echoed_or_made(demo_app):
    client = demo_app.test_client()
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert made and " " not in made


def test_health_and_readiness(demo_app):
    client = demo_app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "service": "demo"}
    ready = client.get("/readyz").get_json()
    assert ready["checks"] == {"database": "ok", "broker": "ok"}


def test_readiness_fails_when_the_database_is_gone(demo_app, demo_runtime):
    from portalkit.db import Database

    demo_runtime.database = Database("postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=1")
    response = demo_app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "OperationalError", "broker": "ok"}


class TestBearerTokens:
    def test_no_token_is_401_with_challenge(self, demo_app):
        response = demo_app.test_client().get("/notes/secure")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    def test_valid_token_with_role(self, demo_app, tokens):
        token = tokens.token("mod-1", roles=["moderator"])
        response = demo_app.test_client().get("/notes/secure", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert response.get_json() == {"sub": "mod-1"}

    def test_valid_token_without_the_role_is_403(self, demo_app, tokens):
        token = tokens.token("p-1", roles=["partner"])
        assert (
            demo_app.test_client().get("/notes/secure", headers={"Authorization": f"Bearer {token}"}).status_code == 403
        )

    @pytest.mark.parametrize(
        "claims",
        [{"lifetime": -120}, {"aud": "someone-else"}, {"iss": "http://evil.test"}],
        ids=["expired", "wrong-audience", "wrong-issuer"],
    )
    def test_untrusted_tokens_are_401(self, demo_app, tokens, claims):
        token = tokens.token("mod-1", roles=["moderator"], **claims)
        response = demo_app.test_client().get("/notes/secure", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]

    def test_token_signed_by_an_unknown_key_is_401(self, demo_app, tokens):
        from joserfc.jwk import ECKey

        stranger = ECKey.generate_key("P-256", parameters={"kid": "stranger"})
        token = tokens.token("mod-1", roles=["moderator"], key=stranger)
        assert (
            demo_app.test_client().get("/notes/secure", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        )

    def test_garbage_is_401_not_500(self, demo_app):
        for value in ("Bearer x.y.z", "Bearer ....", "Bearer ünïcode", "Basic abc"):
            assert demo_app.test_client().get("/notes/secure", headers={"Authorization": value}).status_code == 401


@pytest.mark.parametrize(
    ("hops", "forwarded", "client"),
    [
        (0, "198.51.100.7", "127.0.0.1"),  # no proxy trusted: the header is anybody's claim
        (1, "198.51.100.7", "198.51.100.7"),  # what nginx appended
        (1, "203.0.113.66, 198.51.100.7", "198.51.100.7"),  # a client's own claim in front is ignored
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxy_saw(database_url, caplog, hops, forwarded, client):
    settings = DEMO.settings({}, database_url=database_url, broker_url="memory://proxy", proxy_hops=hops)
    current = DEMO.runtime(settings)
    try:
        app = DEMO.create_app(runtime=current)
        with caplog.at_level(logging.INFO, logger="portalkit.access"):
            response = app.test_client().get(
                "/healthz", headers={"X-Forwarded-For": forwarded}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
            )
        assert response.status_code == 200
        assert caplog.records[-1].getMessage().startswith(f"{client} GET /healthz 200 ")
    finally:
        current.close()


HUGE = "9223372036854775808"


def test_a_page_past_what_an_offset_holds_is_a_422_naming_page(demo_app):
    client = demo_app.test_client()
    assert client.get("/notes/pages?page=2").status_code == 200
    response = client.get(f"/notes/pages?page={HUGE}")
    assert response.status_code == 422 and response.content_type == PROBLEM_MEDIA_TYPE
    assert [e["field"] for e in response.get_json()["errors"]] == ["page"]
    assert client.get("/notes/pages?page_size=101").status_code == 422


def test_the_page_bound_is_in_the_contract(demo_app):
    spec = demo_app.test_client().get("/openapi.json").get_json()
    page = next(p for p in spec["paths"]["/notes/pages"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == 1_000_000


def test_a_path_id_past_the_database_integer_is_a_404_problem(demo_app):
    client = demo_app.test_client()
    assert client.get("/notes/by-number/7").status_code == 200
    response = client.get(f"/notes/by-number/{HUGE}")
    assert response.status_code == 404 and response.content_type == PROBLEM_MEDIA_TYPE


def test_json_nested_1000_deep_is_a_400_problem(demo_app):
    client = demo_app.test_client()
    for deep in ("[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000):
        response = client.post("/notes", data=f'{{"text": {deep}}}', content_type="application/json")
        assert response.status_code == 400 and response.content_type == PROBLEM_MEDIA_TYPE
        assert response.get_json()["code"] == "too_deep"


@pytest.mark.parametrize("text", ["\\ud800", "a\\u0000b"])
def test_text_that_cannot_be_stored_is_a_422_naming_the_field(demo_app, text):
    response = demo_app.test_client().post(
        "/notes", data=f'{{"text": "{text}"}}', content_type="application/json", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422 and response.content_type == PROBLEM_MEDIA_TYPE
    [error] = response.get_json()["errors"]
    assert (error["field"], error["in"]) == ("text", "json")
    assert "NUL" in error["detail"] or "surrogate" in error["detail"]


def test_nul_in_the_query_or_a_form_is_a_422_naming_the_field(demo_app):
    client = demo_app.test_client()
    response = client.get("/notes/pages?q=a%00b")
    assert response.status_code == 422
    assert [(e["field"], e["in"]) for e in response.get_json()["errors"]] == [("q", "query")]
    response = client.post("/notes", data={"text": "a\x00"})
    assert [(e["field"], e["in"]) for e in response.get_json()["errors"]] == [("text", "form")]


def test_every_answer_says_nosniff_and_signed_in_answers_are_not_stored(demo_app, tokens):
    client = demo_app.test_client()
    public = client.get("/healthz")
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in public.headers.get("Cache-Control", "")
    signed_in = client.get("/notes/secure", headers={"Authorization": f"Bearer {tokens.token(roles=['moderator'])}"})
    assert signed_in.status_code == 200
    assert signed_in.headers["Cache-Control"] == "no-store"
    assert signed_in.headers["X-Content-Type-Options"] == "nosniff"
