"""The apps service's use cases against its unit of work in memory."""

import dataclasses

import pytest

from portal_apps.adapters import identity as identity_service
from portal_apps.domain.model import InvalidApplication, Status
from portal_apps.service_layer import handlers
from portalkit.events.envelope import Envelope

from .fakes import FakeAppsUnitOfWork

APIS = ("leerlingen", "personeel")
FIELDS = {
    "name": "Agenda Plus",
    "description": "Lesroosters.",
    "technical_contact": "Jan",
    "contact_email": "dev@agenda.example",
    "apis": ["leerlingen"],
}


@pytest.fixture
def uow() -> FakeAppsUnitOfWork:
    return FakeAppsUnitOfWork()


def request(uow, partner_id="p1", **changes):
    return handlers.request_application(
        uow, partner_id=partner_id, requested_by="u1", known_apis=APIS, **{**FIELDS, **changes}
    )


@dataclasses.dataclass
class FakeIdentity:
    """The identity service's link check: a client with its APIs, or refused."""

    apis: list[str] = dataclasses.field(default_factory=lambda: ["personeel"])
    refuse: Exception | None = None
    calls: int = 0

    def link(self, **pair) -> identity_service.LinkedClient:
        self.calls += 1
        if self.refuse is not None:
            raise self.refuse
        return identity_service.LinkedClient(pair["client_id"], self.apis)


def link(uow, identity, partner_id="p1", client_id="c1", **changes):
    fields = {key: value for key, value in {**FIELDS, **changes}.items() if key != "apis"}
    return handlers.link_application(
        uow,
        identity,
        partner_id=partner_id,
        linked_by="u1",
        known_apis=APIS,
        client_id=client_id,
        client_secret="s",
        **fields,
    )


def test_a_request_is_stored_and_announced_in_one_commit(uow):
    application = request(uow)
    assert uow.committed and uow.applications.stored[application.id] is application
    [requested] = uow.events("apps.application.requested")
    assert requested["application_id"] == application.id


def test_an_approval_is_announced_for_the_identity_service(uow):
    application = request(uow)
    handlers.approve(uow, application.id, "mod", None)
    assert application.status == Status.APPROVED
    [approved] = uow.events("apps.application.approved")
    assert approved["approved_by"] == "mod"


def test_a_moderator_of_the_same_partner_may_not_judge(uow):
    application = request(uow)
    with pytest.raises(handlers.SelfModeration):
        handlers.approve(uow, application.id, "mod", "p1")
    assert application.status == Status.NEW and uow.events("apps.application.approved") == []


def test_another_partners_application_is_not_found(uow):
    application = request(uow)
    with pytest.raises(handlers.NotFound):
        handlers.archive_by_partner(uow, application.id, "p2", "u2")
    with pytest.raises(handlers.NotFound):
        handlers.application_of_partner(uow, "p2", application.id)


def test_history_names_who_acted_where_known(uow):
    application = request(uow)
    handlers.approve(uow, application.id, "mod", None)
    uow.people.known["mod"] = "moderator@portal.example"
    history = handlers.history(uow, application.id)
    assert [change.changed_by_email for change in history] == [None, "moderator@portal.example"]


def test_a_valid_link_gives_an_approved_application_with_the_clients_apis(uow):
    application = link(uow, FakeIdentity())
    assert (application.status, application.apis, application.client_id) == (Status.APPROVED, ["personeel"], "c1")
    assert uow.events("apps.application.linked")[0]["client_id"] == "c1"


def test_field_rules_are_checked_before_the_identity_service_is_asked(uow):
    identity = FakeIdentity()
    with pytest.raises(InvalidApplication):
        link(uow, identity, name="")
    assert identity.calls == 0


def test_a_retried_link_finds_its_first_attempt(uow):
    first = link(uow, FakeIdentity())
    again = link(uow, FakeIdentity())
    assert again is first and len(uow.applications.stored) == 1


def test_a_client_linked_to_another_partners_application_is_refused(uow):
    link(uow, FakeIdentity(), partner_id="p1")
    with pytest.raises(identity_service.ClientAlreadyLinked):
        link(uow, FakeIdentity(), partner_id="p2")


def test_the_issued_client_is_recorded(uow):
    application = request(uow)
    handlers.approve(uow, application.id, "mod", None)
    envelope = Envelope(
        "e1", "identity.client.issued", "2026-11-25T12:00:00Z", 1, {"application_id": application.id, "client_id": "c9"}
    )
    handlers.client_issued(uow, envelope)
    assert application.client_id == "c9"


def test_an_issued_client_for_an_unknown_application_is_retried_later(uow):
    envelope = Envelope(
        "e1", "identity.client.issued", "2026-11-25T12:00:00Z", 1, {"application_id": "nope", "client_id": "c9"}
    )
    with pytest.raises(handlers.NotFound):
        handlers.client_issued(uow, envelope)
