"""Access requests and grants on the domain model alone: who may grant what, links, and what is announced."""

import dataclasses
import datetime as dt

import pytest

from portal_scopes.domain import events
from portal_scopes.domain.access import (
    AccessRequest,
    DailyLimitReached,
    Grant,
    GrantChange,
    GrantForUnapprovedApplication,
    InvalidRequest,
    LinkAnswered,
    LinkExpired,
    LinkInvalid,
    NotYourSchool,
    RequestForUnapprovedApplication,
    RequestLimits,
    RequestNeeded,
    ScopesApplication,
    parse_addresses,
    plan_grants,
    token_hash,
)
from portal_scopes.domain.school_year import SchoolYear

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
MINE = {"012345", "067890"}
END = dt.date(2027, 8, 31)
ENDS = {"012345": END, "067890": END}
LIMITS = RequestLimits(addresses_per_request=10, per_application_per_day=30, per_partner_per_day=100)


def application(status="approved", apis=("leerlingen", "personeel")) -> ScopesApplication:
    return ScopesApplication("app-1", "p1", "Agenda Plus", "Lesroosters.", list(apis), status)


def grant(school, api, app="app-1") -> Grant:
    return Grant(app, school, api, NOW, "admin-0")


def plan(wanted, active=(), *, app=None, request=True, institutions=MINE):
    return plan_grants(
        application=app or application(),
        active=list(active),
        admin_institutions=set(institutions),
        wanted=wanted,
        with_valid_request=request,
    )


# -- plan_grants ------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["new", "rejected", "archived"])
def test_only_an_approved_application_gets_grants(status):
    with pytest.raises(GrantForUnapprovedApplication):
        plan({"012345": ["leerlingen"]}, app=application(status))


def test_an_admin_decides_only_on_their_own_schools():
    with pytest.raises(NotYourSchool) as refused:
        plan({"012345": ["leerlingen"], "099999": [], "011111": ["leerlingen"]})
    assert refused.value.institutions == ["011111", "099999"]


def test_without_a_link_no_first_access_to_the_admins_schools():
    with pytest.raises(RequestNeeded):
        plan({"012345": ["leerlingen"]}, request=False)


def test_access_at_another_admins_school_is_no_access_here():
    with pytest.raises(RequestNeeded):
        plan({"012345": ["leerlingen"]}, [grant("011111", "leerlingen")], request=False)


def test_without_a_link_an_application_with_access_here_is_adjusted():
    change = plan({"067890": ["personeel"]}, [grant("012345", "leerlingen")], request=False)
    assert change == GrantChange(added=[("067890", "personeel")], removed=[])


def test_an_api_the_application_does_not_use_names_the_school():
    with pytest.raises(InvalidRequest) as refused:
        plan({"012345": ["leerlingen", "rekeningen"]})
    assert refused.value.violations == [
        ("grants.012345", "grants.api_not_checked", {"api": "rekeningen", "apis": "leerlingen, personeel"})
    ]


def test_the_wanted_list_is_the_full_set_of_the_school():
    active = [grant("012345", "leerlingen"), grant("012345", "personeel")]
    assert plan({"012345": ["personeel"]}, active) == GrantChange(added=[], removed=[("012345", "leerlingen")])
    assert plan({"012345": []}, active).removed == [("012345", "leerlingen"), ("012345", "personeel")]


def test_a_school_not_named_keeps_its_grants():
    active = [grant("012345", "leerlingen"), grant("067890", "personeel")]
    assert plan({"012345": []}, active) == GrantChange(added=[], removed=[("012345", "leerlingen")])


def test_an_api_named_twice_is_added_once_and_in_order():
    change = plan({"067890": ["personeel", "leerlingen", "personeel"], "012345": ["leerlingen"]})
    assert change.added == [("012345", "leerlingen"), ("067890", "leerlingen"), ("067890", "personeel")]


def test_the_same_choice_again_changes_nothing():
    assert plan({"012345": ["leerlingen"]}, [grant("012345", "leerlingen")]) == GrantChange(added=[], removed=[])


