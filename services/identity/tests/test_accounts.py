"""Registration, activation, password reset and back-office accounts, through the API and the pages."""

import datetime as dt
import json
import time

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from portal_identity.service_layer import accounts

PASSWORD = "Geheim-123!"
VALID = {"email": "Jan.Peeters@Agenda.example", "password": PASSWORD, "accept_terms": True}


def outbox(harness, event_type):
    with harness.runtime.database.session() as session:
        rows = session.execute(sa.select(harness.runtime.outbox.c.payload)).scalars()
        return [json.loads(row) for row in rows if json.loads(row)["type"] == event_type]


def link_token(url: str) -> str:
    return url.split("token=")[1]


def register(harness, **changes):
    return harness.client.post("/api/v1/accounts", json={**VALID, **changes})


def activate_registered(harness):
    token = link_token(outbox(harness, "identity.account.registered")[0]["data"]["activation_url"])
    accounts.activate(harness.identity, token)


def test_registration_stores_a_pending_account_and_announces_the_activation_link(harness):
    response = register(harness)
    assert response.status_code == 202
    assert response.get_json() == {"email": "jan.peeters@agenda.example"}
    [event] = outbox(harness, "identity.account.registered")
    assert event["data"]["activation_url"].startswith(
        "https://portal.test/login/activate?lang=nl&token="
    )  # the mail's language
    from portal_identity.adapters.repositories import Accounts

    with harness.runtime.unit_of_work() as uow:
        stored = Accounts(uow.session).get(event["data"]["account_id"])
    assert stored.status == "pending"
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash


