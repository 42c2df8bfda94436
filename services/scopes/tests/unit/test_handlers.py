"""The scopes service's use cases and event handlers against its unit of work in memory."""

import datetime as dt

import pytest

from portal_scopes.adapters.repositories import LedgerFilter
from portal_scopes.domain.access import (
    DailyLimitReached,
    Grant,
    GrantForUnapprovedApplication,
    InvalidRequest,
    LinkAnswered,
    LinkExpired,
    LinkInvalid,
    NotYourSchool,
    PartnerName,
    RequestForUnapprovedApplication,
    RequestLimits,
    RequestNeeded,
    ScopesApplication,
    token_hash,
)
from portal_scopes.domain.school_year import SchoolYear, today_in_brussels
from portal_scopes.domain.schools import School
from portal_scopes.service_layer import handlers
from portalkit.events.envelope import Envelope, utcnow

from .fakes import FakeScopesUnitOfWork

APP = "app-1"
MINE = {"012345", "067890"}


@pytest.fixture
def uow() -> FakeScopesUnitOfWork:
    uow = FakeScopesUnitOfWork()
    for number, name in (("012345", "Sint-Jozef"), ("067890", "Atheneum"), ("011111", "Elders")):
        uow.schools.add(School(number, name))
    uow.applications.keep_partner(PartnerName("p1", "Agenda BV", "info@agenda.example"))
    uow.applications.stored[APP] = ScopesApplication(
        APP, "p1", "Agenda Plus", "Lesroosters.", ["leerlingen", "personeel"], "approved"
    )
    return uow


def event(event_type: str, **data) -> Envelope:
    return Envelope("e1", event_type, "2026-11-25T12:00:00Z", 1, data)


def ask(uow, emails="directie@school.example", partner_id="p1", application_id=APP, limits=handlers.DEFAULT_LIMITS):
    return handlers.request_access(
        uow,
        public_url="https://portal.test",
        valid_days=31,
        partner_id=partner_id,
        requested_by="u1",
        application_id=application_id,
        emails=emails,
        limits=limits,
    )


def link(uow, email="directie@school.example") -> tuple[str, str]:
    url = next(e["url"] for e in reversed(uow.events("scopes.access.requested")) if e["email"] == email)
    return url.split("/requests/")[1].split("?")[0], url.split("token=")[1]


def grant(uow, wanted, request=None, institutions=MINE, admin="admin-1"):
    request_id, token = request or (None, None)
    return handlers.set_grants(
        uow,
        application_id=APP,
        admin=admin,
        institutions=set(institutions),
        wanted=wanted,
        request_id=request_id,
        token=token,
    )


# -- access requests --------------------------------------------------------------------------------
def test_a_request_is_stored_and_its_mail_announced_in_one_commit(uow):
    [request] = ask(uow)
    assert uow.committed and uow.requests.stored == {request.id: request}
    [sent] = uow.events("scopes.access.requested")
    assert (sent["request_id"], sent["partner_name"], sent["email"]) == (request.id, "Agenda BV", request.email)
    assert request.token_hash == token_hash(link(uow)[1])


@pytest.mark.parametrize(("partner_id", "application_id"), [("p2", APP), ("p1", "app-unknown")])
def test_only_the_partners_own_application_can_be_asked_for(uow, partner_id, application_id):
    with pytest.raises(handlers.NotFound):
        ask(uow, partner_id=partner_id, application_id=application_id)
    assert uow.published == [] and uow.requests.stored == {}


def test_no_request_for_an_application_that_is_not_approved(uow):
    uow.applications.stored[APP].status = "new"
    with pytest.raises(RequestForUnapprovedApplication):
        ask(uow)
    assert uow.published == [] and not uow.committed


def test_addresses_are_checked_before_anything_is_read(uow):
    with pytest.raises(InvalidRequest):
        ask(uow, "kapot@", application_id="app-unknown")


def test_the_daily_limit_counts_the_requests_already_sent(uow):
    limits = RequestLimits(addresses_per_request=10, per_application_per_day=3, per_partner_per_day=100)
    ask(uow, "a@s.example; b@s.example", limits=limits)
    with pytest.raises(DailyLimitReached) as reached:
        ask(uow, "c@s.example; d@s.example", limits=limits)
    assert (reached.value.scope, reached.value.left) == ("application", 1)
    assert len(uow.events("scopes.access.requested")) == 2 and len(uow.requests.stored) == 2


