"""Access requests, school-admin grants, their consequences and the consent ledger, on both databases."""

import csv
import datetime as dt
import io
import json
import threading
import uuid

import pytest
import sqlalchemy as sa

from portal_scopes.bootstrap import SERVICE
from portal_scopes.domain.school_year import SchoolYear, today_in_brussels
from portal_scopes.service_layer import handlers
from portal_scopes.service_layer.handlers import import_schools
from portalkit.testing import deliver, start_service

APP = "app-1"
ADDRESSEE = "directie@school.example"
SCHOOLS = "institution_number,name\n012345,Sint-Jozef\n067890,Atheneum\n011111,Elders\n"


@pytest.fixture
def service(database_url, tokens):
    app, runtime = start_service(SERVICE, database_url, tokens)
    import_schools(runtime.unit_of_work, SCHOOLS)
    deliver(
        runtime,
        "partners.profile.created",
        {"partner_id": "p1", "name": "Agenda BV", "email": "i@a.example", "created_by": "u"},
    )
    deliver(
        runtime,
        "apps.application.requested",
        {
            "application_id": APP,
            "partner_id": "p1",
            "name": "Agenda Plus",
            "contact_email": "dev@a.example",
            "apis": ["leerlingen", "personeel"],
            "requested_by": "u",
            "description": "Lesroosters.",
        },
    )
    return app.test_client(), runtime


def approve(runtime):
    deliver(
        runtime,
        "apps.application.approved",
        {
            "application_id": APP,
            "partner_id": "p1",
            "name": "Agenda Plus",
            "contact_email": "dev@a.example",
            "approved_by": "m",
        },
    )


def partner(tokens, partner_id="p1"):
    return {"Authorization": f"Bearer {tokens.partner_token('u', partner_id)}"}


def admin(tokens, *institutions, sub="admin-1", email=None):
    token = tokens.token(sub, roles=["school-admin"], institutions=list(institutions), email=email)
    return {"Authorization": f"Bearer {token}"}


def outbox(runtime, event_type):
    with runtime.database.session() as session:
        payloads = [json.loads(p) for p in session.execute(sa.select(runtime.outbox.c.payload)).scalars()]
    return [p["data"] for p in payloads if p["type"] == event_type]


def ask(client, tokens, emails="directie@school.example"):
    return client.post(
        "/api/v1/partner/access-requests", json={"application_id": APP, "emails": emails}, headers=partner(tokens)
    )


def link_of(runtime, email="directie@school.example"):
    url = next(e["url"] for e in reversed(outbox(runtime, "scopes.access.requested")) if e["email"] == email)
    request_id = url.split("/requests/")[1].split("?")[0]
    return request_id, url.split("token=")[1]


def test_no_request_for_an_app_that_is_not_approved(service, tokens):
    client, _ = service
    response = ask(client, tokens)
    assert response.status_code == 409 and response.get_json()["code"] == "requests.app_not_approved"


def test_a_malformed_address_names_the_field(service, tokens):
    """Which addresses are refused is a rule of the domain (tests/unit); here: how the refusal answers."""
    client, runtime = service
    approve(runtime)
    response = ask(client, tokens, "a@school.example; kapot@")
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "emails"


def test_each_address_once_gets_its_own_one_month_link(service, tokens):
    client, runtime = service
    approve(runtime)
    response = ask(client, tokens, "Directie@School.example; zorg@school.example;directie@school.example")
    assert response.status_code == 201
    sent = outbox(runtime, "scopes.access.requested")
    assert sorted(e["email"] for e in sent) == ["Directie@school.example", "zorg@school.example"]
    assert sent[0]["application_name"] == "Agenda Plus" and sent[0]["partner_name"] == "Agenda BV"
    assert sent[0]["url"].startswith("https://portal.test/backoffice/#/requests/")
    expires = dt.datetime.fromisoformat(sent[0]["expires_at"])
    assert dt.timedelta(days=30) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=31)
    listed = client.get(f"/api/v1/partner/access-requests?application_id={APP}", headers=partner(tokens)).get_json()
    assert {r["state"] for r in listed} == {"open"} and len(listed) == 2
    assert client.get("/api/v1/partner/access-requests", headers=partner(tokens, "p2")).get_json() == []


