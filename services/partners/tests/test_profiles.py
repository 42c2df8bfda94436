"""Profiles, colleagues by invitation code, the audit log and the public directory, on both databases."""

import base64
import datetime as dt
import json
import uuid

import pytest
import sqlalchemy as sa

from portal_partners.adapters import orm, repositories
from portal_partners.bootstrap import SERVICE
from portal_partners.domain.invitations import code_hash
from portalkit.migrations import upgrade
from portalkit.testing import deliver, start_service

from .unit.factories import data_url, fields, image

PNG = image("PNG")
VALID = fields()
# The profiles table before revision 0009, with its one category: for the tests that start from old data.
OLD_PROFILES = sa.table("profiles", sa.column("category"), *(sa.column(c.name, c.type) for c in orm.profiles.c))
OLD_FIELDS = {key: value for key, value in VALID.items() if key not in ("logo", "enterprise_number", "categories")}


@pytest.fixture
def service(database_url, tokens):
    return start_service(SERVICE, database_url, tokens)


def user(tokens, account_id="acc-1", email="jan@agenda.example"):
    return {"Authorization": f"Bearer {tokens.token(account_id, roles=['partner'], email=email)}"}


def create(client, tokens, account_id="acc-1", **changes):
    return client.post("/api/v1/partner/profile", json={**VALID, **changes}, headers=user(tokens, account_id))


def outbox(runtime) -> list[dict]:
    """Every event the service put in its outbox, in the order the relay sends them."""
    with runtime.database.session() as session:
        query = sa.select(runtime.outbox.c.payload).order_by(runtime.outbox.c.seq)
        return [json.loads(payload) for payload in session.execute(query).scalars()]


def events(runtime, event_type):
    return [p["data"] for p in outbox(runtime) if p["type"] == event_type]


def test_first_login_is_told_to_create_or_link(service, tokens):
    app, _ = service
    response = app.test_client().get("/api/v1/partner/profile", headers=user(tokens))
    assert response.status_code == 404 and response.get_json()["code"] == "profile.none"


def test_creating_a_profile_links_the_account_and_announces_both(service, tokens):
    app, runtime = service
    client = app.test_client()
    response = create(client, tokens)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["email"] == "jan@agenda.example" and body["enterprise_number"] == "0123456749"
    assert "logo" not in body and body["logo_url"] == "/api/v1/partner/profile/logo"
    assert [p["type"] for p in outbox(runtime)] == ["partners.profile.created", "partners.user.linked"]
    assert events(runtime, "partners.user.linked") == [{"partner_id": body["id"], "account_id": "acc-1"}]
    assert events(runtime, "partners.profile.created")[0]["email"] == "jan@agenda.example"
    logo = client.get("/api/v1/partner/profile/logo", headers=user(tokens))
    assert logo.status_code == 200 and logo.content_type == "image/png" and logo.data.startswith(b"\x89PNG")
    again = create(client, tokens, name="Tweede")
    assert again.status_code == 409 and again.get_json()["code"] == "profile.already_linked"


def test_names_are_unique_regardless_of_case_and_spaces(service, tokens):
    app, _ = service
    client = app.test_client()
    create(client, tokens)
    taken = create(client, tokens, account_id="acc-2", name="  agenda   PLUS ")
    assert taken.status_code == 409
    assert taken.get_json()["detail"] == "Er bestaat al een profiel met de naam Agenda Plus: kies een andere naam."
    assert taken.get_json()["errors"][0]["field"] == "name"


def test_broken_rules_are_one_422_problem_naming_each_field(service, tokens):
    """The rules themselves are tested in the domain (tests/unit); here, how their answer reaches the client."""
    app, _ = service
    response = create(app.test_client(), tokens, name="", website="agenda.example")
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    body = response.get_json()
    assert (body["code"], body["detail"]) == ("profile.invalid", "Het profiel is niet geldig.")
    assert [(error["field"], error["pointer"]) for error in body["errors"]] == [
        ("name", "#/name"),
        ("website", "#/website"),
    ]
    assert [error["detail"] for error in body["errors"]] == [
        "Dit veld is verplicht.",
        "Geef een volledig webadres dat begint met http:// of https://.",
    ]


