"""Moderators manage back-office accounts: invite, edit, send the invitation again; through the API."""

import datetime as dt

import pytest
from test_accounts import PASSWORD, link_token, outbox

from portal_identity.adapters.repositories import AccountTokens
from portal_identity.domain.accounts import TokenPurpose
from portal_identity.service_layer import accounts

USERS = "/api/v1/accounts/users"
ADMIN = {"email": "Admin@School.be", "role": "school-admin", "institutions": ["012345", "067890"], "language": "en"}


def bearer(tokens, subject="mod-1", role="moderator", **claims):
    return {"Authorization": f"Bearer {tokens.token(subject, roles=[role], **claims)}"}


def invite(harness, tokens, **changes):
    response = harness.client.post(USERS, json={**ADMIN, **changes}, headers=bearer(tokens))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def invitations(harness):
    return [event["data"] for event in outbox(harness, "identity.account.invited")]


def moderator_account(harness):
    return accounts.create_back_office_account(
        harness.identity, email="mod@portal.example", password=PASSWORD, role="moderator", institutions=[]
    )


def test_an_invited_account_is_pending_and_mailed_a_link_to_choose_its_password_in_its_language(harness, tokens):
    created = invite(harness, tokens)
    assert created["status"] == "pending" and created["language"] == "en"
    assert created["institutions"] == ["012345", "067890"]
    [sent] = invitations(harness)
    assert sent["email"] == "admin@school.be" and sent["language"] == "en" and sent["role"] == "school-admin"
    assert sent["password_url"].startswith("https://portal.test/login/reset?lang=en&token=")
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate(harness.identity, "admin@school.be", PASSWORD, "10.0.0.1")
    accounts.reset_password(harness.identity, link_token(sent["password_url"]), PASSWORD)
    signed_in = accounts.authenticate(harness.identity, "admin@school.be", PASSWORD, "10.0.0.1")
    assert signed_in.active and signed_in.claims()["locale"] == "en"


def test_an_operator_still_makes_an_active_account_with_a_password(harness, tokens):
    created = harness.client.post(USERS, json={**ADMIN, "password": PASSWORD}, headers=bearer(tokens)).get_json()
    assert created["status"] == "active" and invitations(harness) == []


def test_moderators_change_role_institutions_and_language(harness, tokens):
    created = invite(harness, tokens)
    url = f"{USERS}/{created['id']}"
    changed = harness.client.put(
        url, json={"role": "school-admin", "institutions": ["067890"], "language": "nl"}, headers=bearer(tokens)
    )
    assert changed.status_code == 200
    assert changed.get_json()["institutions"] == ["067890"] and changed.get_json()["language"] == "nl"
    assert harness.client.get(url, headers=bearer(tokens)).get_json()["language"] == "nl"
    promoted = harness.client.put(url, json={"role": "moderator", "language": "nl"}, headers=bearer(tokens))
    assert promoted.get_json()["roles"] == ["moderator"] and promoted.get_json()["institutions"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "moderator", "institutions": ["012345"]}, "institutions"),
        ({"role": "school-admin", "institutions": []}, "institutions"),
        ({"role": "school-admin", "institutions": ["12ab"]}, "institutions"),
        ({"role": "partner"}, "role"),
        ({"role": "moderator", "language": "fr"}, "language"),
    ],
)
def test_an_edit_keeps_the_rules_of_a_new_account(harness, tokens, body, field):
    created = invite(harness, tokens)
    response = harness.client.put(f"{USERS}/{created['id']}", json=body, headers=bearer(tokens))
    assert response.status_code == 422
    assert field in {error["field"] for error in response.get_json()["errors"]}


def test_a_moderator_cannot_demote_themselves(harness, tokens):
    me = moderator_account(harness)
    response = harness.client.put(
        f"{USERS}/{me.id}", json={"role": "school-admin", "institutions": ["012345"]}, headers=bearer(tokens, me.id)
    )
    assert response.status_code == 409 and response.get_json()["errors"][0]["field"] == "role"
    language = harness.client.put(
        f"{USERS}/{me.id}", json={"role": "moderator", "language": "en"}, headers=bearer(tokens, me.id)
    )
    assert language.status_code == 200 and language.get_json()["language"] == "en"


