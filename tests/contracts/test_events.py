"""Both sides of every event meet its JSON Schema in contracts/events/."""

import dataclasses
import importlib
import inspect
import json

import pytest

from portalkit.config import find_contracts_dir
from portalkit.events import DomainEvent
from portalkit.events.contracts import EventContracts
from portalkit.service import installed_services
from portalkit.testing import prepared_runtime

EVENTS_DIR = find_contracts_dir() / "events"
CONTRACTS = EventContracts(EVENTS_DIR)
CONSUMERS = json.loads((EVENTS_DIR / "consumers.json").read_text())["consumers"]


def produced_events():
    for name in installed_services():
        try:
            module = importlib.import_module(f"portal_{name}.domain.events")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DomainEvent) and cls is not DomainEvent:
                yield name, cls


PRODUCED = list(produced_events())


@pytest.mark.parametrize(("service", "event"), PRODUCED, ids=[cls.type for _, cls in PRODUCED])
def test_every_produced_event_has_a_schema_with_the_same_fields(service, event):
    key = f"{event.type}.v{event.version}"
    assert key in CONTRACTS.known, f"{service} publishes {key} without contracts/events/{key}.json"
    assert event.type.startswith(f"{service}."), "routing keys start with the producing service"
    schema = json.loads((EVENTS_DIR / f"{key}.json").read_text())
    data = schema["properties"]["data"]
    fields = {field.name for field in dataclasses.fields(event)}
    assert fields == set(data["properties"]), "event dataclass and schema disagree on the fields"
    assert set(data["required"]) <= fields


# Contracts agreed before their producer is built; each entry names the issue that builds the producer.
# The test below fails once a producer exists and the entry was not removed.
AWAITING_PRODUCER = {
    "scopes.access.answered": "issue 20: grants and requests",
    "scopes.access.expired": "issue 20: grants and requests",
    "scopes.grants.expired": "issue 20: grants and requests",
}


def test_every_consumed_event_has_a_schema_and_a_producer():
    produced_types = {cls.type for _, cls in PRODUCED}
    for service, bindings in CONSUMERS.items():
        assert service in installed_services(), f"consumers.json names unknown service {service}"
        for binding in bindings:
            assert any(known.startswith(binding + ".v") for known in CONTRACTS.known), binding
            if binding in AWAITING_PRODUCER:
                assert binding not in produced_types, f"{binding} has its producer now: drop it from AWAITING_PRODUCER"
            else:
                assert binding in produced_types, f"{service} consumes {binding}, which nobody publishes"


@pytest.mark.parametrize("service", sorted(installed_services()))
def test_every_handler_is_bound_to_its_queue(service, tmp_path):
    definition = installed_services()[service]
    handled = set(prepared_runtime(definition, f"sqlite:///{tmp_path}/x.db").handlers())
    assert handled <= set(CONSUMERS.get(service, [])), "a handler whose events never reach the queue"
    assert set(CONSUMERS.get(service, [])) <= handled, "a binding with no handler: events would be dropped"