@pytest.mark.parametrize(
    ("changes", "field", "key_part"),
    [
        ({"email": "not-an-address"}, "email", "e-mail"),
        ({"email": "jan"}, "email", "e-mail"),
        ({"password": "Kort-1!"}, "password", "8"),
        ({"password": "geheim-123!"}, "password", "upper"),
        ({"password": "GEHEIM-123!"}, "password", "lower"),
        ({"password": "Geheim-abc!"}, "password", "digit"),
        ({"password": "Geheim1234"}, "password", "special"),
        ({"accept_terms": False}, "accept_terms", "terms"),
    ],
)
def test_each_rule_is_a_field_error(harness, changes, field, key_part):
    response = harness.client.post("/api/v1/accounts", json={**VALID, **changes}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert any(e["field"] == field and key_part in e["detail"].lower() for e in errors), errors


def test_missing_fields_are_named(harness):
    errors = harness.client.post("/api/v1/accounts", json={}).get_json()["errors"]
    assert {e["field"] for e in errors} == {"email", "password", "accept_terms"}


def test_an_address_registers_once_and_the_answer_does_not_tell(harness):
    first = register(harness)
    again = register(harness, email="JAN.PEETERS@agenda.example", language="en")
    assert (again.status_code, again.get_json()) == (first.status_code, first.get_json())
    assert {k for k, _ in again.headers} == {k for k, _ in first.headers}
    [registered] = outbox(harness, "identity.account.registered")
    [repeated] = outbox(harness, "identity.account.registration_repeated")
    assert repeated["data"] == {
        "account_id": registered["data"]["account_id"],
        "email": "jan.peeters@agenda.example",
        "language": "nl",
    }


def test_activation_link_works_once_and_then_login_works(harness):
    register(harness)
    token = link_token(outbox(harness, "identity.account.registered")[0]["data"]["activation_url"])
    with pytest.raises(accounts.LoginRefused) as refused:
        accounts.authenticate(harness.identity, VALID["email"], PASSWORD, "127.0.0.1")
    assert refused.value.reason == "not_activated"
    activated = harness.client.post("/api/v1/accounts/activation", json={"token": token})
    assert activated.status_code == 200 and activated.get_json()["status"] == "active"
    assert harness.client.post("/api/v1/accounts/activation", json={"token": token}).status_code == 400
    assert (
        accounts.authenticate(harness.identity, VALID["email"], PASSWORD, "127.0.0.1").email
        == "jan.peeters@agenda.example"
    )


def test_a_tampered_activation_token_is_refused(harness):
    response = harness.client.post("/api/v1/accounts/activation", json={"token": "made-up"})
    assert response.status_code == 400 and response.get_json()["code"] == "accounts.link_invalid"


def test_password_reset_does_not_reveal_whether_an_account_exists(harness):
    register(harness)
    known = harness.client.post("/api/v1/accounts/password-reset", json={"email": VALID["email"]})
    unknown = harness.client.post("/api/v1/accounts/password-reset", json={"email": "nobody@agenda.example"})
    garbage = harness.client.post("/api/v1/accounts/password-reset", json={"email": "not an address"})
    assert known.status_code == unknown.status_code == garbage.status_code == 202
    assert known.get_data() == unknown.get_data() == garbage.get_data()
    assert len(outbox(harness, "identity.password_reset.requested")) == 1


def test_a_reset_sets_the_password_activates_and_works_once(harness):
    register(harness)
    harness.client.post("/api/v1/accounts/password-reset", json={"email": VALID["email"]})
    token = link_token(outbox(harness, "identity.password_reset.requested")[0]["data"]["reset_url"])
    weak = harness.client.post("/api/v1/accounts/password-reset/confirm", json={"token": token, "password": "weak"})
    assert weak.status_code == 422
    done = harness.client.post(
        "/api/v1/accounts/password-reset/confirm", json={"token": token, "password": "Nieuw-456?"}
    )
    assert done.status_code == 204
    assert accounts.authenticate(harness.identity, VALID["email"], "Nieuw-456?", "127.0.0.1").active
    again = harness.client.post(
        "/api/v1/accounts/password-reset/confirm", json={"token": token, "password": "Ander-789?"}
    )
    assert again.status_code == 400


def fail(harness, address, now, email=None, password="Wrong-123!"):
    with pytest.raises(accounts.LoginRefused) as refused:
        accounts.authenticate(harness.identity, email or VALID["email"], password, address, now=now)
    return refused.value


def test_one_address_is_slowed_then_locked_out_of_an_account_but_the_owner_is_not(harness):
    register(harness)
    activate_registered(harness)
    now = dt.datetime.now(dt.UTC)
    reasons = []
    for _ in range(10):
        refused = fail(harness, "10.0.0.1", now)
        reasons.append(refused.reason)
        if refused.reason == "invalid":
            now += dt.timedelta(seconds=61)  # past any delay
    assert reasons == ["invalid"] * 10
    locked = fail(harness, "10.0.0.1", now, password=PASSWORD)  # even the right password
    assert locked.reason == "locked" and 13 * 60 < locked.retry_after <= 15 * 60
    owner = accounts.authenticate(harness.identity, VALID["email"], PASSWORD, "10.9.9.9", now=now)
    assert owner.email == VALID["email"].lower()


def test_an_attempt_too_soon_is_not_heard(harness):
    register(harness)
    now = dt.datetime.now(dt.UTC)
    for _ in range(4):
        fail(harness, "10.0.0.1", now)
    slowed = fail(harness, "10.0.0.1", now, password=PASSWORD)
    assert (slowed.reason, slowed.retry_after) == ("slowed", 1)


def test_an_account_attacked_from_many_addresses_is_slowed_never_locked_and_its_owner_told(harness):
    register(harness)
    activate_registered(harness)
    now = dt.datetime.now(dt.UTC)
    for n in range(25):
        assert fail(harness, f"10.1.0.{n}", now).reason == "invalid"
        now += dt.timedelta(seconds=31)
    slowed = fail(harness, "10.2.0.1", now - dt.timedelta(seconds=30), password=PASSWORD)
    assert slowed.reason == "slowed" and slowed.retry_after <= 30
    assert accounts.authenticate(harness.identity, VALID["email"], PASSWORD, "10.2.0.1", now=now).active
    [alert] = outbox(harness, "identity.account.login_attacked")
    assert alert["data"]["email"] == VALID["email"].lower() and alert["data"]["failures"] == 20


def test_unknown_addresses_are_slowed_alike_but_tell_nobody(harness):
    now = dt.datetime.now(dt.UTC)
    for n in range(25):
        fail(harness, f"10.3.0.{n}", now, email="nobody@agenda.example")
        now += dt.timedelta(seconds=31)
    assert outbox(harness, "identity.account.login_attacked") == []


def test_unknown_and_wrong_password_answer_alike(harness):
    register(harness)
    for email in (VALID["email"], "nobody@agenda.example"):
        with pytest.raises(accounts.LoginRefused) as refused:
            accounts.authenticate(harness.identity, email, "Wrong-123!", "10.0.0.3")
        assert refused.value.reason == "invalid"


def moderator(tokens):
    return {"Authorization": f"Bearer {tokens.token('mod-1', roles=['moderator'])}"}


def test_moderators_create_and_search_back_office_accounts(harness, tokens):
    created = harness.client.post(
        "/api/v1/accounts/users",
        json={"email": "admin@school.be", "password": PASSWORD, "role": "school-admin", "institutions": ["012345"]},
        headers=moderator(tokens),
    )
    assert created.status_code == 201
    assert created.get_json()["status"] == "active" and created.get_json()["institutions"] == ["012345"]
    found = harness.client.get("/api/v1/accounts/users?role=school-admin", headers=moderator(tokens)).get_json()
    assert [a["email"] for a in found] == ["admin@school.be"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "school-admin", "institutions": []}, "institutions"),
        ({"role": "moderator", "institutions": ["1"]}, "institutions"),
        ({"role": "school-admin", "institutions": ["12ab"]}, "institutions"),
        ({"role": "partner"}, "role"),
    ],
)
def test_back_office_rules(harness, tokens, body, field):
    response = harness.client.post(
        "/api/v1/accounts/users", json={"email": "x@school.be", "password": PASSWORD, **body}, headers=moderator(tokens)
    )
    assert response.status_code == 422
    assert field in {e["field"] for e in response.get_json()["errors"]}


