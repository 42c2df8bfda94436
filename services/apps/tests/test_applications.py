"""Applications: requests and their field rules, moderation, the status machine, editing, archiving,
history and search, on both databases."""

import json

import pytest
import sqlalchemy as sa
from joserfc import jwt

from portal_apps.adapters import repositories
from portal_apps.bootstrap import SERVICE
from portalkit.testing import deliver, start_service

VALID = {
    "name": "Agenda Plus",
    "description": "Synchroniseert lesroosters.",
    "technical_contact": "Jan Peeters",
    "contact_email": "dev@agenda.example",
    "apis": ["leerlingen", "personeel"],
}


@pytest.fixture
def service(database_url, tokens):
    return start_service(SERVICE, database_url, tokens)


def partner(tokens, partner_id="partner-a", sub="user-a"):
    return {"Authorization": f"Bearer {tokens.partner_token(sub, partner_id)}"}


def moderator(tokens, partner_id=None):
    claims = {"partner_id": partner_id} if partner_id else {}
    return {"Authorization": f"Bearer {tokens.token('mod-1', roles=['moderator'], **claims)}"}


def events(runtime, event_type):
    with runtime.database.session() as session:
        payloads = [json.loads(p) for p in session.execute(sa.select(runtime.outbox.c.payload)).scalars()]
    return [p["data"] for p in payloads if p["type"] == event_type]


def create(app, tokens, **changes):
    response = app.test_client().post(
        "/api/v1/partner/applications", json={**VALID, **changes}, headers=partner(tokens)
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_approval_announces_it_for_the_identity_service(service, tokens):
    app, runtime = service
    application_id = create(app, tokens)
    response = app.test_client().post(f"/api/v1/admin/applications/{application_id}/approve", headers=moderator(tokens))
    assert response.status_code == 200 and response.get_json()["status"] == "approved"
    [approved] = events(runtime, "apps.application.approved")
    assert approved["application_id"] == application_id and approved["approved_by"] == "mod-1"


def test_the_issued_client_is_recorded_on_the_application(service, tokens):
    import uuid

    from portalkit.events.envelope import Envelope

    app, runtime = service
    application_id = create(app, tokens)
    app.test_client().post(f"/api/v1/admin/applications/{application_id}/approve", headers=moderator(tokens))
    issued = Envelope(
        str(uuid.uuid4()),
        "identity.client.issued",
        "2026-11-23T12:00:00Z",
        1,
        {"client_id": "client-42", "application_id": application_id, "partner_id": "partner-a"},
    )
    assert runtime.consumer()(issued.to_json()).value == "ack"
    body = app.test_client().get(f"/api/v1/partner/applications/{application_id}", headers=partner(tokens)).get_json()
    assert body["client_id"] == "client-42"


def test_rejection_needs_a_reason_and_an_edit_sends_it_back(service, tokens):
    app, runtime = service
    client = app.test_client()
    application_id = create(app, tokens)
    no_reason = client.post(
        f"/api/v1/admin/applications/{application_id}/reject", json={"reason": " "}, headers=moderator(tokens)
    )
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"][0]["field"] == "reason"
    rejected = client.post(
        f"/api/v1/admin/applications/{application_id}/reject",
        json={"reason": "Beschrijving is te vaag"},
        headers=moderator(tokens),
    )
    assert rejected.get_json()["status"] == "rejected"
    assert events(runtime, "apps.application.rejected")[0]["reason"] == "Beschrijving is te vaag"
    edited = client.patch(
        f"/api/v1/partner/applications/{application_id}",
        json={"description": "Precies wat we doen."},
        headers=partner(tokens),
    )
    assert edited.status_code == 200 and edited.get_json()["status"] == "new"
    assert len(events(runtime, "apps.application.requested")) == 2  # evaluated again
    history = client.get(f"/api/v1/partner/applications/{application_id}/history", headers=partner(tokens)).get_json()
    assert [(h["kind"], h["from_status"], h["to_status"]) for h in history] == [
        ("status", None, "new"),
        ("status", "new", "rejected"),
        ("edited", "rejected", "rejected"),
        ("status", "rejected", "new"),
    ]
    assert history[2]["details"] == {"fields": ["description"]} and history[2]["changed_by"] == "user-a"
    assert history[1]["reason"] == "Beschrijving is te vaag" and history[1]["changed_by"] == "mod-1"


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        (["approve"], "approve"),  # approving twice
        (["approve"], "reject"),
        (["archive"], "approve"),
        (["archive"], "archive"),
        (["reject"], "approve"),
    ],
)
def test_the_status_machine_refuses_other_transitions(service, tokens, steps, refused):
    app, _ = service
    client = app.test_client()
    application_id = create(app, tokens)
    for step in [*steps, refused]:
        body = {"reason": "nee"} if step == "reject" else None
        response = client.post(
            f"/api/v1/admin/applications/{application_id}/{step}", json=body, headers=moderator(tokens)
        )
    assert response.status_code == 409
    assert response.get_json()["code"] == "apps.transition_refused"


