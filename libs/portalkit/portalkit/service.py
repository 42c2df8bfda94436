"""A service's definition (what it is) and runtime (what it is wired to in this process).

Each service package exposes one :class:`ServiceDefinition` under the ``portal.services`` entry point,
so migrations, workers, the management CLI and the embedded mode treat all services alike.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask

from portalkit.backoff import back_off
from portalkit.changes import ChangeFeed, announce_writes
from portalkit.config import Settings
from portalkit.db import Database
from portalkit.events.consumer import EventConsumer, Handler
from portalkit.events.contracts import EventContracts
from portalkit.events.relay import OutboxRelay
from portalkit.events.transport import Subscription, Transport, load_subscriptions, make_transport
from portalkit.secrets import one_time_secret_fields
from portalkit.trust import Trust
from portalkit.uow import UnitOfWork

log = logging.getLogger("portalkit.service")


@dataclasses.dataclass(frozen=True)
class ServiceDefinition:
    name: str
    package: str
    metadata: sa.MetaData
    create_app: Callable[..., Flask]
    settings_class: type[Settings] = Settings
    # The service's unit of work, which hands out its repositories.
    unit_of_work: type[UnitOfWork] = UnitOfWork
    # The service's dependencies in this process (clients, caches, settings its use cases need), built once
    # into one typed object: ``runtime.container``.
    wire: Callable[[ServiceRuntime], Any] = lambda runtime: None
    handlers: Callable[[ServiceRuntime], Mapping[str, Handler]] = lambda runtime: {}
    # Loops of the service's own that run beside the relay and consumer (each gets the stop event).
    background: Callable[[ServiceRuntime], list[Callable[[threading.Event], None]]] = lambda runtime: []
    commands: click.Group | None = None
    # Data a fresh deployment needs after its migrations (the identity service's first signing key).
    prepare: Callable[[ServiceRuntime], None] = lambda runtime: None
    # Tables whose answers the web processes keep (``portalkit.hot_paths.AnswerCache``): every process of the
    # service announces each write to them on ``runtime.table_changes``.
    cached_tables: frozenset[str] = frozenset()
    # Demo data for the embedded mode only (never the stack or compose); returns lines to show the user.
    seed_demo: Callable[[ServiceRuntime], list[str]] = lambda runtime: []

    def settings(self, environ=None, **overrides) -> Settings:
        return self.settings_class.from_env(self.name, environ, **overrides)

    def runtime(self, settings: Settings | None = None, transport: Transport | None = None) -> ServiceRuntime:
        return ServiceRuntime(self, settings or self.settings(), transport)


class ServiceRuntime:
    """The database, broker and contracts one service uses in this process."""

    def __init__(self, definition: ServiceDefinition, settings: Settings, transport: Transport | None = None):
        self.definition = definition
        self.settings = settings
        self.database = Database(settings.database_url)
        self.transport = transport or make_transport(settings.broker_url, settings.broker_namespace)
        self.contracts = EventContracts(f"{settings.contracts_dir}/events") if settings.validate_events else None
        self.outbox = definition.metadata.tables["outbox"]
        self.inbox = definition.metadata.tables["inbox"]
        self.trust = Trust(
            self.database, definition.metadata, ChangeFeed(self.database, f"revocations_{definition.name}")
        )
        self.relay_wakeup = threading.Event()
        # A committed outbox row wakes the relay at once, in this process or (PostgreSQL) the worker's.
        self.outbox_feed = ChangeFeed(self.database, f"outbox_{definition.name}")
        self.table_changes = ChangeFeed(self.database, f"tables_{definition.name}")
        if definition.cached_tables:
            announce_writes(self.database.sessions, self.table_changes, definition.cached_tables)
        # What the service's own components need closed with the runtime (listening connections).
        self.closers: list[Callable[[], None]] = [self.table_changes.close, self.trust.changes.close]
        topology = load_subscriptions(
            settings.contracts_dir,
            prefetch=settings.consumer_prefetch,
            max_attempts=settings.consumer_max_attempts,
            retry_base_seconds=settings.consumer_retry_base_seconds,
        )
        self.topology = list(topology.values())
        self.subscription: Subscription | None = topology.get(definition.name)

    @property
    def name(self) -> str:
        return self.definition.name

    @functools.cached_property
    def container(self) -> Any:
        """The service's own dependencies, wired once per process (:attr:`ServiceDefinition.wire`)."""
        return self.definition.wire(self)

    def unit_of_work(self) -> UnitOfWork:
        return self.definition.unit_of_work(self.database, self.outbox, self.contracts, self.outbox_feed)

    def migrate(self) -> None:
        from portalkit import migrations  # noqa: PLC0415 - alembic only where migrations run, not in web workers

        migrations.upgrade(self.settings.database_url, self.definition.package)

    def relay(self) -> OutboxRelay:
        return OutboxRelay(
            self.database,
            self.outbox,
            self.transport,
            batch_size=self.settings.relay_batch_size,
            poll_seconds=self.settings.relay_poll_seconds,
            wakeup=self.relay_wakeup,
            secret_fields=one_time_secret_fields(self.settings.contracts_dir),
        )

    def consumer(self) -> EventConsumer:
        return EventConsumer(self.unit_of_work, self.inbox, self.handlers(), self.contracts)

    def handlers(self) -> dict[str, Handler]:
        """The service's own handlers, and those keeping its revocations and memberships
        (:mod:`portalkit.trust`) for the events it is bound to; where both handle an event, both run in
        its transaction."""
        merged = dict(self.definition.handlers(self))
        bound = set(self.subscription.bindings) if self.subscription is not None else set()
        for event_type, keep in self.trust.handlers().items():
            if event_type not in bound:
                continue
            own = merged.get(event_type)
            merged[event_type] = keep if own is None else _both(keep, own)
        return merged

    def start_background(self, stop: threading.Event) -> list[threading.Thread]:
        """The relay, the consumer if this service consumes anything, and its own loops, as daemon threads."""
        self._declare_topology(stop)
        self.outbox_feed.subscribe(lambda _key: self.relay_wakeup.set())
        self.closers.append(self.outbox_feed.close)
        relay = self.relay()
        threads = [threading.Thread(target=relay.run, args=(stop,), name=f"{self.name}-relay", daemon=True)]
        if self.subscription is not None:
            consumer = self.consumer()
            threads.append(
                threading.Thread(
                    target=self.transport.consume,
                    args=(self.subscription, consumer, stop),
                    name=f"{self.name}-consumer",
                    daemon=True,
                )
            )
        for index, loop in enumerate(self.definition.background(self)):
            threads.append(threading.Thread(target=loop, args=(stop,), name=f"{self.name}-loop{index}", daemon=True))
        for thread in threads:
            thread.start()
        return threads

    def _declare_topology(self, stop: threading.Event) -> None:
        """Every queue exists before anything is published, so no event waits for its consumer to start."""
        attempt = 0
        while not stop.is_set():
            try:
                self.transport.declare(self.topology)
                return
            except Exception as error:  # noqa: BLE001 - broker not up yet: wait for it
                delay = back_off(attempt, 0.5, 15)
                log.warning("cannot declare the broker topology yet (%s); again in %.1fs", error, delay)
                stop.wait(delay)
                attempt += 1

    def close(self) -> None:
        for close in self.closers:
            close()
        self.transport.close()
        self.database.dispose()


def _both(first: Handler, second: Handler) -> Handler:
    def handle(uow, envelope) -> None:
        first(uow, envelope)
        second(uow, envelope)

    return handle


def installed_services(names: Iterable[str] | None = None) -> dict[str, ServiceDefinition]:
    """Every installed service, or those of ``names`` that are installed, by name, in a stable order. Only
    these are imported: a process serving one service does not carry the others' code."""
    points = {point.name: point for point in entry_points(group="portal.services")}
    wanted = points if names is None else set(names) & set(points)
    return {name: points[name].load() for name in sorted(wanted)}


def installed_service_names() -> list[str]:
    return sorted(point.name for point in entry_points(group="portal.services"))
