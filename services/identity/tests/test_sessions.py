"""Login sessions live on the server: sign-out and a password reset end them, with every token issued in
them, here at once and everywhere else through ``identity.access.revoked``."""

import json

import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import KeySet

from identity_harness import REDIRECT, active_partner, authorize_url, code_flow, csrf_of, exchange, log_in, pkce
from portal_identity.bootstrap import FRONT_OFFICE_CLIENT
from portal_identity.domain.tokens import LoginSession
from portal_identity.service_layer import accounts, sessions
from portal_identity.service_layer.clients import create_resource_server

COOKIE = "portal_login"


def claims_of(harness, access_token: str) -> dict:
    keys = KeySet.import_key_set(harness.client.get("/.well-known/jwks.json").get_json())
    return jwt.decode(access_token, keys, algorithms=["ES256"]).claims


def signed_in(harness):
    """A person signed in through the UI's flow: (tokens, the login cookie's value)."""
    person = active_partner(harness)
    code, verifier = code_flow(harness, person.email)
    issued = exchange(harness, code, verifier).get_json()
    return person, issued, harness.client.get_cookie(COOKIE).value


def refresh(harness, token):
    return harness.client.post(
        "/oauth/token", data={"grant_type": "refresh_token", "refresh_token": token, "client_id": FRONT_OFFICE_CLIENT}
    )


def gets_a_code(harness, cookie: str) -> bool:
    harness.client.set_cookie(COOKIE, cookie)
    answer = harness.client.get(authorize_url(pkce()[1]))
    return answer.status_code == 302 and answer.headers["Location"].startswith(REDIRECT)


def revocations(harness) -> list[dict]:
    with harness.runtime.database.session() as session:
        payloads = session.execute(sa.select(harness.runtime.outbox.c.payload)).scalars()
        return [e["data"] for e in map(json.loads, payloads) if e["type"] == "identity.access.revoked"]


def as_bearer(harness, tokens, access_token: str) -> dict:
    """The same claims, signed by the key the test app's verifier trusts."""
    claims = claims_of(harness, access_token)
    return {"Authorization": f"Bearer {tokens.token(claims.pop('sub'), **claims)}"}


def test_people_get_short_tokens_that_name_their_login_session(harness):
    _, issued, _ = signed_in(harness)
    claims = claims_of(harness, issued["access_token"])
    assert issued["expires_in"] == 300 and claims["exp"] - claims["iat"] == 300
    assert claims["sid"]


def test_a_cookie_replayed_after_sign_out_gets_no_code(harness):
    _, issued, cookie = signed_in(harness)
    assert gets_a_code(harness, cookie)
    harness.client.get(f"/oauth/logout?client_id={FRONT_OFFICE_CLIENT}")
    assert not gets_a_code(harness, cookie)