def test_the_partner_limit_counts_every_application(uow):
    uow.applications.stored["app-2"] = ScopesApplication("app-2", "p1", "Twee", "", ["leerlingen"], "approved")
    limits = RequestLimits(addresses_per_request=10, per_application_per_day=30, per_partner_per_day=3)
    ask(uow, "a@s.example; b@s.example", limits=limits)
    with pytest.raises(DailyLimitReached) as reached:
        ask(uow, "c@s.example; d@s.example", application_id="app-2", limits=limits)
    assert reached.value.scope == "partner"


def test_what_is_left_for_the_partner_and_the_application(uow):
    ask(uow, "a@s.example; b@s.example")
    limits = RequestLimits(addresses_per_request=10, per_application_per_day=30, per_partner_per_day=100)
    assert handlers.request_limits(uow, limits, "p1", APP) == {
        "addresses_per_request": 10,
        "per_application_per_day": 30,
        "per_partner_per_day": 100,
        "left_for_partner": 98,
        "left_for_application": 28,
    }
    assert handlers.request_limits(uow, limits, "p1", None)["left_for_application"] is None
    assert handlers.request_limits(uow, limits, "p2", None)["left_for_partner"] == 100


def test_requests_older_than_a_day_leave_the_count(uow):
    for request in ask(uow, "a@s.example; b@s.example"):
        request.created_at -= dt.timedelta(hours=25)
    assert handlers.request_limits(uow, RequestLimits(), "p1", APP)["left_for_application"] == 30


def test_a_partner_sees_its_own_requests(uow):
    ask(uow, "a@s.example; b@s.example")
    assert len(handlers.requests_of_partner(uow, "p1", APP)) == 2
    assert handlers.requests_of_partner(uow, "p2", None) == []


def test_the_partner_sees_its_granted_schools_by_name(uow):
    ask(uow)
    grant(uow, {"012345": ["personeel", "leerlingen"], "067890": ["leerlingen"]}, link(uow))
    carried_end = dt.date(2030, 8, 31)
    uow.grants.add(Grant(APP, "099999", "leerlingen", utcnow(), "carried-over", carried_over=True, ends_on=carried_end))
    end = SchoolYear().end_of(today_in_brussels(utcnow()))
    assert handlers.granted_schools(uow, "p1", APP) == [
        {"institution_number": "012345", "name": "Sint-Jozef", "grants": ["leerlingen", "personeel"], "ends_on": end},
        {"institution_number": "067890", "name": "Atheneum", "grants": ["leerlingen"], "ends_on": end},
        {"institution_number": "099999", "name": None, "grants": ["leerlingen"], "ends_on": carried_end},
    ]


def test_a_revoked_grant_leaves_the_partners_school_list(uow):
    ask(uow)
    grant(uow, {"012345": ["leerlingen"]}, link(uow))
    grant(uow, {"012345": []})
    assert handlers.granted_schools(uow, "p1", APP) == []


def test_another_partners_granted_schools_are_not_found(uow):
    with pytest.raises(handlers.NotFound):
        handlers.granted_schools(uow, "p2", APP)


# -- the request page -------------------------------------------------------------------------------
def test_the_link_shows_the_application_and_only_the_admins_schools(uow):
    ask(uow)
    request_id, token = link(uow)
    view = handlers.request_view(uow, request_id, token, MINE)
    assert (view["name"], view["partner_name"], view["description"]) == ("Agenda Plus", "Agenda BV", "Lesroosters.")
    assert view["request_id"] == request_id and view["expires_at"] == uow.requests.stored[request_id].expires_at
    assert [(s["institution_number"], s["name"], s["grants"]) for s in view["schools"]] == [
        ("012345", "Sint-Jozef", []),
        ("067890", "Atheneum", []),
    ]


@pytest.mark.parametrize("tamper", [lambda r, t: (r, "x" + t), lambda r, t: ("no-such-request", t)])
def test_a_tampered_link_is_invalid(uow, tamper):
    ask(uow)
    with pytest.raises(LinkInvalid):
        handlers.request_view(uow, *tamper(*link(uow)), MINE)


def test_an_expired_link_is_gone(uow):
    ask(uow)
    request_id, token = link(uow)
    uow.requests.stored[request_id].expires_at = utcnow() - dt.timedelta(seconds=1)
    with pytest.raises(LinkExpired):
        handlers.request_view(uow, request_id, token, MINE)
    with pytest.raises(LinkExpired):
        grant(uow, {"012345": ["leerlingen"]}, (request_id, token))


# -- the school admin's inbox ----------------------------------------------------------------------
def test_the_inbox_lists_the_open_requests_mailed_to_the_admin(uow):
    ask(uow, "Directie@School.example; other@school.example")
    items, total = handlers.inbox(uow, "directie@school.example", None, 0, 10)
    assert total == 1
    [entry] = items
    assert (entry["application_name"], entry["partner_name"]) == ("Agenda Plus", "Agenda BV")
    assert uow.requests.stored[entry["id"]].email.startswith("Directie@")