def test_an_archived_application_cannot_be_edited(service, tokens):
    app, runtime = service
    client = app.test_client()
    application_id = create(app, tokens)
    archived = client.post(f"/api/v1/partner/applications/{application_id}/archive", headers=partner(tokens))
    assert archived.get_json()["status"] == "archived"
    assert events(runtime, "apps.application.archived")[0]["archived_by"] == "user-a"
    response = client.patch(
        f"/api/v1/partner/applications/{application_id}", json={"name": "Nieuw"}, headers=partner(tokens)
    )
    assert response.status_code == 409


def test_unchecking_an_api_warns_then_announces_the_removal(service, tokens):
    app, runtime = service
    client = app.test_client()
    application_id = create(app, tokens)
    client.post(f"/api/v1/admin/applications/{application_id}/approve", headers=moderator(tokens))
    warned = client.patch(
        f"/api/v1/partner/applications/{application_id}", json={"apis": ["leerlingen"]}, headers=partner(tokens)
    )
    assert warned.status_code == 409 and warned.get_json()["removed_apis"] == ["personeel"]
    assert events(runtime, "apps.application.apis_unchecked") == []
    confirmed = client.patch(
        f"/api/v1/partner/applications/{application_id}",
        json={"apis": ["leerlingen"], "confirm_removal": True},
        headers=partner(tokens),
    )
    assert confirmed.status_code == 200 and confirmed.get_json()["apis"] == ["leerlingen"]
    assert events(runtime, "apps.application.apis_unchecked")[0]["apis"] == ["personeel"]
    assert events(runtime, "apps.application.changed")[0]["changed_fields"] == ["apis"]


def test_a_colleague_of_the_same_partner_may_edit_another_partner_gets_404(service, tokens):
    app, _ = service
    client = app.test_client()
    application_id = create(app, tokens)
    colleague = client.patch(
        f"/api/v1/partner/applications/{application_id}",
        json={"name": "Agenda Pro"},
        headers=partner(tokens, sub="colleague"),
    )
    assert colleague.status_code == 200
    for method in (client.patch, client.get):
        other = method(
            f"/api/v1/partner/applications/{application_id}",
            json={"name": "x"},
            headers=partner(tokens, partner_id="partner-b"),
        )
        assert other.status_code == 404
    assert (
        client.post(
            f"/api/v1/partner/applications/{application_id}/archive", headers=partner(tokens, partner_id="partner-b")
        ).status_code
        == 404
    )


def test_a_moderator_of_the_same_partner_may_not_approve(service, tokens):
    app, _ = service
    application_id = create(app, tokens)
    response = app.test_client().post(
        f"/api/v1/admin/applications/{application_id}/approve", headers=moderator(tokens, partner_id="partner-a")
    )
    assert response.status_code == 403


def test_partners_cannot_moderate(service, tokens):
    app, _ = service
    application_id = create(app, tokens)
    response = app.test_client().post(f"/api/v1/admin/applications/{application_id}/approve", headers=partner(tokens))
    assert response.status_code == 403