def test_oversized_bodies_and_logos_are_413_and_wrong_types_415(service, tokens):
    app, _ = service
    client = app.test_client()
    big_logo = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024)).decode()
    too_large = create(client, tokens, logo=big_logo)
    assert too_large.status_code == 413 and too_large.get_json()["errors"][0]["field"] == "logo"
    huge = {**VALID, "logo": "A" * (3 * 1024 * 1024)}
    assert client.post("/api/v1/partner/profile", json=huge, headers=user(tokens)).status_code == 413
    wrong = client.post("/api/v1/partner/profile", data="name=x", content_type="text/plain", headers=user(tokens))
    assert wrong.status_code == 415


def test_edits_are_audited_and_announced(service, tokens):
    app, runtime = service
    client = app.test_client()
    create(client, tokens)
    jpeg = data_url(image("JPEG"), "image/jpeg")
    edited = client.patch(
        "/api/v1/partner/profile",
        json={"description": "Nieuw.", "logo": jpeg, "public": False, "address": {**VALID["address"], "number": "2"}},
        headers=user(tokens),
    )
    assert edited.status_code == 200 and edited.get_json()["public"] is False
    audit = client.get("/api/v1/partner/profile/audit", headers=user(tokens)).get_json()
    by_field = {entry["field"]: entry for entry in audit}
    assert by_field["description"]["new_value"] == "Nieuw." and by_field["description"]["account_id"] == "acc-1"
    assert by_field["logo"]["new_value"] == "(image)"  # never the bytes
    assert by_field["public"]["old_value"] == "True"
    assert by_field["address"]["new_value"] == "Kerkstraat 2, 9000 Gent, België"  # one line, not a dict
    assert client.get("/api/v1/partner/profile/logo", headers=user(tokens)).content_type == "image/jpeg"
    [changed] = events(runtime, "partners.profile.changed")
    assert sorted(changed["changed_fields"]) == ["address", "description", "logo", "public"]
    unchanged = client.patch("/api/v1/partner/profile", json={"description": "Nieuw."}, headers=user(tokens))
    assert unchanged.status_code == 200 and len(events(runtime, "partners.profile.changed")) == 1


def test_a_colleague_joins_with_a_code_that_works_once(service, tokens):
    app, runtime = service
    client = app.test_client()
    create(client, tokens)
    invitation = client.post("/api/v1/partner/profile/invitations", headers=user(tokens))
    assert invitation.status_code == 201
    code, expires = invitation.get_json()["code"], invitation.get_json()["expires_at"]
    assert len(code.replace("-", "")) == 25
    assert dt.datetime.fromisoformat(expires) - dt.datetime.now(dt.UTC) > dt.timedelta(days=4, hours=23)
    colleague = user(tokens, "acc-2", "an@agenda.example")
    joined = client.post(
        "/api/v1/partner/profile/link", json={"code": code.lower().replace("-", " ")}, headers=colleague
    )
    assert joined.status_code == 200 and joined.get_json()["name"] == "Agenda Plus"
    emails = [u["email"] for u in client.get("/api/v1/partner/profile/users", headers=colleague).get_json()]
    assert emails == ["jan@agenda.example", "an@agenda.example"]
    third = client.post(
        "/api/v1/partner/profile/link", json={"code": code}, headers=user(tokens, "acc-3", "x@y.example")
    )
    assert third.status_code == 400 and third.get_json()["code"] == "invitation.used"
    assert len(events(runtime, "partners.user.linked")) == 2


def test_expired_and_unknown_codes_and_guessing(service, tokens):
    app, runtime = service
    client = app.test_client()
    create(client, tokens)
    code = client.post("/api/v1/partner/profile/invitations", headers=user(tokens)).get_json()["code"]
    with runtime.database.session() as session:
        session.execute(sa.text("UPDATE invitations SET expires_at = :past"), {"past": dt.datetime(2020, 1, 1)})
        session.commit()
    guesser = user(tokens, "acc-9", "g@example.org")
    expired = client.post("/api/v1/partner/profile/link", json={"code": code}, headers=guesser)
    assert expired.status_code == 400 and expired.get_json()["code"] == "invitation.expired"
    for _ in range(4):
        unknown = client.post("/api/v1/partner/profile/link", json={"code": "AAAAA-BBBBB"}, headers=guesser)
        assert unknown.get_json()["code"] == "invitation.unknown"
    throttled = client.post("/api/v1/partner/profile/link", json={"code": "CCCCC"}, headers=guesser)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"]