def test_answered_and_expired_requests_leave_the_inbox(uow):
    ask(uow, "a@s.example")
    ask(uow, "a@s.example")
    answered, expired = uow.requests.stored.values()
    answered.answer("admin-1", utcnow())
    expired.expires_at = utcnow() - dt.timedelta(seconds=1)
    assert handlers.inbox(uow, "a@s.example", None, 0, 10) == ([], 0)


def test_the_inbox_searches_application_and_partner_names_and_pages(uow):
    for _ in range(3):
        ask(uow, "a@s.example")
    assert handlers.inbox(uow, "a@s.example", "agenda bv", 0, 10)[1] == 3
    assert handlers.inbox(uow, "a@s.example", "elders", 0, 10)[1] == 0
    page, total = handlers.inbox(uow, "a@s.example", None, 2, 2)
    assert len(page) == 1 and total == 3


def test_an_account_without_an_address_has_an_empty_inbox(uow):
    ask(uow)
    assert handlers.inbox(uow, None, None, 0, 10) == ([], 0)


def test_the_addressee_opens_and_answers_a_request_without_the_link(uow):
    ask(uow)
    request_id, _ = link(uow)
    view = handlers.request_view(uow, request_id, None, MINE, addressee="DIRECTIE@school.example")
    assert view["request_id"] == request_id
    handlers.set_grants(
        uow,
        application_id=APP,
        admin="admin-1",
        institutions=MINE,
        wanted={"012345": ["leerlingen"]},
        request_id=request_id,
        addressee="directie@school.example",
    )
    assert uow.requests.stored[request_id].answered_by == "admin-1"
    assert [g.request_id for g in uow.grants.stored] == [request_id]


def test_another_admin_cannot_open_a_request_without_the_link(uow):
    ask(uow)
    request_id, _ = link(uow)
    with pytest.raises(LinkInvalid):
        handlers.request_view(uow, request_id, None, MINE, addressee="someone@else.example")
    with pytest.raises(LinkInvalid):
        handlers.request_view(uow, request_id, None, MINE)


def decline(uow, request_id, *, token=None, addressee=None, reason=None):
    handlers.decline_request(
        uow, request_id=request_id, admin="admin-1", reason=reason, token=token, addressee=addressee
    )


def test_declining_with_the_link_answers_it_and_tells_the_partner_why(uow):
    ask(uow)
    request_id, token = link(uow)
    decline(uow, request_id, token=token, reason="  Geen overeenkomst met onze scholen.  ")
    request = uow.requests.stored[request_id]
    assert request.state(utcnow()) == "declined" and request.answered_by == "admin-1" and uow.committed
    assert request.decline_reason == "Geen overeenkomst met onze scholen."
    [declined] = uow.events("scopes.access.declined")
    assert declined == {
        "request_id": request_id,
        "application_id": APP,
        "application_name": "Agenda Plus",
        "partner_id": "p1",
        "email": "directie@school.example",
        "reason": "Geen overeenkomst met onze scholen.",
    }
    assert uow.grants.stored == [] and uow.events("scopes.grants.changed") == []


def test_a_blank_reason_is_no_reason(uow):
    ask(uow)
    request_id, _ = link(uow)
    decline(uow, request_id, addressee="directie@school.example", reason="   ")
    assert uow.events("scopes.access.declined")[0]["reason"] is None


def test_a_declined_request_leaves_the_inbox_and_its_link_is_used(uow):
    ask(uow)
    request_id, token = link(uow)
    decline(uow, request_id, addressee="directie@school.example")
    assert handlers.inbox(uow, "directie@school.example", None, 0, 10) == ([], 0)
    with pytest.raises(LinkAnswered):
        handlers.request_view(uow, request_id, token, MINE)
    with pytest.raises(LinkAnswered):
        decline(uow, request_id, token=token)


def test_only_the_link_or_its_addressee_declines(uow):
    ask(uow)
    request_id, token = link(uow)
    with pytest.raises(LinkInvalid):
        decline(uow, request_id, token="x" + token)
    with pytest.raises(LinkInvalid):
        decline(uow, request_id, addressee="someone@else.example")
    with pytest.raises(LinkInvalid):
        decline(uow, "no-such-request", token=token)
    assert uow.requests.stored[request_id].state(utcnow()) == "open"
    assert uow.events("scopes.access.declined") == []