# -- access requests --------------------------------------------------------------------------------
def ask(app=None, addresses=("a@school.example",), *, sent=(), sent_by_partner=(), limits=LIMITS):
    return (app or application()).ask_access(
        list(addresses),
        limits=limits,
        sent_for_application=list(sent),
        sent_by_partner=list(sent_by_partner),
        partner_name="Agenda BV",
        requested_by="u1",
        now=NOW,
        valid_days=31,
        public_url="https://portal.test/",
    )


@pytest.mark.parametrize("status", ["new", "rejected", "archived"])
def test_access_is_asked_for_an_approved_application_only(status):
    app = application(status)
    with pytest.raises(RequestForUnapprovedApplication):
        ask(app)
    assert app.events == []


def test_each_address_gets_a_request_and_a_mail_with_its_own_link():
    app = application()
    requests = ask(app, ["a@school.example", "b@school.example"])
    assert [r.email for r in requests] == ["a@school.example", "b@school.example"]
    assert [e.email for e in app.events] == ["a@school.example", "b@school.example"]
    first = app.events[0]
    assert isinstance(first, events.AccessRequested) and first.request_id == requests[0].id
    assert first.url.startswith(f"https://portal.test/backoffice/#/requests/{requests[0].id}?token=")
    token = first.url.split("token=")[1]
    assert requests[0].token_hash == token_hash(token) and token not in requests[0].token_hash
    assert app.events[1].url.split("token=")[1] != token
    assert (first.application_name, first.partner_name, first.apis) == ("Agenda Plus", "Agenda BV", app.apis)


def test_a_request_is_valid_for_the_given_days():
    [request] = ask()
    assert request.expires_at == NOW + dt.timedelta(days=31) and request.created_at == NOW
    assert request.state(NOW + dt.timedelta(days=30)) == "open"
    assert request.state(NOW + dt.timedelta(days=31)) == "expired"


def test_a_partner_without_a_profile_name_is_named_by_the_application():
    app = application()
    app.ask_access(
        ["a@school.example"],
        limits=LIMITS,
        sent_for_application=[],
        sent_by_partner=[],
        partner_name=None,
        requested_by="u1",
        now=NOW,
        valid_days=31,
        public_url="https://portal.test",
    )
    assert app.events[0].partner_name == "Agenda Plus"


def test_asking_past_the_daily_limit_sends_nothing():
    app = application()
    with pytest.raises(DailyLimitReached):
        ask(app, ["a@school.example", "b@school.example"], sent=[NOW] * 29)
    assert app.events == []


def open_request(**changes) -> AccessRequest:
    fields = dict(
        id="r1",
        application_id="app-1",
        partner_id="p1",
        email="a@school.example",
        token_hash=token_hash("secret"),
        requested_by="u1",
        created_at=NOW,
        expires_at=NOW + dt.timedelta(days=31),
    )
    return AccessRequest(**{**fields, **changes})


def test_the_link_opens_with_its_token_only():
    request = open_request()
    assert request.opened("secret", NOW) is request
    assert request.opened("secret", NOW, "app-1") is request
    for wrong in ("", None, "Secret", "secret "):
        with pytest.raises(LinkInvalid):
            request.opened(wrong, NOW)


def test_the_link_is_for_its_own_application():
    with pytest.raises(LinkInvalid):
        open_request().opened("secret", NOW, "app-2")


def test_an_expired_link_is_gone():
    request = open_request()
    with pytest.raises(LinkExpired):
        request.opened("secret", request.expires_at)


def test_an_answered_link_is_gone_even_before_it_expires():
    request = open_request()
    request.answer("admin-1", NOW)
    assert (request.answered_by, request.state(NOW)) == ("admin-1", "answered")
    with pytest.raises(LinkAnswered):
        request.opened("secret", NOW)


def test_a_wrong_token_is_invalid_before_it_says_expired():
    request = open_request(expires_at=NOW - dt.timedelta(days=1))
    with pytest.raises(LinkInvalid):
        request.opened("guess", NOW)