def test_users_leave_or_remove_each_other_audited(service, tokens):
    app, runtime = service
    client = app.test_client()
    create(client, tokens)
    code = client.post("/api/v1/partner/profile/invitations", headers=user(tokens)).get_json()["code"]
    client.post("/api/v1/partner/profile/link", json={"code": code}, headers=user(tokens, "acc-2", "an@agenda.example"))
    assert client.delete("/api/v1/partner/profile/users/acc-2", headers=user(tokens)).status_code == 204
    assert client.get("/api/v1/partner/profile", headers=user(tokens, "acc-2")).status_code == 404
    assert events(runtime, "partners.user.unlinked") == [
        {
            "partner_id": events(runtime, "partners.user.linked")[0]["partner_id"],
            "account_id": "acc-2",
            "removed_by": "acc-1",
        }
    ]
    audit = client.get("/api/v1/partner/profile/audit", headers=user(tokens)).get_json()
    assert {"field": "users", "old_value": "an@agenda.example"}.items() <= audit[0].items()
    assert client.delete("/api/v1/partner/profile/users/stranger", headers=user(tokens)).status_code == 404


def listed_partner(client, runtime, tokens, account_id, name, **changes):
    profile = create(client, tokens, account_id=account_id, name=name, **changes).get_json()
    deliver(
        runtime,
        "apps.application.approved",
        {
            "application_id": str(uuid.uuid4()),
            "partner_id": profile["id"],
            "name": "App",
            "contact_email": "a@b.example",
            "approved_by": "m",
        },
    )
    return profile


def test_the_directory_lists_only_active_public_partners_with_an_approved_app(service, tokens):
    app, runtime = service
    client = app.test_client()
    zeta = listed_partner(client, runtime, tokens, "a1", "Zeta Berichten", categories=["communicatie", "hrm"])
    alfa = listed_partner(client, runtime, tokens, "a2", "alfa Boekhouding", categories=["boekhouding"])
    listed_partner(client, runtime, tokens, "a3", "Privé BV", public=False)
    create(client, tokens, account_id="a4", name="Nog Geen App")
    beta = listed_partner(client, runtime, tokens, "a5", "Beta Berichten", categories=["hrm", "communicatie"])
    listing = client.get("/api/v1/public/partners").get_json()
    assert [p["name"] for p in listing] == ["alfa Boekhouding", "Beta Berichten", "Zeta Berichten"]
    keys = {"id", "name", "description", "categories", "category", "website", "extra_info", "logo_url"}
    assert set(listing[0]) == keys and (listing[1]["categories"], listing[1]["category"]) == (
        ["hrm", "communicatie"],
        "hrm",
    )
    by_category = client.get("/api/v1/public/partners?category=communicatie").get_json()
    assert [p["id"] for p in by_category] == [beta["id"], zeta["id"]]  # any of a partner's categories
    assert [p["id"] for p in client.get("/api/v1/public/partners?q=BERICHTEN").get_json()] == [beta["id"], zeta["id"]]
    assert [p["id"] for p in client.get("/api/v1/public/partners?category=boekhouding").get_json()] == [alfa["id"]]
    page = client.get("/api/v1/public/partners?page=2&page_size=2")
    assert [p["name"] for p in page.get_json()] == ["Zeta Berichten"] and '"total": 3' in page.headers["X-Pagination"]
    logo = client.get(f"/api/v1/public/partners/{alfa['id']}/logo")
    assert logo.status_code == 200 and logo.content_type == "image/png"
    assert client.get(f"/api/v1/public/partners/{alfa['id']}").get_json()["name"] == "alfa Boekhouding"


def test_private_unapproved_or_deactivated_partners_never_show(service, tokens):
    app, runtime = service
    client = app.test_client()
    private = listed_partner(client, runtime, tokens, "a1", "Privé BV", public=False)
    assert client.get(f"/api/v1/public/partners/{private['id']}").status_code == 404
    assert client.get(f"/api/v1/public/partners/{private['id']}/logo").status_code == 404
    shown = listed_partner(client, runtime, tokens, "a2", "Zichtbaar")
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    deactivated = client.post(f"/api/v1/admin/profiles/{shown['id']}/deactivate", headers=moderator)
    assert deactivated.status_code == 200 and deactivated.get_json()["active"] is False
    assert client.get("/api/v1/public/partners").get_json() == []
    client.post(f"/api/v1/admin/profiles/{shown['id']}/reactivate", headers=moderator)
    assert len(client.get("/api/v1/public/partners").get_json()) == 1
    application = str(uuid.uuid4())
    deliver(
        runtime,
        "apps.application.linked",
        {"application_id": application, "partner_id": private["id"], "client_id": "c", "name": "x", "apis": []},
    )
    deliver(
        runtime,
        "apps.application.archived",
        {"application_id": application, "partner_id": private["id"], "archived_by": "m"},
    )
    assert [p["id"] for p in client.get("/api/v1/public/partners").get_json()] == [shown["id"]]