def test_an_expired_request_cannot_be_declined(uow):
    ask(uow)
    request_id, token = link(uow)
    uow.requests.stored[request_id].expires_at = utcnow() - dt.timedelta(seconds=1)
    with pytest.raises(LinkExpired):
        decline(uow, request_id, token=token)


# -- grants -----------------------------------------------------------------------------------------
def test_granting_with_the_link_records_announces_and_answers_it(uow):
    ask(uow)
    request = link(uow)
    view = grant(uow, {"012345": ["personeel", "leerlingen"]}, request)
    assert view["schools"][0]["grants"] == ["leerlingen", "personeel"] and uow.committed
    assert {(g.key, g.request_id, g.granted_by) for g in uow.grants.stored} == {
        (("012345", "leerlingen"), request[0], "admin-1"),
        (("012345", "personeel"), request[0], "admin-1"),
    }
    [changed] = uow.events("scopes.grants.changed")
    assert changed["grants_version"] == 1 and len(changed["added"]) == 2 and changed["removed"] == []
    assert uow.requests.stored[request[0]].answered_by == "admin-1"
    with pytest.raises(LinkAnswered):
        handlers.request_view(uow, *request, MINE)


def test_without_a_link_no_new_application_but_adjusting_an_existing_one(uow):
    with pytest.raises(RequestNeeded):
        grant(uow, {"012345": ["leerlingen"]})
    ask(uow)
    grant(uow, {"012345": ["leerlingen"]}, link(uow))
    adjusted = grant(uow, {"012345": ["personeel"], "067890": ["leerlingen"]}, admin="admin-2")
    assert [s["grants"] for s in adjusted["schools"]] == [["personeel"], ["leerlingen"]]
    last = uow.events("scopes.grants.changed")[-1]
    assert last["grants_version"] == 2 and last["removed"] == [{"api": "leerlingen", "institution_number": "012345"}]
    [revoked] = [g for g in uow.grants.stored if g.revoked_at is not None]
    assert (revoked.key, revoked.revoked_by) == (("012345", "leerlingen"), "admin-2")


def test_the_link_of_another_application_is_invalid(uow):
    uow.applications.stored["app-2"] = ScopesApplication("app-2", "p1", "Twee", "", ["leerlingen"], "approved")
    ask(uow, application_id="app-2")
    with pytest.raises(LinkInvalid):
        grant(uow, {"012345": ["leerlingen"]}, link(uow))
    assert uow.grants.stored == []


def test_a_refused_choice_changes_nothing(uow):
    ask(uow)
    request = link(uow)
    with pytest.raises(NotYourSchool):
        grant(uow, {"011111": ["leerlingen"]}, request)
    with pytest.raises(InvalidRequest):
        grant(uow, {"012345": ["rekeningen"]}, request)
    assert uow.grants.stored == [] and uow.requests.stored[request[0]].answered_at is None
    assert uow.events("scopes.grants.changed") == []


def test_an_application_no_longer_approved_gets_no_grants(uow):
    ask(uow)
    uow.applications.stored[APP].status = "archived"
    with pytest.raises(GrantForUnapprovedApplication):
        grant(uow, {"012345": ["leerlingen"]}, link(uow))


def test_grants_for_an_unknown_application_are_not_found(uow):
    with pytest.raises(handlers.NotFound):
        handlers.set_grants(uow, application_id="nope", admin="a", institutions=MINE, wanted={})


def test_answering_a_link_without_a_change_answers_it_and_announces_nothing(uow):
    ask(uow)
    request = link(uow)
    grant(uow, {"012345": []}, request)
    assert uow.requests.stored[request[0]].answered_at is not None
    assert uow.events("scopes.grants.changed") == []


def test_an_admin_sees_an_application_only_with_access_at_their_schools(uow):
    ask(uow)
    grant(uow, {"012345": ["leerlingen"]}, link(uow))
    assert handlers.application_view(uow, APP, {"012345"})["schools"][0]["grants"] == ["leerlingen"]
    with pytest.raises(handlers.NotFound):
        handlers.application_view(uow, APP, {"011111"})
    with pytest.raises(handlers.NotFound):
        handlers.application_view(uow, "nope", {"012345"})


def test_the_ledger_is_read_through_the_filter(uow):
    uow.grants.add(Grant(APP, "012345", "leerlingen", utcnow(), "a"))
    uow.grants.add(Grant(APP, "067890", "leerlingen", utcnow(), "a"))
    rows, total = handlers.ledger(uow, LedgerFilter(institutions=frozenset({"067890"})), 0, 10)
    assert total == 1 and rows[0]["institution_number"] == "067890"


