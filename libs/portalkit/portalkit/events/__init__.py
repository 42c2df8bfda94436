"""Domain events: envelope, contracts, transactional outbox, relay, idempotent consumer, transports."""

from portalkit.events.envelope import DomainEvent, Envelope

__all__ = ["DomainEvent", "Envelope"]