def test_moderators_search_every_profile(service, tokens):
    app, runtime = service
    client = app.test_client()
    create(client, tokens, account_id="a1", name="Eén")
    create(client, tokens, account_id="a2", name="Twee", public=False)
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    assert len(client.get("/api/v1/admin/profiles", headers=moderator).get_json()) == 2
    assert [p["name"] for p in client.get("/api/v1/admin/profiles?q=twee", headers=moderator).get_json()] == ["Twee"]
    assert client.get("/api/v1/admin/profiles", headers=user(tokens)).status_code == 403
    bad = client.get("/api/v1/public/partners?category=casino")
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "category"


def test_the_profile_keeps_the_creators_language_for_its_mails(service, tokens):
    app, runtime = service
    english = {"Authorization": f"Bearer {tokens.token('acc-en', roles=['partner'], email='e@x.example', locale='en')}"}
    app.test_client().post("/api/v1/partner/profile", json=VALID, headers=english)
    assert events(runtime, "partners.profile.created")[0]["language"] == "en"


def test_an_unlinked_member_cannot_rejoin_with_a_code_he_made(service, tokens):
    """Issue 14, failure 2: his codes die with his membership, so he cannot come back and invite others."""
    app, _ = service
    client = app.test_client()
    create(client, tokens)
    colleague = user(tokens, "acc-2", "an@agenda.example")
    code = client.post("/api/v1/partner/profile/invitations", headers=user(tokens)).get_json()["code"]
    client.post("/api/v1/partner/profile/link", json={"code": code}, headers=colleague)
    own_code = client.post("/api/v1/partner/profile/invitations", headers=colleague).get_json()["code"]
    assert client.delete("/api/v1/partner/profile/users/acc-2", headers=user(tokens)).status_code == 204
    rejoined = client.post("/api/v1/partner/profile/link", json={"code": own_code}, headers=colleague)
    assert rejoined.status_code == 400 and rejoined.get_json()["code"] == "invitation.withdrawn"
    assert client.post("/api/v1/partner/profile/invitations", headers=colleague).status_code == 404
    assert client.get("/api/v1/partner/profile/invitations", headers=user(tokens)).get_json() == []
    audit = client.get("/api/v1/partner/profile/audit", headers=user(tokens)).get_json()
    withdrawn = [entry for entry in audit if entry["field"] == "invitations" and entry["new_value"] is None]
    assert [(entry["account_id"], entry["old_value"]) for entry in withdrawn] == [("acc-1", f"…{own_code[-4:]}")]


