"""The portal's UIs log people in with the authorization code grant and PKCE (S256), then refresh."""

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from identity_harness import (
    PASSWORD,
    REDIRECT,
    active_partner,
    authorize_url,
    code_flow,
    csrf_of,
    exchange,
    log_in,
    pkce,
)
from portal_identity.bootstrap import FRONT_OFFICE_CLIENT
from portal_identity.service_layer import accounts


def test_the_whole_login_gives_tokens_for_the_person(harness):
    person = active_partner(harness)
    code, verifier = code_flow(harness, person.email)
    response = exchange(harness, code, verifier)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["refresh_token"] and body["token_type"] == "Bearer"
    keys = KeySet.import_key_set(harness.client.get("/.well-known/jwks.json").get_json())
    claims = jwt.decode(body["access_token"], keys, algorithms=["ES256"]).claims
    assert claims["sub"] == person.id and claims["email"] == person.email
    assert claims["roles"] == ["partner"] and claims["aud"] == "portal" and claims["locale"] == "nl"


def test_a_code_works_once(harness):
    person = active_partner(harness)
    code, verifier = code_flow(harness, person.email)
    assert exchange(harness, code, verifier).status_code == 200
    again = exchange(harness, code, verifier)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"


def test_a_wrong_verifier_is_refused(harness):
    person = active_partner(harness)
    code, _ = code_flow(harness, person.email)
    response = exchange(harness, code, pkce()[0])
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


@pytest.mark.parametrize("method", ["plain", ""])
def test_only_s256_is_accepted(harness, method):
    person = active_partner(harness)
    log_in(harness, person.email)
    verifier, challenge = pkce()
    url = authorize_url(verifier if method == "plain" else challenge, method=method)
    if not method:
        url = url.replace("&code_challenge_method=", "").replace(f"&code_challenge={challenge}", "")
    response = harness.client.get(url)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "error=invalid_request" in response.headers["Location"]


def test_unknown_redirect_uris_are_never_followed(harness):
    person = active_partner(harness)
    log_in(harness, person.email)
    _, challenge = pkce()
    response = harness.client.get(authorize_url(challenge).replace(REDIRECT, "https://evil.example/"))
    assert response.status_code == 400
    assert "evil" not in response.headers.get("Location", "")


def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_family(harness):
    person = active_partner(harness)
    code, verifier = code_flow(harness, person.email)
    first = exchange(harness, code, verifier).get_json()["refresh_token"]

    def refresh(token):
        return harness.client.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": token,
                "client_id": FRONT_OFFICE_CLIENT,
            },
        )

    second = refresh(first)
    assert second.status_code == 200
    newer = second.get_json()["refresh_token"]
    assert newer != first
    stolen = refresh(first)  # an attacker replays the rotated token
    assert stolen.status_code == 400 and stolen.get_json()["error"] == "invalid_grant"
    assert refresh(newer).get_json()["error"] == "invalid_grant"  # the whole family is gone


def test_revoking_a_refresh_token_ends_it(harness):
    person = active_partner(harness)
    code, verifier = code_flow(harness, person.email)
    refresh_token = exchange(harness, code, verifier).get_json()["refresh_token"]
    revoked = harness.client.post("/oauth/revoke", data={"token": refresh_token, "client_id": FRONT_OFFICE_CLIENT})
    assert revoked.status_code == 200
    response = harness.client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": FRONT_OFFICE_CLIENT,
        },
    )
    assert response.get_json()["error"] == "invalid_grant"


def test_logout_ends_the_session_and_returns_only_to_known_uris(harness):
    person = active_partner(harness)
    log_in(harness, person.email)
    back = harness.client.get(f"/oauth/logout?client_id={FRONT_OFFICE_CLIENT}&post_logout_redirect_uri={REDIRECT}")
    assert back.status_code == 302 and back.headers["Location"] == REDIRECT
    _, challenge = pkce()
    assert harness.client.get(authorize_url(challenge)).headers["Location"].startswith("/login")
    log_in(harness, person.email)
    elsewhere = harness.client.get(
        f"/oauth/logout?client_id={FRONT_OFFICE_CLIENT}&post_logout_redirect_uri=https://evil.example/"
    )
    assert elsewhere.status_code == 200


def test_school_admin_tokens_carry_their_institutions(harness):
    admin = accounts.create_back_office_account(
        harness.identity,
        email="admin@school.be",
        password=PASSWORD,
        role="school-admin",
        institutions=["012345", "067890"],
    )
    code, verifier = code_flow(harness, admin.email)
    token = exchange(harness, code, verifier).get_json()["access_token"]
    keys = KeySet.import_key_set(harness.client.get("/.well-known/jwks.json").get_json())
    claims = jwt.decode(token, keys, algorithms=["ES256"]).claims
    assert claims["roles"] == ["school-admin"] and claims["institutions"] == ["012345", "067890"]


def test_a_partner_link_from_the_partners_service_reaches_the_next_token(harness):
    person = active_partner(harness)
    harness.deliver("partners.user.linked", {"partner_id": "partner-7", "account_id": person.id})
    code, verifier = code_flow(harness, person.email)
    token = exchange(harness, code, verifier).get_json()["access_token"]
    keys = KeySet.import_key_set(harness.client.get("/.well-known/jwks.json").get_json())
    assert jwt.decode(token, keys, algorithms=["ES256"]).claims["partner_id"] == "partner-7"
    harness.deliver("partners.user.unlinked", {"partner_id": "partner-7", "account_id": person.id, "removed_by": "x"})
    from portal_identity.service_layer.accounts import account

    assert account(harness.identity, person.id).partner_id is None


def test_the_login_page_keeps_its_language_after_a_failed_attempt(harness):
    active_partner(harness)
    first = harness.client.get(authorize_url(pkce()[1]) + "&ui_locales=en")
    page = harness.client.get(first.headers["Location"])  # /login?next=...&lang=en
    assert 'action="/login?lang=en"' in page.get_data(as_text=True)
    refused = harness.client.post(
        "/login?lang=en",
        data={"csrf": csrf_of(page), "email": "jan@agenda.example", "password": "wrong", "next": "/"},
    )
    assert refused.status_code == 401 and 'lang="en"' in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("https://evil.example/", None), 400),  # unknown redirect URI: an error page, never a redirect
        (("client_id=" + FRONT_OFFICE_CLIENT, "client_id=nobody"), 400),  # unknown client: the same
        (("code_challenge_method=S256", "code_challenge_method=plain"), "error=invalid_request"),
        (("response_type=code", "response_type=token"), "error=unsupported_response_type"),
    ],
)
def test_a_wrong_authorization_request_is_refused_before_anyone_is_asked_to_sign_in(harness, change, expected):
    _, challenge = pkce()
    old, new = change if change[1] is not None else (REDIRECT, change[0])
    response = harness.client.get(authorize_url(challenge).replace(old, new))
    location = response.headers.get("Location", "")
    assert not location.startswith("/login")
    if expected == 400:
        assert response.status_code == 400 and location == ""
    else:
        assert response.status_code == 302 and location.startswith(REDIRECT) and expected in location
