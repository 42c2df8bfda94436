"""Grants that end, are reminded and renewed; requests reminded halfway and expired: the aggregate's rules."""

import datetime as dt

import pytest

from portal_scopes.domain.access import (
    AccessRequest,
    Grant,
    LinkAnswered,
    LinkExpired,
    LinkInvalid,
    NothingToRenew,
    RenewalLink,
    ScopesApplication,
    token_hash,
)
from portal_scopes.domain.school_year import SchoolYear

YEAR = SchoolYear()
END = dt.date(2027, 8, 31)


def noon(day: dt.date) -> dt.datetime:
    """Noon in Brussels (summer time) on ``day``."""
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)


def application() -> ScopesApplication:
    return ScopesApplication("app-1", "p1", "Agenda Plus", "Lesroosters.", ["leerlingen", "personeel"], "approved")


def grant(school="012345", api="leerlingen", ends_on=END, by="admin-1") -> Grant:
    return Grant("app-1", school, api, dt.datetime(2026, 9, 10, tzinfo=dt.UTC), by, ends_on=ends_on)


def request(created=dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC), days=30) -> AccessRequest:
    return AccessRequest(
        "r1", "app-1", "p1", "directie@school.example", token_hash("first"), "u1", created, created + dt.timedelta(days)
    )


# -- grants that end ---------------------------------------------------------------------------------
def test_ended_grants_are_revoked_by_the_system_and_announced_twice():
    app = application()
    ended, other_school, later = grant(), grant("067890", "personeel"), grant("011111", ends_on=dt.date(2028, 8, 31))
    expired = app.expire_grants([ended, other_school, later], noon(dt.date(2027, 9, 1)))
    assert expired == [ended, other_school]
    assert all(g.revoked_by == "system" and g.expired and g.revoked_at for g in expired)
    assert later.revoked_at is None and not later.expired
    changed, told = app.events
    assert changed.type == "scopes.grants.changed" and changed.grants_version == 1
    assert changed.grants == [{"api": "leerlingen", "institution_number": "011111"}]
    assert changed.removed == [
        {"api": "leerlingen", "institution_number": "012345"},
        {"api": "personeel", "institution_number": "067890"},
    ]
    assert told.type == "scopes.grants.expired"
    assert told.expired == [
        {"api": "leerlingen", "institution_number": "012345", "ended_on": "2027-08-31"},
        {"api": "personeel", "institution_number": "067890", "ended_on": "2027-08-31"},
    ]


def test_a_grant_still_works_on_its_last_day():
    app = application()
    assert app.expire_grants([grant()], noon(END)) == []
    assert app.events == [] and app.grants_version == 0


# -- reminders ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "due"),
    [
        (dt.date(2027, 7, 31), False),
        (dt.date(2027, 8, 1), True),
        (dt.date(2027, 8, 31), True),
        (dt.date(2027, 9, 1), False),
    ],
)
def test_the_reminder_is_due_from_thirty_days_before_the_end_until_it(today, due):
    assert grant().reminder_due(noon(today), 30) is due


def test_the_reminder_goes_once_per_end_date():
    reminded = grant()
    reminded.reminded_at = noon(dt.date(2027, 8, 1))
    assert not reminded.reminder_due(noon(dt.date(2027, 8, 10)), 30)
    reminded.move_end(dt.date(2028, 8, 31), "admin-1", noon(dt.date(2027, 8, 10)))
    assert reminded.reminded_at is None and reminded.reminder_due(noon(dt.date(2028, 8, 1)), 30)


def test_a_reminder_links_each_schools_admins_and_tells_the_partner_which_schools():
    app = application()
    due = [grant(), grant(api="personeel"), grant("067890")]
    now = noon(dt.date(2027, 8, 1))
    links = app.remind_renewal(
        due,
        addressees={"012345": ["a@school.example"], "067890": ["b@school.example", "c@school.example"]},
        school_names={"012345": "Sint-Jozef"},
        partner_name="Agenda BV",
        now=now,
        public_url="https://portal.test/",
        valid_days=31,
        school_year=YEAR,
    )
    assert [(link.institution_number, link.email) for link in links] == [
        ("012345", "a@school.example"),
        ("067890", "b@school.example"),
        ("067890", "c@school.example"),
    ]
    assert all(g.reminded_at == now for g in due)
    *mails, partner = app.events
    first = mails[0]
    assert first.type == "scopes.grants.renewal_due" and first.apis == ["leerlingen", "personeel"]
    assert (first.ends_on, first.renews_until, first.school_name) == ("2027-08-31", "2028-08-31", "Sint-Jozef")
    token = first.url.split("token=")[1]
    assert first.url == f"https://portal.test/backoffice/#/renewals/{links[0].id}?token={token}"
    assert links[0].token_hash == token_hash(token) and links[0].expires_at == now + dt.timedelta(days=31)
    assert partner.type == "scopes.grants.expiring"
    assert partner.schools == [
        {
            "institution_number": "012345",
            "school_name": "Sint-Jozef",
            "apis": ["leerlingen", "personeel"],
            "ends_on": "2027-08-31",
        },
        {"institution_number": "067890", "school_name": None, "apis": ["leerlingen"], "ends_on": "2027-08-31"},
    ]