# -- other services' events -------------------------------------------------------------------------
APPLICATION = {"application_id": "app-9", "partner_id": "p1", "name": "Nieuw", "apis": ["leerlingen"]}


def test_a_requested_application_is_known_as_new(uow):
    handlers.on_requested(uow, event("apps.application.requested", **APPLICATION, description="Beschrijving"))
    known = uow.applications.stored["app-9"]
    assert (known.name, known.description, known.apis, known.status) == ("Nieuw", "Beschrijving", ["leerlingen"], "new")


@pytest.mark.parametrize(
    ("handler", "status"),
    [
        (handlers.on_approved, "approved"),
        (handlers.on_linked, "approved"),
        (handlers.on_rejected, "rejected"),
        (handlers.on_changed, "new"),
        (handlers.on_change_approved, "new"),
    ],
)
def test_a_status_event_keeps_what_it_does_not_name(uow, handler, status):
    handlers.on_requested(uow, event("apps.application.requested", **APPLICATION, description="Beschrijving"))
    handler(uow, event("x", application_id="app-9", partner_id="p1"))
    known = uow.applications.stored["app-9"]
    assert (known.name, known.description, known.apis, known.status) == (
        "Nieuw",
        "Beschrijving",
        ["leerlingen"],
        status,
    )


def test_an_approved_change_makes_its_apis_and_name_the_applications(uow):
    handlers.on_change_approved(
        uow, event("x", application_id=APP, partner_id="p1", name="Agenda Pro", apis=["leerlingen", "rekeningen"])
    )
    known = uow.applications.stored[APP]
    assert (known.name, known.apis, known.status) == ("Agenda Pro", ["leerlingen", "rekeningen"], "approved")


def test_archiving_revokes_every_grant_and_announces_it(uow):
    ask(uow)
    grant(uow, {"012345": ["leerlingen"], "067890": ["personeel"]}, link(uow))
    handlers.on_archived(uow, event("apps.application.archived", application_id=APP, partner_id="p1"))
    uow.commit()
    assert uow.applications.stored[APP].status == "archived"
    assert all(g.revoked_by == "system" for g in uow.grants.stored)
    last = uow.events("scopes.grants.changed")[-1]
    assert last["grants"] == [] and len(last["removed"]) == 2 and last["grants_version"] == 2


def test_unchecking_an_api_revokes_its_grants_only(uow):
    ask(uow)
    grant(uow, {"012345": ["leerlingen", "personeel"]}, link(uow))
    handlers.on_apis_unchecked(uow, event("x", application_id=APP, partner_id="p1", apis=["personeel"]))
    uow.commit()
    assert uow.applications.stored[APP].apis == ["leerlingen"]
    assert uow.events("scopes.grants.changed")[-1]["removed"] == [{"api": "personeel", "institution_number": "012345"}]
    assert [g.api for g in uow.grants.active(APP)] == ["leerlingen"]


@pytest.mark.parametrize("handler", [handlers.on_apis_unchecked, handlers.on_client_linked])
def test_an_event_about_an_unknown_application_is_retried(uow, handler):
    with pytest.raises(handlers.NotFound):
        handler(uow, event("x", application_id="nope", partner_id="p1", apis=[], grants=[]))


def test_a_linked_clients_scopes_carry_over_unannounced(uow):
    linked = {"application_id": APP, "grants": [{"api": "leerlingen", "institution_number": "012345"}]}
    handlers.on_client_linked(uow, event("identity.client.linked", **linked))
    handlers.on_client_linked(uow, event("identity.client.linked", **linked))
    uow.commit()
    assert [(g.key, g.carried_over, g.granted_by) for g in uow.grants.stored] == [
        (("012345", "leerlingen"), True, "carried-over")
    ]
    assert uow.applications.stored[APP].grants_version == 2 and uow.published == []


def test_a_partner_profile_names_the_partner(uow):
    handlers.on_profile(
        uow, event("partners.profile.changed", partner_id="p1", name="Agenda NV", email="hallo@agenda.example")
    )
    assert uow.applications.partner("p1") == PartnerName("p1", "Agenda NV", "hallo@agenda.example")


def test_the_request_page_names_whom_to_contact(uow):
    handlers.on_requested(uow, event("apps.application.requested", **APPLICATION, contact_email="dev@agenda.example"))
    handlers.on_approved(uow, event("x", application_id="app-9", partner_id="p1"))
    ask(uow, application_id="app-9")
    view = handlers.request_view(uow, *link(uow), MINE)
    assert (view["partner_email"], view["contact_email"]) == ("info@agenda.example", "dev@agenda.example")
