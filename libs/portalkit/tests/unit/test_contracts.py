import dataclasses

import pytest

from portalkit.config import find_contracts_dir
from portalkit.events import DomainEvent
from portalkit.events.contracts import ContractViolation, EventContracts


@dataclasses.dataclass(frozen=True)
class ApplicationRequested(DomainEvent):
    type = "apps.application.requested"
    version = 1
    application_id: str
    partner_id: str
    name: str
    contact_email: str
    apis: list
    requested_by: str


@pytest.fixture(scope="module")
def contracts():
    return EventContracts(find_contracts_dir() / "events")


def event(**changes):
    fields = dict(
        application_id="a1",
        partner_id="p1",
        name="Agenda",
        contact_email="dev@example.org",
        apis=["leerlingen"],
        requested_by="u1",
    )
    return ApplicationRequested(**{**fields, **changes}).envelope()


def test_a_valid_event_passes(contracts):
    contracts.validate(event().as_dict())


def test_violations_name_the_place(contracts):
    with pytest.raises(ContractViolation, match="data/apis"):
        contracts.validate(event(apis=[]).as_dict())


def test_unknown_types_and_versions_are_refused(contracts):
    document = event().as_dict()
    with pytest.raises(ContractViolation, match="no contract"):
        contracts.validate({**document, "version": 9})


def test_the_envelope_itself_is_checked(contracts):
    document = event().as_dict()
    document["id"] = "not-a-uuid"
    with pytest.raises(ContractViolation, match="id"):
        contracts.validate(document)