def test_a_school_without_a_known_admin_is_still_named_to_the_partner():
    app = application()
    links = app.remind_renewal(
        [grant(by="carried-over")],
        addressees={},
        school_names={},
        partner_name=None,
        now=noon(dt.date(2027, 8, 1)),
        public_url="https://portal.test",
        valid_days=31,
        school_year=YEAR,
    )
    assert links == [] and [e.type for e in app.events] == ["scopes.grants.expiring"]


# -- renewing ----------------------------------------------------------------------------------------
def test_renewing_moves_the_schools_grants_to_the_end_of_the_next_school_year_and_records_who():
    app = application()
    mine, custom, elsewhere = grant(), grant(api="personeel", ends_on=dt.date(2027, 3, 1)), grant("067890")
    now = noon(dt.date(2027, 2, 1))
    until = app.renew([mine, custom, elsewhere], "012345", by="admin-2", now=now, school_year=YEAR)
    assert until == dt.date(2028, 8, 31)
    assert [(g.ends_on, g.renewed_by, g.renewed_at) for g in (mine, custom)] == [(until, "admin-2", now)] * 2
    assert elsewhere.ends_on == END and elsewhere.renewed_at is None
    assert app.events == []  # the grant set is the same


def test_renewing_never_shortens_and_twice_changes_nothing_more():
    far = grant(ends_on=dt.date(2029, 8, 31))
    app = application()
    app.renew([far], "012345", by="admin-2", now=noon(dt.date(2027, 8, 1)), school_year=YEAR)
    assert far.ends_on == dt.date(2029, 8, 31) and far.renewed_at is None


def test_nothing_to_renew_where_the_application_has_no_grant():
    with pytest.raises(NothingToRenew):
        application().renew([grant("067890")], "012345", by="a", now=noon(END), school_year=YEAR)


@pytest.mark.parametrize(
    ("token", "used", "now", "error"),
    [
        ("wrong", False, dt.datetime(2027, 8, 2, tzinfo=dt.UTC), LinkInvalid),
        (None, False, dt.datetime(2027, 8, 2, tzinfo=dt.UTC), LinkInvalid),
        ("secret", True, dt.datetime(2027, 8, 2, tzinfo=dt.UTC), LinkAnswered),
        ("secret", False, dt.datetime(2027, 9, 1, tzinfo=dt.UTC), LinkExpired),
    ],
)
def test_a_renewal_link_works_once_for_a_month_with_its_token(token, used, now, error):
    created = dt.datetime(2027, 8, 1, tzinfo=dt.UTC)
    ends = created + dt.timedelta(31)
    link = RenewalLink("l1", "app-1", "012345", "a@s.example", token_hash("secret"), created, ends)
    assert link.opened("secret", created) is link
    if used:
        link.use("admin-1", created)
    with pytest.raises(error):
        link.opened(token, now)


# -- requests ----------------------------------------------------------------------------------------
def test_a_request_is_reminded_once_halfway():
    asked = request()
    assert not asked.reminder_due(dt.datetime(2026, 11, 16, 8, 59, tzinfo=dt.UTC))
    assert asked.reminder_due(dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC))
    app = application()
    halfway = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)
    app.remind_request(asked, now=halfway, public_url="https://p.test", partner_name="Agenda BV")
    [reminded] = app.events
    assert reminded.type == "scopes.access.reminded" and reminded.partner_name == "Agenda BV"
    second = reminded.url.split("token=")[1]
    assert reminded.url == f"https://p.test/backoffice/#/requests/r1?token={second}"
    assert not asked.reminder_due(dt.datetime(2026, 11, 20, tzinfo=dt.UTC))
    # the reminder's own link opens the same request, and so does the first
    moment = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    assert asked.opened(second, moment) is asked and asked.opened("first", moment) is asked


def test_an_answered_request_is_neither_reminded_nor_expired():
    asked = request()
    asked.answer("admin-1", dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    assert not asked.reminder_due(dt.datetime(2026, 11, 20, tzinfo=dt.UTC))
    assert not asked.expiry_due(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))


def test_an_unanswered_request_expires_at_its_end_once_and_tells_the_partner():
    asked = request()
    assert not asked.expiry_due(asked.expires_at - dt.timedelta(seconds=1))
    assert asked.expiry_due(asked.expires_at)
    app = application()
    app.expire_request(asked, now=asked.expires_at + dt.timedelta(seconds=30))
    assert not asked.expiry_due(asked.expires_at + dt.timedelta(days=1))
    assert asked.state(asked.created_at) == "expired"  # marked: expired whatever the clock says
    [expired] = app.events
    assert expired.type == "scopes.access.expired"
    assert (expired.sent_at, expired.expired_at) == (asked.created_at.isoformat(), asked.expires_at.isoformat())
    with pytest.raises(LinkExpired):
        asked.opened("first", asked.created_at)


def test_answering_by_granting_tells_what_was_granted():
    asked, app = request(), application()
    now = dt.datetime(2026, 11, 3, tzinfo=dt.UTC)
    app.answer_request(asked, [("067890", "leerlingen"), ("012345", "personeel")], by="admin-1", now=now)
    [answered] = app.events
    assert answered.type == "scopes.access.answered" and answered.answered_at == now.isoformat()
    assert answered.granted == [
        {"api": "personeel", "institution_number": "012345"},
        {"api": "leerlingen", "institution_number": "067890"},
    ]
    assert asked.state(now) == "answered"