def test_the_queue_is_oldest_first_and_search_filters(service, tokens):
    app, _ = service
    client = app.test_client()
    first = create(app, tokens, name="Eerste")
    second = create(app, tokens, name="Tweede", apis=["rekeningen"])
    third = create(app, tokens, name="Derde")
    client.post(f"/api/v1/admin/applications/{third}/approve", headers=moderator(tokens))
    queue = client.get("/api/v1/admin/applications?status=new&oldest_first=true", headers=moderator(tokens)).get_json()
    assert [a["id"] for a in queue] == [first, second]
    by_api = client.get("/api/v1/admin/applications?api=rekeningen", headers=moderator(tokens)).get_json()
    assert [a["id"] for a in by_api] == [second]
    by_text = client.get("/api/v1/admin/applications?q=derde", headers=moderator(tokens)).get_json()
    assert [a["id"] for a in by_text] == [third]
    paged = client.get("/api/v1/admin/applications?page_size=2&page=2", headers=moderator(tokens))
    assert len(paged.get_json()) == 1 and '"total": 3' in paged.headers["X-Pagination"]
    bad = client.get("/api/v1/admin/applications?status=lost", headers=moderator(tokens))
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "status"
    mine = client.get("/api/v1/partner/applications", headers=partner(tokens)).get_json()
    assert len(mine) == 3
    assert client.get("/api/v1/partner/applications", headers=partner(tokens, partner_id="partner-b")).get_json() == []


def test_a_request_creates_a_new_application_and_announces_it(service, tokens):
    app, runtime = service
    response = app.test_client().post("/api/v1/partner/applications", json=VALID, headers=partner(tokens))
    assert response.status_code == 201
    created = response.get_json()
    assert created["status"] == "new" and created["client_id"] is None
    assert created["partner_id"] == "partner-a"
    [event] = events(runtime, "apps.application.requested")
    assert event["application_id"] == created["id"]
    assert event["requested_by"] == "user-a"


def test_the_partner_reads_it_back_and_another_partner_gets_404(service, tokens):
    app, _ = service
    client = app.test_client()
    created = client.post("/api/v1/partner/applications", json=VALID, headers=partner(tokens)).get_json()
    own = client.get(f"/api/v1/partner/applications/{created['id']}", headers=partner(tokens, sub="colleague"))
    assert own.status_code == 200 and own.get_json()["name"] == "Agenda Plus"
    other = client.get(f"/api/v1/partner/applications/{created['id']}", headers=partner(tokens, "partner-b"))
    assert other.status_code == 404
    assert other.get_json()["code"] == "apps.not_found"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"description": "x" * 2001}, "description"),
        ({"technical_contact": ""}, "technical_contact"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"apis": []}, "apis"),
        ({"apis": ["leerlingen", "geheimen"]}, "apis"),
        ({"apis": "leerlingen"}, "apis"),
        ({"name": None}, "name"),
    ],
)
def test_each_rule_names_its_field(service, tokens, change, field):
    app, runtime = service
    response = app.test_client().post("/api/v1/partner/applications", json={**VALID, **change}, headers=partner(tokens))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert [error["field"] for error in response.get_json()["errors"]] == [field]
    assert events(runtime, "apps.application.requested") == []


