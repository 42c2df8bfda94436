"""The school year's use cases on the unit of work in memory, with a fixed clock: end dates chosen when granting,
the sweep (expiry, reminders, request reminders and expiry), renewals by the overview and by the reminder's link."""

import datetime as dt

import pytest

from portal_scopes.domain.access import (
    InvalidRequest,
    LinkAnswered,
    NothingToRenew,
    NotYourSchool,
    PartnerName,
    RequestLimits,
    ScopesApplication,
)
from portal_scopes.domain.school_year import SchoolYear
from portal_scopes.domain.schools import School
from portal_scopes.service_layer import handlers
from portal_scopes.service_layer.dependencies import Scopes

from .fakes import FakeScopesUnitOfWork

APP = "app-1"
MINE = {"012345", "067890"}
YEAR = SchoolYear()
GRANTED_AT = dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)  # a Monday in December
END = dt.date(2027, 8, 31)


def at(day: dt.date, hour=10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    """The handlers' clock, set by the test."""
    now = {"at": GRANTED_AT}
    monkeypatch.setattr(handlers, "utcnow", lambda: now["at"])
    return now


@pytest.fixture
def uow(clock) -> FakeScopesUnitOfWork:
    uow = FakeScopesUnitOfWork()
    for number, name in (("012345", "Sint-Jozef"), ("067890", "Atheneum"), ("011111", "Elders")):
        uow.schools.add(School(number, name))
    uow.applications.keep_partner(PartnerName("p1", "Agenda BV", "info@agenda.example"))
    uow.applications.stored[APP] = ScopesApplication(
        APP, "p1", "Agenda Plus", "Lesroosters.", ["leerlingen", "personeel"], "approved"
    )
    uow.people.known["admin-1"] = "directie@school.example"
    return uow


def scopes(uow) -> Scopes:
    return Scopes(uow, "https://portal.test", 31, RequestLimits(), YEAR, 30)


def ask(uow, email="directie@school.example"):
    [request] = handlers.request_access(
        uow,
        public_url="https://portal.test",
        valid_days=31,
        partner_id="p1",
        requested_by="u1",
        application_id=APP,
        emails=email,
    )
    token = uow.events("scopes.access.requested")[-1]["url"].split("token=")[1]
    return request.id, token


def grant(uow, wanted, request=None, ends=None, institutions=MINE, admin="admin-1"):
    request_id, token = request or (None, None)
    return handlers.set_grants(
        uow,
        application_id=APP,
        admin=admin,
        institutions=set(institutions),
        wanted=wanted,
        ends=ends,
        school_year=YEAR,
        request_id=request_id,
        token=token,
    )


def ends(uow) -> dict:
    return {(g.institution_number, g.api): g.ends_on for g in uow.grants.stored if g.revoked_at is None}


# -- end dates chosen when granting ------------------------------------------------------------------
def test_grants_end_with_the_school_year_unless_the_admin_picks_a_date(uow):
    view = grant(uow, {"012345": ["leerlingen"], "067890": ["personeel"]}, ask(uow), {"067890": dt.date(2027, 3, 31)})
    assert ends(uow) == {("012345", "leerlingen"): END, ("067890", "personeel"): dt.date(2027, 3, 31)}
    assert [school["ends_on"] for school in view["schools"]] == [END, dt.date(2027, 3, 31)]


def test_a_picked_date_moves_the_grants_kept_at_that_school_and_records_who(uow, clock):
    grant(uow, {"012345": ["leerlingen"]}, ask(uow))
    clock["at"] = at(dt.date(2027, 1, 4))
    grant(uow, {"012345": ["leerlingen", "personeel"]}, ends={"012345": dt.date(2027, 6, 30)}, admin="admin-2")
    assert ends(uow) == {("012345", "leerlingen"): dt.date(2027, 6, 30), ("012345", "personeel"): dt.date(2027, 6, 30)}
    kept = next(g for g in uow.grants.stored if g.api == "leerlingen")
    assert (kept.renewed_by, kept.renewed_at) == ("admin-2", clock["at"])


def test_without_a_picked_date_the_grants_kept_keep_theirs(uow):
    grant(uow, {"012345": ["leerlingen"]}, ask(uow), {"012345": dt.date(2027, 2, 1)})
    grant(uow, {"012345": ["leerlingen", "personeel"]})
    assert ends(uow) == {("012345", "leerlingen"): dt.date(2027, 2, 1), ("012345", "personeel"): END}


def test_a_date_out_of_range_changes_nothing(uow):
    with pytest.raises(InvalidRequest) as refused:
        grant(uow, {"012345": ["leerlingen"]}, ask(uow), {"012345": dt.date(2028, 9, 1)})
    assert refused.value.violations[0][:2] == ("grants.012345", "grants.ends_on_too_late")
    assert uow.grants.stored == [] and uow.events("scopes.grants.changed") == []


def test_granting_through_a_request_announces_its_answer(uow):
    request_id, token = ask(uow)
    grant(uow, {"012345": ["personeel", "leerlingen"], "067890": []}, (request_id, token))
    [answered] = uow.events("scopes.access.answered")
    assert answered["request_id"] == request_id and answered["email"] == "directie@school.example"
    assert answered["granted"] == [
        {"api": "leerlingen", "institution_number": "012345"},
        {"api": "personeel", "institution_number": "012345"},
    ]


def test_adjusting_without_a_request_answers_nothing(uow):
    grant(uow, {"012345": ["leerlingen"]}, ask(uow))
    grant(uow, {"012345": ["personeel"]})
    assert len(uow.events("scopes.access.answered")) == 1


# -- the sweep: grants -------------------------------------------------------------------------------
def test_the_sweep_expires_ended_grants_once_through_the_domain(uow):
    grant(uow, {"012345": ["leerlingen"], "067890": ["personeel"]}, ask(uow), {"067890": dt.date(2028, 8, 31)})
    assert handlers.sweep(scopes(uow), at(END, hour=21)).grants_expired == 0  # 23:00 in Brussels: still its day
    result = handlers.sweep(scopes(uow), at(END, hour=22))
    assert result.grants_expired == 1
    changed = uow.events("scopes.grants.changed")[-1]
    assert changed["removed"] == [{"api": "leerlingen", "institution_number": "012345"}]
    assert changed["grants"] == [{"api": "personeel", "institution_number": "067890"}]
    [expired] = uow.events("scopes.grants.expired")
    assert expired["expired"] == [{"api": "leerlingen", "institution_number": "012345", "ended_on": "2027-08-31"}]
    ledger, _ = handlers.ledger(uow, handlers.LedgerFilter(include_revoked=True), None, None)
    ended = next(row for row in ledger if row["institution_number"] == "012345")
    assert (ended["revoked_by"], ended["expired"]) == ("system", True)
    published = len(uow.published)
    assert handlers.sweep(scopes(uow), at(dt.date(2027, 9, 2))).grants_expired == 0
    assert len(uow.published) == published


def test_the_reminder_goes_thirty_days_before_once_to_the_admin_who_granted(uow):
    grant(uow, {"012345": ["leerlingen", "personeel"], "067890": ["leerlingen"]}, ask(uow))
    assert handlers.sweep(scopes(uow), at(dt.date(2027, 7, 31))).renewals_reminded == 0
    assert handlers.sweep(scopes(uow), at(dt.date(2027, 8, 1))).renewals_reminded == 3
    mails = uow.events("scopes.grants.renewal_due")
    assert [(m["institution_number"], m["email"], m["apis"]) for m in mails] == [
        ("012345", "directie@school.example", ["leerlingen", "personeel"]),
        ("067890", "directie@school.example", ["leerlingen"]),
    ]
    [partner] = uow.events("scopes.grants.expiring")
    assert [school["institution_number"] for school in partner["schools"]] == ["012345", "067890"]
    assert len(uow.renewals.stored) == 2
    assert handlers.sweep(scopes(uow), at(dt.date(2027, 8, 2))).renewals_reminded == 0
    assert len(uow.events("scopes.grants.renewal_due")) == 2


def test_a_granter_unknown_here_is_reached_at_the_address_the_request_went_to(uow):
    grant(uow, {"012345": ["leerlingen"]}, ask(uow, "other@school.example"), admin="admin-9")
    handlers.sweep(scopes(uow), at(dt.date(2027, 8, 1)))
    [mail] = uow.events("scopes.grants.renewal_due")
    assert mail["email"] == "other@school.example"


# -- renewing ----------------------------------------------------------------------------------------
def test_an_admin_renews_their_school_for_the_next_school_year(uow, clock):
    grant(uow, {"012345": ["leerlingen"], "067890": ["leerlingen"]}, ask(uow))
    clock["at"] = at(dt.date(2027, 8, 5))
    renewed = handlers.renew_grants(
        uow, application_id=APP, institution="012345", admin="admin-1", institutions=MINE, school_year=YEAR
    )
    assert renewed["ends_on"] == dt.date(2028, 8, 31)
    assert ends(uow) == {("012345", "leerlingen"): dt.date(2028, 8, 31), ("067890", "leerlingen"): END}
    assert handlers.sweep(scopes(uow), at(dt.date(2027, 9, 1))).grants_expired == 1  # only the other school


def test_an_admin_renews_only_their_own_schools(uow):
    grant(uow, {"012345": ["leerlingen"]}, ask(uow))
    with pytest.raises(NotYourSchool):
        handlers.renew_grants(uow, application_id=APP, institution="012345", admin="a", institutions={"011111"})
    with pytest.raises(NothingToRenew):
        handlers.renew_grants(uow, application_id=APP, institution="067890", admin="a", institutions=MINE)
    assert ends(uow) == {("012345", "leerlingen"): END}


def test_the_reminders_link_renews_once_and_only_for_an_admin_of_its_school(uow, clock):
    grant(uow, {"012345": ["leerlingen"]}, ask(uow))
    handlers.sweep(scopes(uow), at(dt.date(2027, 8, 1)))
    [mail] = uow.events("scopes.grants.renewal_due")
    link_id, token = mail["link_id"], mail["url"].split("token=")[1]
    clock["at"] = at(dt.date(2027, 8, 3))
    with pytest.raises(NotYourSchool):
        handlers.renewal_view(uow, link_id, token, {"011111"}, YEAR)
    with pytest.raises(NotYourSchool):
        handlers.renew_by_link(uow, link_id=link_id, token=token, admin="a", institutions={"011111"}, school_year=YEAR)
    view = handlers.renewal_view(uow, link_id, token, MINE, YEAR)
    assert view["renews_until"] == dt.date(2028, 8, 31) and view["grants"] == [{"api": "leerlingen", "ends_on": END}]
    renewed = handlers.renew_by_link(
        uow, link_id=link_id, token=token, admin="admin-1", institutions=MINE, school_year=YEAR
    )
    assert renewed["ends_on"] == dt.date(2028, 8, 31) and ends(uow) == {("012345", "leerlingen"): dt.date(2028, 8, 31)}
    with pytest.raises(LinkAnswered):
        handlers.renew_by_link(uow, link_id=link_id, token=token, admin="admin-1", institutions=MINE, school_year=YEAR)


def test_the_overview_lists_what_ends_when_per_application_and_school(uow):
    wanted = {"012345": ["leerlingen", "personeel"], "067890": ["leerlingen"]}
    grant(uow, wanted, ask(uow), {"067890": dt.date(2027, 1, 31)})
    overview = handlers.grant_ends(uow, frozenset({"012345", "067890"}))
    assert [(e["institution_number"], e["apis"], e["ends_on"]) for e in overview] == [
        ("067890", ["leerlingen"], dt.date(2027, 1, 31)),
        ("012345", ["leerlingen", "personeel"], END),
    ]
    assert [e["institution_number"] for e in handlers.grant_ends(uow, frozenset({"012345"}))] == ["012345"]


# -- the sweep: requests -----------------------------------------------------------------------------
def test_an_unanswered_request_is_reminded_halfway_once_then_expires_once(uow):
    request_id, _ = ask(uow)
    request = uow.requests.stored[request_id]
    halfway = request.created_at + (request.expires_at - request.created_at) / 2
    assert handlers.sweep(scopes(uow), halfway - dt.timedelta(minutes=1)).requests_reminded == 0
    assert handlers.sweep(scopes(uow), halfway).requests_reminded == 1
    assert handlers.sweep(scopes(uow), halfway + dt.timedelta(days=1)).requests_reminded == 0
    [reminded] = uow.events("scopes.access.reminded")
    assert reminded["request_id"] == request_id and reminded["email"] == "directie@school.example"
    assert handlers.sweep(scopes(uow), request.expires_at).requests_expired == 1
    assert handlers.sweep(scopes(uow), request.expires_at + dt.timedelta(days=1)).requests_expired == 0
    [expired] = uow.events("scopes.access.expired")
    assert expired["request_id"] == request_id
    assert request.expired_at == request.expires_at and request.state(request.expires_at) == "expired"


def test_the_reminders_link_opens_the_request(uow):
    request_id, _ = ask(uow)
    request = uow.requests.stored[request_id]
    halfway = request.created_at + (request.expires_at - request.created_at) / 2
    handlers.sweep(scopes(uow), halfway)
    token = uow.events("scopes.access.reminded")[0]["url"].split("token=")[1]
    grant(uow, {"012345": ["leerlingen"]}, (request_id, token))
    assert uow.events("scopes.access.answered")[0]["request_id"] == request_id


def test_a_request_past_its_end_without_a_reminder_only_expires(uow):
    request_id, _ = ask(uow)
    result = handlers.sweep(scopes(uow), uow.requests.stored[request_id].expires_at + dt.timedelta(hours=1))
    assert (result.requests_reminded, result.requests_expired) == (0, 1)
    assert uow.events("scopes.access.reminded") == []


def test_an_expired_request_may_be_sent_again(uow):
    request_id, _ = ask(uow)
    handlers.sweep(scopes(uow), uow.requests.stored[request_id].expires_at)
    again, _ = ask(uow)
    assert again != request_id and uow.requests.stored[again].state(GRANTED_AT) == "open"