def test_members_see_the_open_codes_and_any_of_them_withdraws_one(service, tokens):
    app, runtime = service
    client = app.test_client()
    create(client, tokens)
    colleague = user(tokens, "acc-2", "an@agenda.example")
    used = client.post("/api/v1/partner/profile/invitations", headers=user(tokens)).get_json()
    client.post("/api/v1/partner/profile/link", json={"code": used["code"]}, headers=colleague)
    his = client.post("/api/v1/partner/profile/invitations", headers=colleague).get_json()
    mine = client.post("/api/v1/partner/profile/invitations", headers=user(tokens)).get_json()
    expired = client.post("/api/v1/partner/profile/invitations", headers=user(tokens)).get_json()
    with runtime.database.session() as session:
        session.execute(
            sa.text("UPDATE invitations SET expires_at = :past WHERE id = :id"),
            {"past": dt.datetime(2020, 1, 1), "id": expired["id"]},
        )
        session.commit()
    listed = client.get("/api/v1/partner/profile/invitations", headers=colleague).get_json()
    assert [(i["id"], i["created_by"], i["created_by_email"]) for i in listed] == [
        (his["id"], "acc-2", "an@agenda.example"),
        (mine["id"], "acc-1", "jan@agenda.example"),
    ]
    assert listed[1]["hint"] == mine["code"][-4:] and listed[1]["expires_at"] == mine["expires_at"]
    assert "code" not in listed[0] and "code_hash" not in listed[0]

    stranger = user(tokens, "acc-9", "x@other.example")
    create(client, tokens, account_id="acc-9", name="Ander Bedrijf")
    assert client.get("/api/v1/partner/profile/invitations", headers=stranger).get_json() == []
    foreign = client.delete(f"/api/v1/partner/profile/invitations/{mine['id']}", headers=stranger)
    assert foreign.status_code == 404

    assert client.delete(f"/api/v1/partner/profile/invitations/{mine['id']}", headers=colleague).status_code == 204
    assert [i["id"] for i in client.get("/api/v1/partner/profile/invitations", headers=user(tokens)).get_json()] == [
        his["id"]
    ]
    refused = client.post("/api/v1/partner/profile/link", json={"code": mine["code"]}, headers=user(tokens, "acc-3"))
    assert refused.status_code == 400
    assert refused.get_json()["detail"].startswith("Deze uitnodigingscode is ingetrokken.")
    for closed in (mine, used, expired):
        again = client.delete(f"/api/v1/partner/profile/invitations/{closed['id']}", headers=colleague)
        assert again.status_code == 409 and again.get_json()["code"] == "invitation.not_open"
    english = client.delete(f"/api/v1/partner/profile/invitations/{mine['id']}?lang=en", headers=colleague)
    assert english.get_json()["detail"].startswith("This invitation code has been used, has expired or was withdrawn")

    audit = client.get("/api/v1/partner/profile/audit", headers=user(tokens)).get_json()
    codes = [(e["account_id"], e["old_value"], e["new_value"]) for e in audit if e["field"] == "invitations"]
    label = f"…{mine['code'][-4:]}"
    assert codes[0] == ("acc-2", label, None)  # newest first: the withdrawal, by the colleague
    assert ("acc-1", None, label) in codes and ("acc-2", None, f"…{his['code'][-4:]}") in codes
    assert mine["code"] not in json.dumps(audit)


def test_the_migration_withdraws_open_codes_of_makers_who_left(database_url, tokens):
    """Codes made before issue 14 by someone no longer a member stop working; the others get their maker's e-mail."""
    upgrade(database_url, "portal_partners", "0003")
    engine = sa.create_engine(database_url)
    now, later = dt.datetime.now(dt.UTC), dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    codes = {"member": "MEMBE-RSCOD", "left": "LEFTS-CODEX", "used": "USEDC-ODEXX"}
    with engine.begin() as connection:
        connection.execute(
            OLD_PROFILES.insert().values(
                **OLD_FIELDS, category="planning", id="p-1", name_key="agenda plus", email="jan@agenda.example",
                logo=PNG, logo_type="image/png", active=True, created_at=now, updated_at=now,
            )
        )  # fmt: skip
        connection.execute(
            orm.memberships.insert().values(
                account_id="acc-1", partner_id="p-1", email="jan@agenda.example", linked_at=now
            )
        )
        for maker, code in (("acc-1", codes["member"]), ("acc-2", codes["left"]), ("acc-2", codes["used"])):
            used_at = now if code == codes["used"] else None
            connection.execute(
                orm.invitations.insert().values(
                    code_hash=code_hash(code), partner_id="p-1", created_by=maker, created_at=now, expires_at=later,
                    used_at=used_at,
                )
            )  # fmt: skip
    engine.dispose()
    app, _ = start_service(SERVICE, database_url, tokens)
    client = app.test_client()
    [listed] = client.get("/api/v1/partner/profile/invitations", headers=user(tokens)).get_json()
    assert (listed["created_by"], listed["created_by_email"], listed["hint"]) == ("acc-1", "jan@agenda.example", None)
    returning = user(tokens, "acc-2", "an@agenda.example")
    refused = client.post("/api/v1/partner/profile/link", json={"code": codes["left"]}, headers=returning)
    assert refused.get_json()["code"] == "invitation.withdrawn"
    used = client.post("/api/v1/partner/profile/link", json={"code": codes["used"]}, headers=returning)
    assert used.get_json()["code"] == "invitation.used"  # left as it was
    joined = client.post("/api/v1/partner/profile/link", json={"code": codes["member"]}, headers=returning)
    assert joined.status_code == 200