def test_without_a_profile_the_answer_says_what_to_do(service, tokens):
    app, _ = service
    token = tokens.token("new-user", roles=["partner"])
    response = app.test_client().post(
        "/api/v1/partner/applications",
        json=VALID,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.status_code == 403
    assert "profile" in response.get_json()["detail"]


def test_only_partners_may_request(service, tokens):
    app, _ = service
    client = app.test_client()
    assert client.post("/api/v1/partner/applications", json=VALID).status_code == 401
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    assert client.post("/api/v1/partner/applications", json=VALID, headers=moderator).status_code == 403


def test_moderators_find_applications_by_the_partners_name(service, tokens):
    import uuid

    from portalkit.events.envelope import Envelope

    app, runtime = service
    application_id = create(app, tokens)
    profile = {"partner_id": "partner-a", "name": "Agenda Software BV", "email": "i@a.example", "created_by": "u"}
    envelope = Envelope(str(uuid.uuid4()), "partners.profile.created", "2026-11-23T12:00:00Z", 1, profile)
    assert runtime.consumer()(envelope.to_json()).value == "ack"
    found = app.test_client().get("/api/v1/admin/applications?q=software", headers=moderator(tokens)).get_json()
    assert [(a["id"], a["partner_name"]) for a in found] == [(application_id, "Agenda Software BV")]


def test_a_colleague_removed_from_the_profile_is_refused_at_once(service, tokens):
    app, runtime = service
    client, headers = app.test_client(), partner(tokens)
    assert client.get("/api/v1/partner/applications", headers=headers).status_code == 200
    deliver(runtime, "partners.user.unlinked", {"partner_id": "partner-a", "account_id": "user-a", "removed_by": "b"})
    assert client.get("/api/v1/partner/applications", headers=headers).status_code == 403
    assert client.post("/api/v1/partner/applications", json=VALID, headers=headers).status_code == 403


def test_the_members_of_a_deactivated_profile_act_nowhere_until_it_is_active_again(service, tokens):
    app, runtime = service
    client, headers = app.test_client(), partner(tokens)
    deliver(runtime, "partners.profile.deactivated", {"partner_id": "partner-a", "changed_by": "mod-1"})
    assert client.get("/api/v1/partner/applications", headers=headers).status_code == 403
    deliver(runtime, "partners.profile.reactivated", {"partner_id": "partner-a", "changed_by": "mod-1"})
    assert client.get("/api/v1/partner/applications", headers=headers).status_code == 200


def test_the_token_claim_alone_makes_nobody_a_member(service, tokens):
    app, _ = service
    forged = {"Authorization": f"Bearer {tokens.token('user-x', roles=['partner'], partner_id='partner-a')}"}
    assert app.test_client().get("/api/v1/partner/applications", headers=forged).status_code == 403


@pytest.mark.parametrize("kind", ["token", "session"])
def test_a_revoked_token_or_login_session_is_refused_at_once(service, tokens, kind):
    app, runtime = service
    token = tokens.partner_token("user-a", "partner-a", sid="session-1")
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/partner/applications", headers=headers).status_code == 200
    revoked_id = jwt.decode(token, tokens.key_set).claims["jti"] if kind == "token" else "session-1"
    deliver(
        runtime,
        "identity.access.revoked",
        {
            "kind": kind,
            "id": revoked_id,
            "revoked_at": "2026-11-25T10:00:00+00:00",
            "expires_at": "2099-01-01T00:00:00+00:00",
            "reason": "signed_out",
        },
    )
    refused = app.test_client().get("/api/v1/partner/applications", headers=headers)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].endswith('error="invalid_token"')


def approved(app, tokens, **changes):
    application_id = create(app, tokens, **changes)
    response = app.test_client().post(f"/api/v1/admin/applications/{application_id}/approve", headers=moderator(tokens))
    assert response.status_code == 200, response.get_json()
    return application_id


def test_renaming_and_adding_apis_to_an_approved_application_waits_for_a_moderator(service, tokens):
    app, runtime = service
    client = app.test_client()
    application_id = approved(app, tokens)
    response = client.patch(
        f"/api/v1/partner/applications/{application_id}",
        json={"name": "Agenda Plus Smartschool Official", "apis": ["leerlingen", "personeel", "rekeningen"]},
        headers=partner(tokens),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["name"], body["apis"]) == ("approved", "Agenda Plus", ["leerlingen", "personeel"])
    assert body["pending_change"]["name"] == "Agenda Plus Smartschool Official"
    assert body["pending_change"]["apis_added"] == ["rekeningen"]
    assert events(runtime, "apps.application.changed") == []  # nothing reaches the scopes service
    [requested] = events(runtime, "apps.application.change_requested")
    assert requested["apis_added"] == ["rekeningen"] and requested["requested_by"] == "user-a"
    history = client.get(f"/api/v1/partner/applications/{application_id}/history", headers=partner(tokens)).get_json()
    assert history[-1]["kind"] == "change_requested" and history[-1]["changed_by"] == "user-a"