def test_sign_out_ends_the_refresh_token_and_every_access_token_of_the_session(harness, tokens):
    _, issued, _ = signed_in(harness)
    bearer = as_bearer(harness, tokens, issued["access_token"])
    assert harness.client.get("/api/v1/accounts/me", headers=bearer).status_code == 200
    harness.client.get(f"/oauth/logout?client_id={FRONT_OFFICE_CLIENT}")
    assert refresh(harness, issued["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert harness.client.get("/api/v1/accounts/me", headers=bearer).status_code == 401
    client, secret = create_resource_server(harness.identity, "Leerlingen-API")
    answer = harness.client.post(
        "/oauth/introspect", data={"token": issued["access_token"]}, auth=(client.client_id, secret)
    )
    assert answer.get_json() == {"active": False}
    [revoked] = revocations(harness)
    assert revoked["kind"] == "session" and revoked["id"] == claims_of(harness, issued["access_token"])["sid"]
    assert revoked["reason"] == "signed_out"


def test_a_password_reset_ends_every_session_of_the_account(harness):
    person, first, first_cookie = signed_in(harness)
    harness.client.delete_cookie(COOKIE)
    code, verifier = code_flow(harness, person.email)  # a second browser
    second = exchange(harness, code, verifier).get_json()
    second_cookie = harness.client.get_cookie(COOKIE).value
    accounts.request_password_reset(harness.identity, person.email)
    [reset_url] = [
        e["data"]["reset_url"]
        for e in map(json.loads, _outbox(harness))
        if e["type"] == "identity.password_reset.requested"
    ]
    token = reset_url.split("token=")[1]
    page = harness.client.get(f"/login/reset?token={token}")
    done = harness.client.post(
        "/login/reset", data={"csrf": csrf_of(page), "token": token, "password": "Nieuw-geheim-456!"}
    )
    assert done.status_code == 200
    for cookie, issued in ((first_cookie, first), (second_cookie, second)):
        assert not gets_a_code(harness, cookie)
        assert refresh(harness, issued["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert {(r["kind"], r["reason"]) for r in revocations(harness)} == {("session", "password_reset")}
    assert len(revocations(harness)) == 2


def test_a_revoked_access_token_is_refused_by_the_identity_service_at_once(harness, tokens):
    _, issued, _ = signed_in(harness)
    bearer = as_bearer(harness, tokens, issued["access_token"])
    revoked = harness.client.post(
        "/oauth/revoke", data={"token": issued["access_token"], "client_id": FRONT_OFFICE_CLIENT}
    )
    assert revoked.status_code == 200
    assert harness.client.get("/api/v1/accounts/me", headers=bearer).status_code == 401
    [event] = revocations(harness)
    assert event["kind"] == "token" and event["id"] == claims_of(harness, issued["access_token"])["jti"]
    assert refresh(harness, issued["refresh_token"]).status_code == 200  # the session itself goes on


def test_signing_in_again_after_a_reset_works(harness):
    person, _, _ = signed_in(harness)
    with harness.runtime.unit_of_work() as uow:
        sessions.end_all(harness.identity, uow, person.id, "password_reset")
        uow.commit()
    harness.client.delete_cookie(COOKIE)
    code, verifier = code_flow(harness, person.email)
    assert exchange(harness, code, verifier).status_code == 200


def _outbox(harness):
    with harness.runtime.database.session() as session:
        return list(session.execute(sa.select(harness.runtime.outbox.c.payload)).scalars())


def test_a_deactivated_account_signs_in_nowhere_and_every_token_it_holds_is_refused(harness, tokens):
    person, issued, cookie = signed_in(harness)
    bearer = as_bearer(harness, tokens, issued["access_token"])
    moderator = {"Authorization": f"Bearer {tokens.token('mod-1', roles=['moderator'])}"}
    url = f"/api/v1/accounts/users/{person.id}"
    assert harness.client.post(f"{url}/deactivate", headers=bearer).status_code == 403
    deactivated = harness.client.post(f"{url}/deactivate", headers=moderator)
    assert deactivated.status_code == 200 and deactivated.get_json()["status"] == "disabled"
    assert harness.client.get("/api/v1/accounts/me", headers=bearer).status_code == 401
    assert not gets_a_code(harness, cookie)
    assert refresh(harness, issued["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert {(r["kind"], r["reason"]) for r in revocations(harness)} == {
        ("session", "account_deactivated"),
        ("subject", "account_deactivated"),
    }
    harness.client.delete_cookie(COOKIE)
    first = harness.client.get(authorize_url(pkce()[1]))
    assert log_in(harness, person.email, next_url="/").status_code == 401
    assert harness.client.post(f"{url}/reactivate", headers=moderator).get_json()["status"] == "active"
    assert first.status_code == 302 and log_in(harness, person.email).status_code == 302


def test_a_moderator_cannot_deactivate_their_own_account(harness, tokens):
    moderator = {"Authorization": f"Bearer {tokens.token('mod-1', roles=['moderator'])}"}
    response = harness.client.post("/api/v1/accounts/users/mod-1/deactivate", headers=moderator)
    assert response.status_code == 409 and response.get_json()["code"] == "accounts.own_account"
    assert harness.client.post("/api/v1/accounts/users/nobody/deactivate", headers=moderator).status_code == 404


def test_a_login_whose_password_was_reset_meanwhile_gets_no_session(harness):
    """The password was right when checked, but a reset committed before the session was made."""
    person = active_partner(harness)
    checked = accounts.authenticate(harness.identity, person.email, "Geheim-123!", "127.0.0.1")
    with harness.runtime.unit_of_work() as uow:
        from portal_identity.adapters.repositories import Accounts

        Accounts(uow.session).get(person.id).password_hash = "argon2-of-the-new-password"
        uow.commit()
    assert sessions.start(harness.identity, checked) is None


def test_signing_out_of_an_expired_session_still_ends_its_last_tokens(harness):
    person, issued, _ = signed_in(harness)
    sid = claims_of(harness, issued["access_token"])["sid"]
    with harness.runtime.unit_of_work() as uow:
        login = uow.session.get(LoginSession, sid)
        login.expires_at = login.started_at  # the 8 hours are over, its last access token is not
        uow.commit()
    sessions.end(harness.identity, sid)
    assert [(r["kind"], r["id"]) for r in revocations(harness)] == [("session", sid)]
