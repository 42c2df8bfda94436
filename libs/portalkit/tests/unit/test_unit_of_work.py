"""The unit of work's rules without a database: new events of the aggregates it saw, published at commit."""

import dataclasses
import json

import pytest

from portalkit.events import DomainEvent
from portalkit.events.contracts import ContractViolation
from portalkit.events.envelope import Envelope
from portalkit.testing import FakeUnitOfWork
from portalkit.uow import Repository, new_events


@dataclasses.dataclass(frozen=True)
class ApplicationRequested(DomainEvent):
    type = "apps.application.requested"
    version = 1
    application_id: str
    partner_id: str = "p1"
    name: str = "Agenda"
    contact_email: str = "dev@example.org"
    apis: list = dataclasses.field(default_factory=lambda: ["leerlingen"])
    requested_by: str = "u1"


class Application:
    def __init__(self, application_id: str):
        self.id = application_id
        self.events = [ApplicationRequested(application_id)]


class Applications(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored = {}

    def add(self, application):
        self.stored[application.id] = self._seen(application)

    def get(self, application_id):
        return self._seen(self.stored.get(application_id))


class FakeApps(FakeUnitOfWork):
    def __init__(self):
        super().__init__()
        self.applications = Applications()


def test_a_repository_remembers_what_it_handed_out_once():
    applications = Applications()
    application = Application("a1")
    applications.add(application)
    applications.get("a1")
    assert applications.seen == [application]


def test_nothing_found_is_not_seen():
    applications = Applications()
    assert applications.get("nope") is None and applications.seen == []


def test_new_events_come_oldest_first_and_only_once():
    uow = FakeApps()
    first, second = Application("a1"), Application("a2")
    first.events.append(ApplicationRequested("a1", name="Later"))
    uow.applications.add(first)
    uow.applications.add(second)
    assert [(event.application_id, event.name) for event in new_events(uow)] == [
        ("a1", "Agenda"),
        ("a1", "Later"),
        ("a2", "Agenda"),
    ]
    assert list(new_events(uow)) == [] and first.events == []


def test_aggregates_without_events_are_skipped():
    uow = FakeApps()
    quiet = Application("a1")
    quiet.events = []
    uow.applications.add(quiet)
    uow.applications.seen.append(object())
    assert list(new_events(uow)) == []


def test_commit_publishes_the_new_events_of_what_the_repositories_saw():
    uow = FakeApps()
    with uow:
        uow.applications.add(Application("a1"))
        uow.commit()
    assert uow.committed
    assert uow.events("apps.application.requested") == [
        {
            "application_id": "a1",
            "partner_id": "p1",
            "name": "Agenda",
            "contact_email": "dev@example.org",
            "apis": ["leerlingen"],
            "requested_by": "u1",
        }
    ]


def test_nothing_is_committed_or_published_without_commit():
    uow = FakeApps()
    with uow:
        uow.applications.add(Application("a1"))
    assert not uow.committed and uow.published == []


def test_an_event_breaking_its_contract_is_refused():
    uow = FakeApps()
    with pytest.raises(ContractViolation, match="apis"):
        uow.publish(ApplicationRequested("a1", apis=[]))


def test_events_of_another_type_are_not_listed():
    uow = FakeApps()
    uow.publish(ApplicationRequested("a1"))
    assert uow.events("apps.application.approved") == []


def test_an_envelope_is_published_as_it_is():
    envelope = ApplicationRequested("a1").envelope(event_id="6f1c1a52-8d8f-4a4e-9b7a-1f2e3d4c5b6a")
    assert FakeApps().publish(envelope) is envelope


def test_a_domain_event_travels_in_the_envelope_with_its_type_and_version():
    envelope = ApplicationRequested("a1").envelope()
    assert (envelope.type, envelope.version, envelope.routing_key) == ("apps.application.requested", 1, envelope.type)
    assert envelope.data["application_id"] == "a1" and envelope.occurred_at.endswith("Z")


def test_an_envelope_survives_json():
    envelope = ApplicationRequested("a1").envelope()
    assert Envelope.from_dict(json.loads(envelope.to_json())) == envelope


def test_each_envelope_has_its_own_id():
    assert ApplicationRequested("a1").envelope().id != ApplicationRequested("a1").envelope().id