def ask_change(app, tokens, application_id, **changes):
    response = app.test_client().patch(
        f"/api/v1/partner/applications/{application_id}", json=changes, headers=partner(tokens)
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["pending_change"]


def test_the_moderator_sees_the_change_in_the_queue_and_approves_it(service, tokens):
    app, runtime = service
    client = app.test_client()
    waiting = approved(app, tokens, name="Eerste")
    untouched = approved(app, tokens, name="Ongewijzigd")
    change = ask_change(app, tokens, waiting, name="Eerste Official", apis=["leerlingen", "personeel", "rekeningen"])
    queue = client.get("/api/v1/admin/applications/changes", headers=moderator(tokens))
    assert queue.status_code == 200 and '"total": 1' in queue.headers["X-Pagination"]
    [listed] = queue.get_json()
    assert (listed["id"], listed["name"], listed["apis"]) == (waiting, "Eerste", ["leerlingen", "personeel"])
    assert listed["pending_change"] == {**change, "name": "Eerste Official", "apis_added": ["rekeningen"]}
    assert untouched not in [a["id"] for a in queue.get_json()]
    assert client.get("/api/v1/admin/applications/changes", headers=partner(tokens)).status_code == 403
    response = client.post(
        f"/api/v1/admin/applications/{waiting}/changes/{change['id']}/approve", headers=moderator(tokens)
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["name"], body["apis"], body["pending_change"]) == (
        "Eerste Official",
        ["leerlingen", "personeel", "rekeningen"],
        None,
    )
    [approved_change] = events(runtime, "apps.application.change_approved")
    assert approved_change["apis"] == ["leerlingen", "personeel", "rekeningen"]
    assert approved_change["approved_by"] == "mod-1" and approved_change["previous_name"] == "Eerste"
    assert client.get("/api/v1/admin/applications/changes", headers=moderator(tokens)).get_json() == []
    history = client.get(f"/api/v1/admin/applications/{waiting}/history", headers=moderator(tokens)).get_json()
    assert [(h["kind"], h["changed_by"]) for h in history[-2:]] == [
        ("change_requested", "user-a"),
        ("change_approved", "mod-1"),
    ]
    assert history[-1]["details"] == {"name": ["Eerste", "Eerste Official"], "apis_added": ["rekeningen"]}


def test_a_rejected_change_needs_a_reason_and_leaves_the_approved_values(service, tokens):
    app, runtime = service
    client = app.test_client()
    application_id = approved(app, tokens)
    change = ask_change(app, tokens, application_id, name="Agenda Plus Smartschool Official")
    url = f"/api/v1/admin/applications/{application_id}/changes/{change['id']}/reject"
    no_reason = client.post(url, json={"reason": ""}, headers=moderator(tokens))
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"][0]["field"] == "reason"
    rejected = client.post(url, json={"reason": "Misleidende naam"}, headers=moderator(tokens))
    assert rejected.status_code == 200
    assert (rejected.get_json()["name"], rejected.get_json()["pending_change"]) == ("Agenda Plus", None)
    [event] = events(runtime, "apps.application.change_rejected")
    assert (event["reason"], event["proposed_name"], event["rejected_by"]) == (
        "Misleidende naam",
        "Agenda Plus Smartschool Official",
        "mod-1",
    )
    history = client.get(f"/api/v1/partner/applications/{application_id}/history", headers=partner(tokens)).get_json()
    assert (history[-1]["kind"], history[-1]["reason"]) == ("change_rejected", "Misleidende naam")
    again = client.post(url, json={"reason": "nog eens"}, headers=moderator(tokens))
    assert again.status_code == 409 and again.get_json()["code"] == "apps.change_not_pending"


def test_a_replaced_change_cannot_be_approved_by_its_old_id(service, tokens):
    app, runtime = service
    client = app.test_client()
    application_id = approved(app, tokens)
    first = ask_change(app, tokens, application_id, name="Agenda Pro")
    second = ask_change(app, tokens, application_id, apis=["leerlingen", "personeel", "internen"])
    assert (second["name"], second["apis_added"]) == ("Agenda Pro", ["internen"])
    stale = client.post(
        f"/api/v1/admin/applications/{application_id}/changes/{first['id']}/approve",
        headers={**moderator(tokens), "Accept-Language": "en"},
    )
    assert stale.status_code == 409 and stale.content_type == "application/problem+json"
    assert "no longer awaits" in stale.get_json()["detail"]
    assert events(runtime, "apps.application.change_approved") == []
    assert len(events(runtime, "apps.application.change_requested")) == 2


def test_a_moderator_of_the_same_partner_may_not_judge_its_change(service, tokens):
    app, _ = service
    application_id = approved(app, tokens)
    change = ask_change(app, tokens, application_id, name="Agenda Pro")
    response = app.test_client().post(
        f"/api/v1/admin/applications/{application_id}/changes/{change['id']}/approve",
        headers=moderator(tokens, partner_id="partner-a"),
    )
    assert response.status_code == 403


def test_the_partner_sees_the_pending_change_and_other_fields_change_at_once(service, tokens):
    app, runtime = service
    client = app.test_client()
    application_id = approved(app, tokens)
    ask_change(app, tokens, application_id, name="Agenda Pro", description="Ook rekeningen.")
    body = client.get(f"/api/v1/partner/applications/{application_id}", headers=partner(tokens)).get_json()
    assert (body["name"], body["description"], body["pending_change"]["name"]) == (
        "Agenda Plus",
        "Ook rekeningen.",
        "Agenda Pro",
    )
    [changed] = events(runtime, "apps.application.changed")
    assert (changed["changed_fields"], changed["name"]) == (["description"], "Agenda Plus")


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/api/v1/partner/applications/link", {"POST", "OPTIONS"}),
        ("/api/v1/admin/applications/changes", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_a_fixed_path_is_not_taken_for_an_application_id(service, tokens, path, methods):
    """`/link` and `/changes` are not applications: their Allow lists only their own methods (as the contract
    says), and GET or PATCH on them is no application either."""
    app, _ = service
    answer = app.test_client().options(path, headers=moderator(tokens))
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) == methods
    if "GET" not in methods:
        assert app.test_client().get(path, headers=partner(tokens)).status_code in (404, 405)


def test_the_history_names_people_by_email_from_events_and_from_their_own_changes(service, tokens):
    """A partner is known from identity's events; a moderator (made without an event) from the token of the
    change they made; an account never seen stays an id."""
    app, runtime = service
    client = app.test_client()
    deliver(
        runtime,
        "identity.account.activated",
        {"account_id": "user-a", "email": "an@agenda.example"},
    )
    application_id = create(app, tokens)
    token = tokens.token("mod-1", roles=["moderator"], email="mod@portal.example", client_id="portal-back-office")
    mod = {"Authorization": f"Bearer {token}"}
    assert client.post(f"/api/v1/admin/applications/{application_id}/approve", headers=mod).status_code == 200
    history = client.get(f"/api/v1/admin/applications/{application_id}/history", headers=mod).get_json()
    assert [(h["changed_by"], h["changed_by_email"]) for h in history] == [
        ("user-a", "an@agenda.example"),
        ("mod-1", "mod@portal.example"),
    ]
    mine = client.get(f"/api/v1/partner/applications/{application_id}/history", headers=partner(tokens)).get_json()
    assert mine[1]["changed_by_email"] == "mod@portal.example"
    unknown = create(app, tokens, name="Ander")
    stranger = {"Authorization": f"Bearer {tokens.token('mod-2', roles=['moderator'])}"}  # no e-mail claim
    client.post(f"/api/v1/admin/applications/{unknown}/approve", headers=stranger)
    assert (
        client.get(f"/api/v1/admin/applications/{unknown}/history", headers=mod).get_json()[1]["changed_by_email"]
        is None
    )


def test_a_search_counts_and_pages_up_to_its_window(service, tokens, monkeypatch):
    monkeypatch.setattr(repositories, "SEARCH_WINDOW", 2)
    app, _ = service
    client = app.test_client()
    oldest, middle, _newest = (create(app, tokens, name=f"Venster {n}") for n in range(3))
    first = client.get("/api/v1/admin/applications?q=venster&page_size=1", headers=moderator(tokens))
    pagination = json.loads(first.headers["X-Pagination"])
    assert (pagination["total"], pagination["total_pages"]) == (2, 2)
    second = client.get("/api/v1/admin/applications?q=venster&page_size=1&page=2", headers=moderator(tokens))
    assert [a["id"] for a in second.get_json()] == [middle]
    past = client.get("/api/v1/admin/applications?q=venster&page_size=1&page=3", headers=moderator(tokens))
    assert past.status_code == 200 and past.get_json() == []
    queue = client.get("/api/v1/admin/applications?status=new&oldest_first=true&page_size=5", headers=moderator(tokens))
    assert [a["id"] for a in queue.get_json()] == [oldest, middle]