def test_a_school_taken_away_holds_at_once_for_the_tokens_the_admin_holds(harness, tokens):
    created = invite(harness, tokens)
    admin = bearer(tokens, created["id"], "school-admin", institutions=["012345", "067890"])
    assert harness.client.get("/api/v1/accounts/me", headers=admin).status_code == 200
    harness.client.put(
        f"{USERS}/{created['id']}", json={"role": "school-admin", "institutions": ["012345"]}, headers=bearer(tokens)
    )
    assert harness.client.get("/api/v1/accounts/me", headers=admin).status_code == 401


def test_partner_accounts_are_not_edited_as_back_office_accounts(harness, tokens):
    harness.client.post(
        "/api/v1/accounts", json={"email": "jan@agenda.example", "password": PASSWORD, "accept_terms": True}
    )
    [registered] = outbox(harness, "identity.account.registered")
    response = harness.client.put(
        f"{USERS}/{registered['data']['account_id']}", json={"role": "moderator"}, headers=bearer(tokens)
    )
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "role"


def test_the_invitation_is_sent_again_with_a_new_link_and_the_old_one_stops_working(harness, tokens):
    created = invite(harness, tokens)
    with harness.runtime.unit_of_work() as uow:  # the first invitation was sent two minutes ago
        for token in AccountTokens(uow.session).of_account(created["id"], TokenPurpose.INVITATION):
            token.created_at -= dt.timedelta(minutes=2)
        uow.commit()
    response = harness.client.post(f"{USERS}/{created['id']}/invitation", headers=bearer(tokens))
    assert response.status_code == 202
    first, second = invitations(harness)
    assert first["password_url"] != second["password_url"] and second["language"] == "en"
    with pytest.raises(accounts.LinkInvalid):
        accounts.reset_password(harness.identity, link_token(first["password_url"]), PASSWORD)
    assert accounts.reset_password(harness.identity, link_token(second["password_url"]), PASSWORD).active


def test_the_invitation_is_not_sent_again_within_a_minute(harness, tokens):
    created = invite(harness, tokens)
    response = harness.client.post(f"{USERS}/{created['id']}/invitation", headers=bearer(tokens))
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 60
    assert response.content_type == "application/problem+json" and len(invitations(harness)) == 1


def test_an_account_that_chose_its_password_has_no_invitation_to_resend(harness, tokens):
    me = moderator_account(harness)
    response = harness.client.post(f"{USERS}/{me.id}/invitation", headers=bearer(tokens))
    assert response.status_code == 409
    assert harness.client.post(f"{USERS}/nobody/invitation", headers=bearer(tokens)).status_code == 404


@pytest.mark.parametrize(("role", "claims"), [("partner", {}), ("school-admin", {"institutions": ["012345"]})])
def test_only_moderators_manage_back_office_accounts(harness, tokens, role, claims):
    target = moderator_account(harness)
    other = bearer(tokens, "someone", role, **claims)
    url = f"{USERS}/{target.id}"
    assert harness.client.post(USERS, json=ADMIN, headers=other).status_code == 403
    assert harness.client.get(url, headers=other).status_code == 403
    assert harness.client.put(url, json={"role": "moderator"}, headers=other).status_code == 403
    assert harness.client.post(f"{url}/invitation", headers=other).status_code == 403
    assert harness.client.post(f"{url}/deactivate", headers=other).status_code == 403
    assert harness.client.get(USERS, headers=other).status_code == 403


def test_the_back_office_list_leaves_partner_accounts_out(harness, tokens):
    harness.client.post(
        "/api/v1/accounts", json={"email": "jan@agenda.example", "password": PASSWORD, "accept_terms": True}
    )
    invite(harness, tokens)
    moderator_account(harness)
    listed = harness.client.get(f"{USERS}?back_office=true", headers=bearer(tokens)).get_json()
    assert [account["email"] for account in listed] == ["admin@school.be", "mod@portal.example"]
    everyone = harness.client.get(USERS, headers=bearer(tokens)).get_json()
    assert "jan@agenda.example" in [account["email"] for account in everyone]
