"""The rule for changes to an approved application, on the domain model alone (no I/O)."""

import datetime as dt

import pytest

from portal_apps.domain import events
from portal_apps.domain.model import Application, ChangeNotPending, InvalidApplication, RemovalNotConfirmed

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
APIS = ("leerlingen", "personeel", "internen", "voorinschrijvingen", "rekeningen")


def requested_application(apis=("leerlingen",)) -> Application:
    return Application.request(
        partner_id="p1",
        requested_by="u1",
        known_apis=APIS,
        now=NOW,
        name="Agenda Plus",
        description="Lesroosters.",
        technical_contact="Jan",
        contact_email="dev@agenda.example",
        apis=list(apis),
    )


def approved_application(apis=("leerlingen",)) -> Application:
    application = requested_application(apis)
    application.approve("mod", NOW)
    application.events.clear()
    return application


def edit(application, by="u1", confirm_removal=False, **changes):
    return application.edit(changes, by, APIS, confirm_removal, NOW)


def test_a_new_name_and_added_apis_wait_while_the_approved_values_stay():
    application = approved_application()
    edit(application, name="Agenda Plus Smartschool Official", apis=["leerlingen", "rekeningen"])
    assert (application.name, application.apis, application.status) == ("Agenda Plus", ["leerlingen"], "approved")
    change = application.pending_change
    assert (change.name, change.apis_added, change.requested_by) == (
        "Agenda Plus Smartschool Official",
        ["rekeningen"],
        "u1",
    )
    [requested] = application.events
    assert isinstance(requested, events.ApplicationChangeRequested) and requested.name == "Agenda Plus"
    assert application.history[-1].kind == "change_requested"
    assert application.history[-1].details == {
        "apis_added": ["rekeningen"],
        "name": ["Agenda Plus", "Agenda Plus Smartschool Official"],
    }


def test_other_fields_and_removals_take_effect_at_once():
    application = approved_application(apis=["leerlingen", "personeel"])
    edit(application, description="Nieuw.", apis=["leerlingen", "rekeningen"], confirm_removal=True)
    assert application.description == "Nieuw." and application.apis == ["leerlingen"]
    assert application.pending_change.apis_added == ["rekeningen"]
    kinds = [type(event) for event in application.events]
    assert kinds == [events.ApplicationChangeRequested, events.ApplicationChanged, events.ApisUnchecked]
    changed = application.events[1]
    assert changed.changed_fields == ["description", "apis"]
    assert changed.apis == ["leerlingen"]  # the pending API is not announced as the application's


def test_an_approved_application_keeps_one_approved_api_while_new_ones_wait():
    application = approved_application()
    with pytest.raises(InvalidApplication) as refused:
        edit(application, apis=["rekeningen"], confirm_removal=True)
    assert refused.value.violations == [("apis", "field.apis_keep_approved", {})]
    assert application.pending_change is None and application.apis == ["leerlingen"]


def test_removing_an_approved_api_still_needs_confirmation():
    application = approved_application()
    with pytest.raises(RemovalNotConfirmed):
        edit(application, apis=["rekeningen"])
    assert application.pending_change is None


def test_a_later_edit_replaces_the_pending_change_and_keeps_what_it_does_not_touch():
    application = approved_application()
    edit(application, name="Agenda Pro")
    first = application.pending_change.id
    edit(application, apis=["leerlingen", "personeel"], by="u2")
    change = application.pending_change
    assert change.id != first and (change.name, change.apis_added, change.requested_by) == (
        "Agenda Pro",
        ["personeel"],
        "u2",
    )
    assert [entry.kind for entry in application.history[-3:]] == [
        "change_requested",
        "change_withdrawn",
        "change_requested",
    ]
    with pytest.raises(ChangeNotPending):
        application.approve_change(first, "mod", NOW)


def test_an_edit_back_to_the_approved_values_withdraws_the_change():
    application = approved_application()
    edit(application, name="Agenda Pro", apis=["leerlingen", "personeel"])
    edit(application, name="Agenda Plus", apis=["leerlingen"])
    assert application.pending_change is None and application.history[-1].kind == "change_withdrawn"


def test_the_same_edit_twice_keeps_one_change():
    application = approved_application()
    edit(application, name="Agenda Pro")
    change = application.pending_change
    edit(application, name="Agenda Pro")
    assert application.pending_change is change
    assert len([e for e in application.events if isinstance(e, events.ApplicationChangeRequested)]) == 1


def test_approval_makes_the_new_name_and_apis_the_applications():
    application = approved_application()
    edit(application, name="Agenda Pro", apis=["leerlingen", "rekeningen"])
    change_id = application.pending_change.id
    application.events.clear()
    application.approve_change(change_id, "mod", NOW)
    assert (application.name, application.apis, application.pending_change) == (
        "Agenda Pro",
        ["leerlingen", "rekeningen"],
        None,
    )
    [approved] = application.events
    assert (approved.name, approved.previous_name, approved.apis, approved.approved_by) == (
        "Agenda Pro",
        "Agenda Plus",
        ["leerlingen", "rekeningen"],
        "mod",
    )
    entry = application.history[-1]
    assert (entry.kind, entry.changed_by, entry.details["name"]) == (
        "change_approved",
        "mod",
        ["Agenda Plus", "Agenda Pro"],
    )
    with pytest.raises(ChangeNotPending):
        application.approve_change(change_id, "mod", NOW)  # judged once


def test_rejection_needs_a_reason_and_keeps_the_approved_values():
    application = approved_application()
    edit(application, apis=["leerlingen", "rekeningen"])
    change_id = application.pending_change.id
    with pytest.raises(InvalidApplication):
        application.reject_change(change_id, "mod", "  ", NOW)
    assert application.pending_change is not None
    application.reject_change(change_id, "mod", "Rekeningen zijn niet nodig", NOW)
    assert application.apis == ["leerlingen"] and application.pending_change is None
    entry = application.history[-1]
    assert (entry.kind, entry.reason, entry.details) == (
        "change_rejected",
        "Rekeningen zijn niet nodig",
        {"apis_added": ["rekeningen"]},
    )
    assert isinstance(application.events[-1], events.ApplicationChangeRejected)


def test_applications_not_yet_approved_change_at_once():
    application = requested_application()
    edit(application, name="Agenda Pro", apis=["rekeningen"])
    assert (application.name, application.apis, application.pending_change) == ("Agenda Pro", ["rekeningen"], None)


def test_archiving_drops_the_pending_change():
    application = approved_application()
    edit(application, name="Agenda Pro")
    application.archive("u1", NOW)
    assert application.pending_change is None