# -- grant changes and their announcement -----------------------------------------------------------
def test_a_change_revokes_adds_and_announces_the_full_set_with_the_next_version():
    app = application()
    active = [grant("012345", "leerlingen"), grant("067890", "personeel")]
    added = app.change_grants(
        active,
        GrantChange(added=[("012345", "personeel")], removed=[("012345", "leerlingen")]),
        by="a2",
        now=NOW,
        ends_on=ENDS,
    )
    assert [(g.key, g.granted_by, g.granted_at) for g in added] == [(("012345", "personeel"), "a2", NOW)]
    assert (active[0].revoked_by, active[0].revoked_at, active[1].revoked_at) == ("a2", NOW, None)
    [announced] = app.events
    assert dataclasses.asdict(announced) == {
        "application_id": "app-1",
        "grants_version": 1,
        "grants": [
            {"api": "personeel", "institution_number": "012345"},
            {"api": "personeel", "institution_number": "067890"},
        ],
        "added": [{"api": "personeel", "institution_number": "012345"}],
        "removed": [{"api": "leerlingen", "institution_number": "012345"}],
    }
    assert app.grants_version == 1


def test_grants_made_with_a_link_name_the_request():
    [added] = application().change_grants(
        [], GrantChange([("012345", "leerlingen")], []), by="a", now=NOW, ends_on=ENDS, request_id="r1"
    )
    assert added.request_id == "r1" and not added.carried_over


def test_no_change_announces_nothing_and_keeps_the_version():
    app = application()
    assert app.change_grants([grant("012345", "leerlingen")], GrantChange([], []), by="a", now=NOW, ends_on=ENDS) == []
    assert app.events == [] and app.grants_version == 0


def test_the_system_revokes_what_it_does_not_keep():
    app = application()
    active = [grant("012345", "leerlingen"), grant("012345", "personeel")]
    app.revoke_grants(active, lambda g: g.api != "personeel", NOW)
    assert [g.revoked_by for g in active] == [None, "system"]
    assert app.events[0].removed == [{"api": "personeel", "institution_number": "012345"}]
    assert app.events[0].grants == [{"api": "leerlingen", "institution_number": "012345"}]


def test_revoking_nothing_announces_nothing():
    app = application()
    app.revoke_grants([grant("012345", "leerlingen")], lambda g: True, NOW)
    assert app.events == [] and app.grants_version == 0


def test_a_linked_clients_grants_carry_over_once_and_unannounced():
    app = application()
    carried = app.carry_over(
        [grant("012345", "leerlingen")],
        [("012345", "leerlingen"), ("067890", "personeel"), ("067890", "personeel")],
        NOW,
        SchoolYear(),
    )
    assert [(g.key, g.granted_by, g.carried_over, g.ends_on) for g in carried] == [
        (("067890", "personeel"), "carried-over", True, dt.date(2027, 8, 31))
    ]
    assert app.events == [] and app.grants_version == 1


def test_versions_count_up_per_announced_change():
    app = application()
    app.change_grants([], GrantChange([("012345", "leerlingen")], []), by="a", now=NOW, ends_on=ENDS)
    app.revoke_grants([grant("012345", "leerlingen")], lambda g: False, NOW)
    assert [e.grants_version for e in app.events] == [1, 2]


# -- addresses ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("emails", "key"),
    [
        ("", "emails.none"),
        ("  ;  ", "emails.none"),
        ("niet-een-adres", "emails.invalid"),
        ("a@school.example; kapot@", "emails.invalid"),
        (";".join(f"a{i}@s.example" for i in range(11)), "emails.too_many"),
        ("x" * 5000, "emails.too_long"),
    ],
)
def test_malformed_or_too_many_addresses_name_the_field(emails, key):
    with pytest.raises(InvalidRequest) as refused:
        parse_addresses(emails, 10)
    assert [(field, found) for field, found, _ in refused.value.violations] == [("emails", key)]


def test_addresses_are_split_on_semicolons_commas_and_lines_and_kept_once():
    found = parse_addresses("Directie@School.example; zorg@school.example,\ndirectie@school.example", 10)
    assert found == ["Directie@school.example", "zorg@school.example"]


def test_every_invalid_address_is_named():
    with pytest.raises(InvalidRequest) as refused:
        parse_addresses("kapot@; ok@school.example; ook-kapot", 10)
    assert [params["address"] for _, _, params in refused.value.violations] == ["kapot@", "ook-kapot"]