def test_a_deactivated_profiles_members_may_read_it_but_change_nothing_and_nobody_joins(service, tokens):
    app, runtime = service
    client = app.test_client()
    profile = create(client, tokens).get_json()
    code = client.post("/api/v1/partner/profile/invitations", headers=user(tokens)).get_json()["code"]
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    client.post(f"/api/v1/admin/profiles/{profile['id']}/deactivate", headers=moderator)
    assert [e["partner_id"] for e in events(runtime, "partners.profile.deactivated")] == [profile["id"]]
    assert client.get("/api/v1/partner/profile", headers=user(tokens)).status_code == 200
    edit = client.patch("/api/v1/partner/profile", json={"description": "Nieuw."}, headers=user(tokens))
    assert edit.status_code == 403 and edit.get_json()["code"] == "profile.inactive"
    assert client.post("/api/v1/partner/profile/invitations", headers=user(tokens)).status_code == 403
    joining = client.post(
        "/api/v1/partner/profile/link", json={"code": code}, headers=user(tokens, "acc-2", "an@agenda.example")
    )
    assert joining.status_code == 403
    client.post(f"/api/v1/admin/profiles/{profile['id']}/reactivate", headers=moderator)
    assert [e["partner_id"] for e in events(runtime, "partners.profile.reactivated")] == [profile["id"]]
    assert (
        client.patch("/api/v1/partner/profile", json={"description": "Nieuw."}, headers=user(tokens)).status_code == 200
    )


def test_the_upgrade_announces_every_membership_and_deactivated_profile_once(database_url, tokens):
    """Services that check membership start from the partners service's facts, not from nothing."""
    upgrade(database_url, "portal_partners", "0006")
    engine = sa.create_engine(database_url)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        fields = {key: value for key, value in OLD_FIELDS.items() if key != "name"}
        for partner_id, active in (("p-1", True), ("p-2", False)):
            connection.execute(
                OLD_PROFILES.insert().values(
                    **fields, category="planning", id=partner_id, name=partner_id, name_key=partner_id,
                    email="jan@agenda.example", logo=PNG, logo_type="image/png", active=active, created_at=now,
                    updated_at=now,
                )
            )  # fmt: skip
            connection.execute(
                orm.memberships.insert().values(
                    account_id=f"acc-{partner_id}", partner_id=partner_id, email="jan@agenda.example", linked_at=now
                )
            )
    engine.dispose()
    _, runtime = start_service(SERVICE, database_url, tokens)
    assert sorted((e["account_id"], e["partner_id"]) for e in events(runtime, "partners.user.linked")) == [
        ("acc-p-1", "p-1"),
        ("acc-p-2", "p-2"),
    ]
    assert [e["partner_id"] for e in events(runtime, "partners.profile.deactivated")] == ["p-2"]


def test_a_moderator_reads_any_profile_with_its_contact_details(service, tokens):
    app, _ = service
    client = app.test_client()
    private = create(client, tokens, account_id="a1", name="Privé BV", public=False).get_json()
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    shown = client.get(f"/api/v1/admin/profiles/{private['id']}", headers=moderator)
    assert shown.status_code == 200
    assert shown.get_json()["name"] == "Privé BV" and shown.get_json()["contact_person"] == private["contact_person"]
    assert client.get(f"/api/v1/admin/profiles/{private['id']}", headers=user(tokens)).status_code == 403
    missing = client.get("/api/v1/admin/profiles/00000000-0000-0000-0000-000000000000", headers=moderator)
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"


def test_the_log_names_who_changed_the_profile_by_email(service, tokens):
    """The partner's own edits and a moderator's deactivation, each by the e-mail address their token gave."""
    app, _ = service
    client = app.test_client()
    created = create(client, tokens, account_id="a1").get_json()
    own = {"Authorization": f"Bearer {tokens.token('a1', roles=['partner'], email='an@agenda.example')}"}
    assert (
        client.patch("/api/v1/partner/profile", json={"website": "https://ander.example"}, headers=own).status_code
        == 200
    )
    token = tokens.token("m", roles=["moderator"], email="mod@portal.example", client_id="portal-back-office")
    moderator = {"Authorization": f"Bearer {token}"}
    assert client.post(f"/api/v1/admin/profiles/{created['id']}/deactivate", headers=moderator).status_code == 200
    audit = client.get("/api/v1/partner/profile/audit", headers=user(tokens, "a1")).get_json()
    by_field = {entry["field"]: (entry["account_id"], entry["email"]) for entry in audit}
    assert by_field["active"] == ("m", "mod@portal.example")
    assert by_field["website"] == ("a1", "an@agenda.example")