def test_only_moderators_manage_accounts(harness, tokens):
    partner = {"Authorization": f"Bearer {tokens.token('p', roles=['partner'])}"}
    assert harness.client.get("/api/v1/accounts/users", headers=partner).status_code == 403
    assert harness.client.get("/api/v1/accounts/users").status_code == 401


def test_me_is_the_callers_own_account(harness, tokens):
    register(harness)
    account_id = outbox(harness, "identity.account.registered")[0]["data"]["account_id"]
    me = harness.client.get(
        "/api/v1/accounts/me", headers={"Authorization": f"Bearer {tokens.token(account_id, roles=['partner'])}"}
    )
    assert me.status_code == 200 and me.get_json()["id"] == account_id


def test_portalctl_users_create(harness, database_url, monkeypatch):
    from click.testing import CliRunner

    from portalkit.cli import main

    monkeypatch.setenv("IDENTITY_DATABASE_URL", database_url)
    result = CliRunner().invoke(
        main,
        ["users", "create", "--email", "mod@portal.be", "--role", "moderator", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert accounts.authenticate(harness.identity, "mod@portal.be", PASSWORD, "127.0.0.1").roles == ["moderator"]
    weak = CliRunner().invoke(
        main, ["users", "create", "--email", "m2@portal.be", "--role", "moderator", "--password-stdin"], input="weak\n"
    )
    assert weak.exit_code != 0 and "password" in weak.output


class TestPages:
    def test_login_page_in_both_languages(self, harness):
        assert "Aanmelden" in harness.client.get("/login").get_data(as_text=True)
        assert "Sign in" in harness.client.get("/login?lang=en").get_data(as_text=True)

    def test_a_post_without_the_form_token_is_refused(self, harness):
        response = harness.client.post("/login", data={"email": "a@b.cd", "password": "x"})
        assert response.status_code == 400

    def test_the_activation_page_asks_before_it_activates(self, harness):
        register(harness)
        token = link_token(outbox(harness, "identity.account.registered")[0]["data"]["activation_url"])
        page = harness.client.get(f"/login/activate?token={token}")
        assert page.status_code == 200 and "activate" in page.get_data(as_text=True).lower()
        with pytest.raises(accounts.LoginRefused):  # opening the link (or a mail scanner) did not activate
            accounts.authenticate(harness.identity, VALID["email"], PASSWORD, "127.0.0.1")
        csrf = page.get_data(as_text=True).split('name="csrf" value="')[1].split('"')[0]
        done = harness.client.post("/login/activate", data={"csrf": csrf, "token": token})
        assert done.status_code == 200
        assert accounts.authenticate(harness.identity, VALID["email"], PASSWORD, "127.0.0.1").active

    def login(self, harness, password):
        form = harness.client.get("/login?lang=en")
        csrf = form.get_data(as_text=True).split('name="csrf" value="')[1].split('"')[0]
        return harness.client.post(
            "/login?lang=en", data={"csrf": csrf, "email": VALID["email"], "password": password, "next": "/"}
        )

    def test_a_locked_login_says_until_when_at_once(self, harness):
        register(harness)
        now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
        for _ in range(10):  # from the test client's own address
            fail(harness, "127.0.0.1", now)
            now += dt.timedelta(seconds=61)
        started = time.monotonic()
        response = self.login(harness, PASSWORD)
        assert time.monotonic() - started < 1  # answered, not slept on
        assert response.status_code == 429 and "Too many failed attempts" in response.get_data(as_text=True)
        assert 0 < int(response.headers["Retry-After"]) <= 15 * 60

    def test_a_slowed_login_says_how_long_at_once(self, harness):
        register(harness)
        for _ in range(4):
            assert self.login(harness, "Wrong-123!").status_code == 401
        started = time.monotonic()
        response = self.login(harness, PASSWORD)
        assert time.monotonic() - started < 1
        assert response.status_code == 429 and response.headers["Retry-After"] == "1"
        assert "Wait 1 s and try again" in response.get_data(as_text=True)


def test_once_sent_the_outbox_keeps_no_usable_one_time_link(harness):
    """A database or backup reader must not find a working activation or reset link in sent outbox rows."""
    register(harness)
    harness.client.post("/api/v1/accounts/password-reset", json={"email": VALID["email"]})
    links = [outbox(harness, "identity.account.registered")[0]["data"]["activation_url"]]
    links += [outbox(harness, "identity.password_reset.requested")[0]["data"]["reset_url"]]
    tokens = [link.split("token=")[1] for link in links]
    harness.runtime.relay().relay_once()
    with harness.runtime.database.session() as session:
        rows = session.execute(sa.select(harness.runtime.outbox.c.type, harness.runtime.outbox.c.payload)).all()
    stored = {row.type: json.loads(row.payload)["data"] for row in rows}
    assert (
        stored["identity.account.registered"]["activation_url"]
        == "https://portal.test/login/activate?lang=nl&token=redacted"
    )
    assert stored["identity.password_reset.requested"]["reset_url"].endswith("&token=redacted")
    assert not any(token in row.payload for row in rows for token in tokens)
    assert stored["identity.account.registered"]["email"] == VALID["email"].lower()  # what an operator needs stays


def test_a_password_stored_with_weaker_parameters_is_rehashed_at_the_next_login(harness):
    register(harness)
    token = link_token(outbox(harness, "identity.account.registered")[0]["data"]["activation_url"])
    harness.client.post("/api/v1/accounts/activation", json={"token": token})
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with harness.runtime.database.session() as session:
        session.execute(sa.text("UPDATE accounts SET password_hash = :weak"), {"weak": weak})
        session.commit()
    accounts.authenticate(harness.identity, VALID["email"], PASSWORD, "127.0.0.1")
    with harness.runtime.database.session() as session:
        stored = session.scalar(sa.text("SELECT password_hash FROM accounts"))
    assert stored != weak and not PasswordHasher().check_needs_rehash(stored)
    assert (
        accounts.authenticate(harness.identity, VALID["email"], PASSWORD, "127.0.0.1").email
        == "jan.peeters@agenda.example"
    )