def test_the_link_shows_the_app_and_only_the_admins_schools(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    request_id, token = link_of(runtime)
    page = client.get(
        f"/api/v1/admin/access-requests/{request_id}?token={token}", headers=admin(tokens, "012345", "067890")
    )
    assert page.status_code == 200
    body = page.get_json()
    assert (
        body["name"] == "Agenda Plus" and body["partner_name"] == "Agenda BV" and body["description"] == "Lesroosters."
    )
    assert body["apis"] == ["leerlingen", "personeel"]
    assert (body["partner_email"], body["contact_email"]) == ("i@a.example", "dev@a.example")
    assert [(s["institution_number"], s["name"]) for s in body["schools"]] == [
        ("012345", "Sint-Jozef"),
        ("067890", "Atheneum"),
    ]
    tampered = client.get(f"/api/v1/admin/access-requests/{request_id}?token=x{token}", headers=admin(tokens, "012345"))
    assert tampered.status_code == 403 and tampered.get_json()["code"] == "link.invalid"


def grant(client, tokens, schools, request=None, institutions=("012345", "067890"), sub="admin-1", email=None):
    body = {"schools": [{"institution_number": n, "apis": apis} for n, apis in schools.items()]}
    if request:
        body.update(request_id=request[0], token=request[1])
    return client.put(
        f"/api/v1/admin/grants/applications/{APP}",
        json=body,
        headers=admin(tokens, *institutions, sub=sub, email=email),
    )


def test_granting_with_the_link_records_and_announces_it_and_uses_the_link(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    request = link_of(runtime)
    response = grant(client, tokens, {"012345": ["leerlingen", "personeel"]}, request)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["schools"][0]["grants"] == ["leerlingen", "personeel"]
    [changed] = outbox(runtime, "scopes.grants.changed")
    assert changed["grants_version"] == 1 and len(changed["added"]) == 2 and changed["removed"] == []
    used = client.get(f"/api/v1/admin/access-requests/{request[0]}?token={request[1]}", headers=admin(tokens, "012345"))
    assert used.status_code == 410 and used.get_json()["code"] == "link.answered"
    states = {r["state"] for r in client.get("/api/v1/partner/access-requests", headers=partner(tokens)).get_json()}
    assert states == {"answered"}


def test_an_expired_link_is_gone(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    request = link_of(runtime)
    with runtime.database.session() as session:
        session.execute(sa.text("UPDATE access_requests SET expires_at = :past"), {"past": dt.datetime(2020, 1, 1)})
        session.commit()
    response = grant(client, tokens, {"012345": ["leerlingen"]}, request)
    assert response.status_code == 410 and response.get_json()["code"] == "link.expired"


def test_without_a_link_no_new_app_but_adjusting_an_existing_one(service, tokens):
    client, runtime = service
    approve(runtime)
    refused = grant(client, tokens, {"012345": ["leerlingen"]})
    assert refused.status_code == 403 and refused.get_json()["code"] == "grants.request_needed"
    ask(client, tokens)
    grant(client, tokens, {"012345": ["leerlingen"]}, link_of(runtime))
    adjusted = grant(client, tokens, {"012345": ["personeel"], "067890": ["leerlingen"]})
    assert adjusted.status_code == 200
    assert [s["grants"] for s in adjusted.get_json()["schools"]] == [["personeel"], ["leerlingen"]]
    last = outbox(runtime, "scopes.grants.changed")[-1]
    assert last["grants_version"] == 2
    assert {(g["institution_number"], g["api"]) for g in last["grants"]} == {
        ("012345", "personeel"),
        ("067890", "leerlingen"),
    }
    assert last["removed"] == [{"api": "leerlingen", "institution_number": "012345"}]
    view = client.get(f"/api/v1/admin/grants/applications/{APP}", headers=admin(tokens, "012345"))
    assert view.status_code == 200
    stranger = client.get(f"/api/v1/admin/grants/applications/{APP}", headers=admin(tokens, "011111"))
    assert stranger.status_code == 404


def test_an_admin_never_touches_another_school_or_an_unchecked_api(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    request = link_of(runtime)
    foreign = grant(client, tokens, {"011111": ["leerlingen"]}, request)
    assert foreign.status_code == 403 and foreign.get_json()["code"] == "grants.not_your_school"
    unchecked = grant(client, tokens, {"012345": ["rekeningen"]}, request)
    assert unchecked.status_code == 422
    partner_try = client.put(f"/api/v1/admin/grants/applications/{APP}", json={"schools": []}, headers=partner(tokens))
    assert partner_try.status_code == 403


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite serialises writers anyway
def test_two_admins_of_one_school_at_once_leave_no_duplicates(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens, "a@school.example; b@school.example")
    requests = [link_of(runtime, "a@school.example"), link_of(runtime, "b@school.example")]
    barrier, statuses = threading.Barrier(2), []

    def admin_grants(index):
        barrier.wait()
        statuses.append(
            grant(
                client.application.test_client(),
                tokens,
                {"012345": ["leerlingen"]},
                requests[index],
                sub=f"admin-{index}",
            ).status_code
        )

    threads = [threading.Thread(target=admin_grants, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    with runtime.database.session() as session:
        active = session.execute(sa.text("SELECT count(*) FROM grants WHERE revoked_at IS NULL")).scalar()
    assert active == 1
    assert len(outbox(runtime, "scopes.grants.changed")) == 1


def test_unchecking_an_api_and_archiving_revoke_grants(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    grant(client, tokens, {"012345": ["leerlingen", "personeel"]}, link_of(runtime))
    deliver(
        runtime, "apps.application.apis_unchecked", {"application_id": APP, "partner_id": "p1", "apis": ["personeel"]}
    )
    assert outbox(runtime, "scopes.grants.changed")[-1]["removed"] == [
        {"api": "personeel", "institution_number": "012345"}
    ]
    deliver(runtime, "apps.application.archived", {"application_id": APP, "partner_id": "p1", "archived_by": "m"})
    last = outbox(runtime, "scopes.grants.changed")[-1]
    assert last["grants"] == [] and last["grants_version"] == 3
    ledger = client.get("/api/v1/admin/grants?include_revoked=true", headers=admin(tokens, "012345")).get_json()
    assert len(ledger) == 2 and all(row["revoked_at"] and row["revoked_by"] == "system" for row in ledger)


def test_a_linked_clients_scopes_carry_over_once(service, tokens):
    client, runtime = service
    deliver(
        runtime,
        "apps.application.linked",
        {"application_id": "app-2", "partner_id": "p1", "client_id": "c", "name": "Legacy", "apis": ["leerlingen"]},
    )
    linked = {
        "client_id": "c",
        "application_id": "app-2",
        "partner_id": "p1",
        "grants": [{"api": "leerlingen", "institution_number": "012345"}],
    }
    event_id = str(uuid.uuid4())
    deliver(runtime, "identity.client.linked", linked, event_id)
    deliver(runtime, "identity.client.linked", linked, event_id)  # delivered twice: applied once
    ledger = client.get("/api/v1/admin/grants", headers=admin(tokens, "012345")).get_json()
    assert [(r["application_name"], r["carried_over"], r["granted_by"]) for r in ledger] == [
        ("Legacy", True, "carried-over")
    ]


def test_the_ledger_per_role_and_its_csv(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    grant(client, tokens, {"012345": ["leerlingen"], "067890": ["personeel"]}, link_of(runtime))
    own = client.get("/api/v1/admin/grants", headers=admin(tokens, "067890")).get_json()
    assert [(r["institution_number"], r["api"], r["school_name"], r["partner_name"]) for r in own] == [
        ("067890", "personeel", "Atheneum", "Agenda BV")
    ]
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    assert len(client.get("/api/v1/admin/grants", headers=moderator).get_json()) == 2
    export = client.get("/api/v1/admin/grants/export.csv", headers=admin(tokens, "012345", "067890"))
    assert export.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [(r["institution_number"], r["api"], r["application_name"]) for r in rows] == [
        ("012345", "leerlingen", "Agenda Plus"),
        ("067890", "personeel", "Agenda Plus"),
    ]
    partner_try = client.get("/api/v1/admin/grants", headers=partner(tokens))
    assert partner_try.status_code == 403


def test_a_colleague_removed_from_the_profile_can_ask_no_school(service, tokens):
    client, runtime = service
    approve(runtime)
    headers = partner(tokens)
    assert client.get(f"/api/v1/partner/access-requests?application_id={APP}", headers=headers).status_code == 200
    deliver(runtime, "partners.user.unlinked", {"partner_id": "p1", "account_id": "u", "removed_by": "v"})
    response = client.post(
        "/api/v1/partner/access-requests", json={"application_id": APP, "emails": "d@school.example"}, headers=headers
    )
    assert response.status_code == 403 and response.get_json()["code"] == "requests.no_profile"
    assert client.get(f"/api/v1/partner/access-requests?application_id={APP}", headers=headers).status_code == 403


def test_an_added_api_is_grantable_only_once_a_moderator_approved_the_change(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    request = link_of(runtime)
    pending = grant(client, tokens, {"012345": ["rekeningen"]}, request)
    assert pending.status_code == 422  # apps keeps a pending API to itself: it is not the application's yet
    deliver(
        runtime,
        "apps.application.change_approved",
        {
            "application_id": APP,
            "partner_id": "p1",
            "change_id": "change-1",
            "name": "Agenda Pro",
            "previous_name": "Agenda Plus",
            "contact_email": "dev@a.example",
            "apis": ["leerlingen", "personeel", "rekeningen"],
            "apis_added": ["rekeningen"],
            "approved_by": "m",
        },
    )
    granted = grant(client, tokens, {"012345": ["rekeningen"]}, request)
    assert granted.status_code == 200, granted.get_json()
    assert granted.get_json()["name"] == "Agenda Pro"
    assert outbox(runtime, "scopes.grants.changed")[-1]["added"] == [
        {"api": "rekeningen", "institution_number": "012345"}
    ]


def test_the_csv_export_neutralises_formulas_in_names(service, tokens):
    client, runtime = service
    name = '=HYPERLINK("http://evil.example","Klik")'
    deliver(
        runtime,
        "apps.application.linked",
        {"application_id": "app-2", "partner_id": "p1", "client_id": "c", "name": name, "apis": ["leerlingen"]},
    )
    linked = {
        "client_id": "c",
        "application_id": "app-2",
        "partner_id": "p1",
        "grants": [{"api": "leerlingen", "institution_number": "012345"}],
    }
    deliver(runtime, "identity.client.linked", linked)
    export = client.get("/api/v1/admin/grants/export.csv", headers=admin(tokens, "012345"))
    [row] = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert row["application_name"] == "'" + name


def test_a_partner_cannot_make_the_portal_send_mail_without_end(service, tokens):
    client, runtime = service
    approve(runtime)
    for batch in range(3):
        addresses = ";".join(f"beheerder{batch}-{i}@school.example" for i in range(10))
        assert ask(client, tokens, addresses).status_code == 201
    refused = ask(client, tokens, "nog-een@school.example")
    assert refused.status_code == 429 and refused.content_type == "application/problem+json"
    body = refused.get_json()
    assert body["code"] == "requests.daily_limit_application" and (body["limit"], body["left"]) == (30, 0)
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    assert len(outbox(runtime, "scopes.access.requested")) == 30


def test_the_limits_and_what_is_left_are_shown_to_the_partner(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens, "a@school.example; b@school.example")
    limits = client.get(f"/api/v1/partner/access-requests/limits?application_id={APP}", headers=partner(tokens))
    assert limits.get_json() == {
        "addresses_per_request": 10,
        "per_application_per_day": 30,
        "per_partner_per_day": 100,
        "left_for_partner": 98,
        "left_for_application": 28,
    }


def test_the_ledger_names_who_granted_and_who_revoked_by_email(service, tokens):
    """School admins (made without an event) are known from the token of the change they made; a partner
    account from identity's events; an id never seen stays an id without an e-mail."""
    client, runtime = service
    deliver(
        runtime,
        "identity.account.registered",
        {
            "account_id": "admin-2",
            "email": "els@school.example",
            "language": "nl",
            "activation_url": "https://portal.test/login/activate?token=t",
            "expires_at": "2026-12-01T00:00:00+00:00",
        },
    )
    approve(runtime)
    ask(client, tokens)
    body = {"schools": [{"institution_number": "012345", "apis": ["leerlingen"]}]}
    request_id, token = link_of(runtime)
    first = tokens.token("admin-1", roles=["school-admin"], institutions=["012345"], email="an@school.example")
    response = client.put(
        f"/api/v1/admin/grants/applications/{APP}",
        json={**body, "request_id": request_id, "token": token},
        headers={"Authorization": f"Bearer {first}"},
    )
    assert response.status_code == 200, response.get_json()
    assert grant(client, tokens, {"012345": []}, institutions=("012345",), sub="admin-2").status_code == 200
    [row] = client.get("/api/v1/admin/grants?include_revoked=true", headers=admin(tokens, "012345")).get_json()
    assert (row["granted_by"], row["granted_by_email"]) == ("admin-1", "an@school.example")
    assert (row["revoked_by"], row["revoked_by_email"]) == ("admin-2", "els@school.example")
    export = client.get("/api/v1/admin/grants/export.csv?include_revoked=true", headers=admin(tokens, "012345"))
    [line] = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert line["granted_by_email"] == "an@school.example" and line["revoked_by_email"] == "els@school.example"


def test_the_partner_reads_its_granted_schools_by_name_and_no_one_elses(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    grant(client, tokens, {"012345": ["leerlingen"]}, link_of(runtime))
    url = f"/api/v1/partner/access-requests/grants?application_id={APP}"
    mine = client.get(url, headers=partner(tokens))
    assert mine.status_code == 200
    end = SchoolYear().end_of(today_in_brussels(dt.datetime.now(dt.UTC))).isoformat()
    assert mine.get_json() == [
        {"institution_number": "012345", "name": "Sint-Jozef", "grants": ["leerlingen"], "ends_on": end}
    ]
    assert client.get(url, headers=partner(tokens, "p2")).status_code == 404
    assert client.get(url, headers=admin(tokens, "012345")).status_code == 403


def test_a_school_admin_sees_only_the_requests_mailed_to_them(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens, "directie@school.example; other@school.example")
    inbox = client.get("/api/v1/admin/access-requests?q=agenda", headers=admin(tokens, "012345", email=ADDRESSEE))
    assert inbox.status_code == 200 and inbox.headers["X-Pagination"]
    [entry] = inbox.get_json()
    assert (entry["application_name"], entry["partner_name"]) == ("Agenda Plus", "Agenda BV")
    assert entry["id"] == link_of(runtime)[0]
    other = client.get("/api/v1/admin/access-requests", headers=admin(tokens, "012345", email="x@school.example"))
    assert other.get_json() == []
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    assert client.get("/api/v1/admin/access-requests", headers=moderator).status_code == 403
    assert client.get("/api/v1/admin/access-requests", headers=partner(tokens)).status_code == 403


def test_the_addressee_opens_and_answers_from_the_inbox_without_the_link(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    request_id, _ = link_of(runtime)
    url = f"/api/v1/admin/access-requests/{request_id}"
    stranger = client.get(url, headers=admin(tokens, "012345", email="x@school.example"))
    assert stranger.status_code == 403 and stranger.get_json()["code"] == "link.invalid"
    assert client.get(url, headers=admin(tokens, "012345", email=ADDRESSEE)).get_json()["request_id"] == request_id
    response = grant(client, tokens, {"012345": ["leerlingen"]}, (request_id, None), email=ADDRESSEE)
    assert response.status_code == 200, response.get_json()
    assert (
        client.get("/api/v1/admin/access-requests", headers=admin(tokens, "012345", email=ADDRESSEE)).get_json() == []
    )


def test_declining_tells_the_partner_and_only_the_addressee_or_link_may(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    request_id, token = link_of(runtime)
    url = f"/api/v1/admin/access-requests/{request_id}/decline"
    body = {"reason": "Geen overeenkomst."}
    assert client.post(url, json=body, headers=partner(tokens)).status_code == 403
    stranger = client.post(url, json=body, headers=admin(tokens, "012345", email="x@school.example"))
    assert stranger.status_code == 403 and stranger.get_json()["code"] == "link.invalid"
    assert client.post(url, json=body, headers=admin(tokens, "012345", email=ADDRESSEE)).status_code == 204
    [declined] = outbox(runtime, "scopes.access.declined")
    assert (declined["request_id"], declined["email"], declined["reason"]) == (request_id, ADDRESSEE, body["reason"])
    [sent] = client.get("/api/v1/partner/access-requests", headers=partner(tokens)).get_json()
    assert (sent["state"], sent["decline_reason"]) == ("declined", "Geen overeenkomst.")
    again = client.post(url, json={"token": token}, headers=admin(tokens, "012345"))
    assert again.status_code == 410 and again.get_json()["code"] == "link.answered"


# -- the school year: end dates, the overview, renewals, the sweep ----------------------------------
def end_of_this_school_year() -> dt.date:
    return SchoolYear().end_of(today_in_brussels(dt.datetime.now(dt.UTC)))


def after(day: dt.date) -> dt.datetime:
    """Noon in Brussels the day after ``day``: a grant ending on ``day`` has ended."""
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC) + dt.timedelta(days=1)


def test_an_end_date_is_chosen_when_granting_and_refused_out_of_range(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    past = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    body = {"schools": [{"institution_number": "012345", "apis": ["leerlingen"], "ends_on": past}]}
    request_id, token = link_of(runtime)
    refused = client.put(
        f"/api/v1/admin/grants/applications/{APP}",
        json=body | {"request_id": request_id, "token": token},
        headers=admin(tokens, "012345"),
    )
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "grants.012345"
    picked = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    body["schools"][0]["ends_on"] = picked
    body["schools"].append({"institution_number": "067890", "apis": ["personeel"]})
    answered = client.put(
        f"/api/v1/admin/grants/applications/{APP}",
        json=body | {"request_id": request_id, "token": token},
        headers=admin(tokens, "012345", "067890"),
    )
    assert answered.status_code == 200
    assert [s["ends_on"] for s in answered.get_json()["schools"]] == [picked, end_of_this_school_year().isoformat()]
    [answer] = outbox(runtime, "scopes.access.answered")
    assert answer["request_id"] == request_id and len(answer["granted"]) == 2


def test_the_overview_renewals_and_the_csvs_end_dates_per_school_admin(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    grant(client, tokens, {"012345": ["leerlingen"], "067890": ["personeel"]}, link_of(runtime))
    end = end_of_this_school_year()
    mine = client.get("/api/v1/admin/grants/ends", headers=admin(tokens, "012345")).get_json()
    assert [(e["institution_number"], e["apis"], e["ends_on"]) for e in mine] == [
        ("012345", ["leerlingen"], end.isoformat())
    ]
    assert mine[0]["application_name"] == "Agenda Plus" and mine[0]["school_name"] == "Sint-Jozef"
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    everything = client.get("/api/v1/admin/grants/ends", headers=moderator)
    assert len(everything.get_json()) == 2
    url = f"/api/v1/admin/grants/applications/{APP}/renew"
    foreign = client.post(url, json={"institution_number": "067890"}, headers=admin(tokens, "012345"))
    assert foreign.status_code == 403 and foreign.get_json()["code"] == "grants.not_your_school"
    nothing = client.post(url, json={"institution_number": "011111"}, headers=admin(tokens, "011111"))
    assert nothing.status_code == 404 and nothing.get_json()["code"] == "grants.nothing_to_renew"
    renewed = client.post(
        url, json={"institution_number": "012345"}, headers=admin(tokens, "012345", sub="admin-2", email="b@s.example")
    )
    next_end = SchoolYear().end_in(end.year + 1).isoformat()
    assert renewed.status_code == 200 and renewed.get_json()["ends_on"] == next_end
    export = client.get("/api/v1/admin/grants/export.csv", headers=admin(tokens, "012345", "067890"))
    rows = {r["institution_number"]: r for r in csv.DictReader(io.StringIO(export.get_data(as_text=True)))}
    assert (rows["012345"]["ends_on"], rows["012345"]["renewed_by_email"]) == (next_end, "b@s.example")
    assert rows["067890"]["ends_on"] == end.isoformat() and rows["067890"]["renewed_at"] == ""


def test_the_sweep_expires_ended_grants_once_even_with_two_workers(service, tokens, database_url):
    """Two workers sweep at once on PostgreSQL (row locks); SQLite, one process's database, sweeps in turn."""
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    grant(client, tokens, {"012345": ["leerlingen"]}, link_of(runtime))
    later = after(end_of_this_school_year())
    barrier, results = threading.Barrier(2), []

    def worker():
        barrier.wait()
        results.append(handlers.sweep(runtime.container, later).grants_expired)

    if database_url.startswith("postgresql"):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        results = [handlers.sweep(runtime.container, later).grants_expired for _ in range(2)]
    assert sorted(results) == [0, 1]
    [expired] = outbox(runtime, "scopes.grants.expired")
    assert expired["expired"][0]["ended_on"] == end_of_this_school_year().isoformat()
    assert outbox(runtime, "scopes.grants.changed")[-1]["grants"] == []
    ledger = client.get("/api/v1/admin/grants?include_revoked=true", headers=admin(tokens, "012345")).get_json()
    assert [(row["revoked_by"], row["expired"]) for row in ledger] == [("system", True)]
    assert client.get("/api/v1/admin/grants/ends", headers=admin(tokens, "012345")).get_json() == []


def test_the_reminders_one_click_renews_once_for_an_admin_of_the_school(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    grant(client, tokens, {"012345": ["leerlingen"]}, link_of(runtime), email="directie@school.example")
    end = end_of_this_school_year()
    result = handlers.sweep(runtime.container, after(end - dt.timedelta(days=10)))
    assert result.renewals_reminded == 1
    [due] = outbox(runtime, "scopes.grants.renewal_due")
    [partner_notice] = outbox(runtime, "scopes.grants.expiring")
    assert due["email"] == "directie@school.example" and partner_notice["schools"][0]["institution_number"] == "012345"
    assert handlers.sweep(runtime.container, after(end - dt.timedelta(days=9))).renewals_reminded == 0
    link_id, token = due["url"].split("/renewals/")[1].split("?")[0], due["url"].split("token=")[1]
    page = f"/api/v1/admin/grants/renewals/{link_id}"
    other = client.get(f"{page}?token={token}", headers=admin(tokens, "067890"))
    assert other.status_code == 403
    shown = client.get(f"{page}?token={token}", headers=admin(tokens, "012345")).get_json()
    assert shown["school_name"] == "Sint-Jozef"
    assert shown["grants"] == [{"api": "leerlingen", "ends_on": end.isoformat()}]
    assert client.post(page, json={"token": "x" + token}, headers=admin(tokens, "012345")).status_code == 403
    renewed = client.post(page, json={"token": token}, headers=admin(tokens, "012345"))
    assert renewed.status_code == 200 and renewed.get_json()["ends_on"] == shown["renews_until"]
    again = client.post(page, json={"token": token}, headers=admin(tokens, "012345"))
    assert again.status_code == 410 and again.get_json()["code"] == "link.answered"
    assert handlers.sweep(runtime.container, after(end)).grants_expired == 0


def test_the_partner_follows_a_request_reminded_and_expired(service, tokens):
    client, runtime = service
    approve(runtime)
    ask(client, tokens)
    request_id, _ = link_of(runtime)
    listed = client.get(f"/api/v1/partner/access-requests?application_id={APP}", headers=partner(tokens)).get_json()
    sent, expires = (dt.datetime.fromisoformat(listed[0][key]) for key in ("created_at", "expires_at"))
    assert handlers.sweep(runtime.container, sent + (expires - sent) / 2).requests_reminded == 1
    [reminded] = outbox(runtime, "scopes.access.reminded")
    second = reminded["url"].split("token=")[1]
    opened = client.get(f"/api/v1/admin/access-requests/{request_id}?token={second}", headers=admin(tokens, "011111"))
    assert opened.status_code == 200
    [listed] = client.get("/api/v1/partner/access-requests", headers=partner(tokens)).get_json()
    assert listed["state"] == "open" and listed["reminded_at"] and listed["expired_at"] is None
    assert handlers.sweep(runtime.container, expires).requests_expired == 1
    assert handlers.sweep(runtime.container, expires + dt.timedelta(hours=1)).requests_expired == 0
    [expired] = outbox(runtime, "scopes.access.expired")
    assert expired["request_id"] == request_id
    [listed] = client.get("/api/v1/partner/access-requests", headers=partner(tokens)).get_json()
    assert listed["state"] == "expired" and listed["expired_at"] == listed["expires_at"]
    gone = client.get(f"/api/v1/admin/access-requests/{request_id}?token={second}", headers=admin(tokens, "011111"))
    assert gone.status_code == 410