def test_the_directory_counts_and_pages_up_to_its_window(service, tokens, monkeypatch):
    monkeypatch.setattr(repositories, "SEARCH_WINDOW", 2)
    app, runtime = service
    client = app.test_client()
    for account, name in (("a1", "Alfa"), ("a2", "Beta"), ("a3", "Gamma")):
        listed_partner(client, runtime, tokens, account, name)
    first = client.get("/api/v1/public/partners?page_size=1")
    pagination = json.loads(first.headers["X-Pagination"])
    assert (pagination["total"], pagination["total_pages"]) == (2, 2)
    assert [p["name"] for p in client.get("/api/v1/public/partners?page_size=1&page=2").get_json()] == ["Beta"]
    past = client.get("/api/v1/public/partners?page_size=1&page=3")
    assert past.status_code == 200 and past.get_json() == []


def test_the_helpdesk_address_is_one_setting_anyone_may_read(database_url, tokens):
    app, _ = start_service(SERVICE, database_url, tokens, helpdesk_email="hulp@school.example")
    answer = app.test_client().get("/api/v1/public/contact")
    assert answer.status_code == 200 and answer.get_json() == {"helpdesk_email": "hulp@school.example"}


def test_a_partner_chooses_several_categories_and_reorders_them(service, tokens):
    app, _ = service
    client = app.test_client()
    created = create(client, tokens, categories=["planning", "hrm"]).get_json()
    assert (created["categories"], created["category"]) == (["planning", "hrm"], "planning")
    changed = client.patch(
        "/api/v1/partner/profile", json={"categories": ["hrm", "planning", "andere"]}, headers=user(tokens)
    )
    assert changed.status_code == 200 and changed.get_json()["categories"] == ["hrm", "planning", "andere"]
    assert client.get("/api/v1/partner/profile", headers=user(tokens)).get_json()["categories"] == [
        "hrm",
        "planning",
        "andere",
    ]
    [entry] = client.get("/api/v1/partner/profile/audit", headers=user(tokens)).get_json()
    assert (entry["field"], entry["old_value"], entry["new_value"]) == (
        "categories",
        "planning, hrm",
        "hrm, planning, andere",
    )
    refused = client.patch("/api/v1/partner/profile", json={"categories": ["hrm", "hrm"]}, headers=user(tokens))
    assert (
        refused.status_code == 422 and refused.get_json()["errors"][0]["detail"] == "Kies elke categorie maar één keer."
    )


def test_one_category_is_still_accepted_as_a_list_of_one(service, tokens):
    app, _ = service
    client = app.test_client()
    body = {key: value for key, value in VALID.items() if key != "categories"}
    created = client.post("/api/v1/partner/profile", json={**body, "category": "hrm"}, headers=user(tokens))
    assert created.status_code == 201 and created.get_json()["categories"] == ["hrm"]
    changed = client.patch("/api/v1/partner/profile", json={"category": "andere"}, headers=user(tokens))
    assert changed.get_json()["categories"] == ["andere"]


def test_the_migration_keeps_each_profiles_one_category_as_its_first(database_url, tokens):
    upgrade(database_url, "portal_partners", "0008")
    engine = sa.create_engine(database_url)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        connection.execute(
            OLD_PROFILES.insert().values(
                **OLD_FIELDS, category="hrm", id="p-1", name_key="agenda plus", email="jan@agenda.example", logo=PNG,
                logo_type="image/png", active=True, language="nl", created_at=now, updated_at=now,
            )
        )  # fmt: skip
        connection.execute(
            orm.memberships.insert().values(
                account_id="acc-1", partner_id="p-1", email="jan@agenda.example", linked_at=now
            )
        )
    engine.dispose()
    app, _ = start_service(SERVICE, database_url, tokens)
    client = app.test_client()
    assert client.get("/api/v1/partner/profile", headers=user(tokens)).get_json()["categories"] == ["hrm"]
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    assert [p["id"] for p in client.get("/api/v1/admin/profiles?category=hrm", headers=moderator).get_json()] == ["p-1"]
