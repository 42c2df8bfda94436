"""The application's field rules and status machine, on the domain model alone."""

import datetime as dt

import pytest

from portal_apps.domain import events
from portal_apps.domain.model import Application, InvalidApplication, Status, TransitionRefused, validated_fields

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
APIS = ("leerlingen", "personeel")
FIELDS = {
    "name": "Agenda Plus",
    "description": "Lesroosters.",
    "technical_contact": "Jan",
    "contact_email": "dev@agenda.example",
    "apis": ["leerlingen"],
}


def requested(**changes) -> Application:
    return Application.request(partner_id="p1", requested_by="u1", known_apis=APIS, now=NOW, **{**FIELDS, **changes})


def violations(**fields) -> list[tuple[str, str]]:
    with pytest.raises(InvalidApplication) as refused:
        validated_fields(fields, APIS)
    return [(field, key) for field, key, _ in refused.value.violations]


def test_a_request_is_new_recorded_and_announced():
    application = requested()
    assert application.status == Status.NEW
    assert [(change.from_status, change.to_status, change.changed_by) for change in application.history] == [
        (None, Status.NEW, "u1")
    ]
    [announced] = application.events
    assert isinstance(announced, events.ApplicationRequested) and announced.requested_by == "u1"


def test_each_field_rule_names_its_field():
    assert violations(name="  ", description="x" * 2001, technical_contact="", contact_email="no-mail", apis=[]) == [
        ("name", "field.required"),
        ("description", "field.too_long"),
        ("technical_contact", "field.required"),
        ("contact_email", "email.invalid"),
        ("apis", "field.apis_empty"),
    ]


def test_an_unknown_api_is_refused_and_duplicates_are_dropped():
    assert violations(apis=["leerlingen", "geheim"]) == [("apis", "field.api_unknown")]
    assert validated_fields({"apis": ["leerlingen", "leerlingen", "personeel"]}, APIS) == {
        "apis": ["leerlingen", "personeel"]
    }


def test_values_are_trimmed_and_the_address_normalised():
    cleaned = validated_fields({"name": "  Agenda  ", "contact_email": "Dev@Agenda.EXAMPLE"}, APIS)
    assert cleaned == {"name": "Agenda", "contact_email": "Dev@agenda.example"}


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["approve"], "reject"),
        (["reject"], "approve"),
        (["archive"], "approve"),
        (["approve", "archive"], "archive"),
    ],
)
def test_the_status_machine_refuses_what_does_not_follow(path, refused):
    application = requested()
    for step in path:
        act(application, step)
    with pytest.raises(TransitionRefused):
        act(application, refused)


def act(application: Application, step: str) -> None:
    if step == "reject":
        application.reject("mod", "Onvolledig.", NOW)
    else:
        getattr(application, step)("mod", NOW)


def test_a_rejection_needs_a_reason():
    with pytest.raises(InvalidApplication):
        requested().reject("mod", "   ", NOW)


def test_an_edit_after_a_rejection_goes_back_to_the_moderator():
    application = requested()
    application.reject("mod", "Onvolledig.", NOW)
    application.events.clear()
    application.edit({"description": "Beter beschreven."}, "u1", APIS, False, NOW)
    assert application.status == Status.NEW
    assert [type(event) for event in application.events] == [events.ApplicationRequested, events.ApplicationChanged]


def test_an_archived_application_cannot_be_edited():
    application = requested()
    application.archive("u1", NOW)
    with pytest.raises(TransitionRefused):
        application.edit({"name": "Nieuw"}, "u1", APIS, False, NOW)


def test_an_edit_that_changes_nothing_is_not_recorded():
    application = requested()
    application.events.clear()
    assert application.edit({"name": "Agenda Plus"}, "u1", APIS, False, NOW) == []
    assert application.events == [] and len(application.history) == 1


def test_a_linked_application_is_approved_with_the_clients_known_apis_only():
    application = Application.linked(
        partner_id="p1",
        linked_by="u1",
        client_id="c1",
        apis=["personeel", "oud"],
        known_apis=APIS,
        now=NOW,
        **{key: value for key, value in FIELDS.items() if key != "apis"},
    )
    assert (application.status, application.apis) == (Status.APPROVED, ["personeel"])
    assert application.id == Application.linked_id("p1", "c1") != Application.linked_id("p2", "c1")
