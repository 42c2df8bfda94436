"""What a message transport offers, whichever broker is behind it (RabbitMQ, or in-process)."""

from __future__ import annotations

import dataclasses
import enum
import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from portalkit.backoff import back_off
from portalkit.events.envelope import Envelope

log = logging.getLogger("portalkit.transport")


class Outcome(enum.Enum):
    ACK = "ack"  # handled (or a duplicate): remove it
    RETRY = "retry"  # failed, may work later: deliver again after a back-off
    DEAD = "dead"  # can never work (malformed, breaks its contract): park it in the dead-letter queue


@dataclasses.dataclass(frozen=True)
class Subscription:
    """One consuming service's durable queue and the routing keys bound to it."""

    queue: str
    bindings: tuple[str, ...]
    prefetch: int = 20
    max_attempts: int = 5
    retry_base_seconds: float = 0.5

    def retry_delay(self, attempt: int) -> float:
        """Exponential back-off: base, 2*base, 4*base, ... capped at five minutes."""
        return back_off(attempt - 1, self.retry_base_seconds, 300.0)


Handle = Callable[[bytes], Outcome]


def park(queue: str, message_id: str | None, outcome: Outcome, attempt: int) -> str:
    """The reason a message goes to the dead letters, logged as the one ERROR of its story."""
    reason = "rejected" if outcome is Outcome.DEAD else f"failed {attempt} times"
    log.error("parked message %s of %s: %s", message_id, queue, reason)
    return reason


class Transport(Protocol):
    def declare(self, subscriptions: Sequence[Subscription]) -> None:
        """Create the exchange, queues and bindings (idempotent)."""

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Return only when the broker has taken every message; raise otherwise."""

    def consume(self, subscription: Subscription, handle: Handle, stop: threading.Event) -> None:
        """Deliver messages to ``handle`` until ``stop`` is set."""

    def dead_letters(self, queue: str) -> list[tuple[bytes, str]]:
        """What is parked in a queue's dead-letter queue (body, reason); for operators and tests."""

    def ping(self) -> None:
        """Raise when the broker cannot be reached."""

    def close(self) -> None: ...


def matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is one word, ``#`` zero or more."""

    def match(pattern_words: list[str], key_words: list[str]) -> bool:
        if not pattern_words:
            return not key_words
        head, rest = pattern_words[0], pattern_words[1:]
        if head == "#":
            return any(match(rest, key_words[i:]) for i in range(len(key_words) + 1))
        if not key_words:
            return False
        return (head == "*" or head == key_words[0]) and match(rest, key_words[1:])

    return match(pattern.split("."), routing_key.split("."))


def load_subscriptions(contracts_dir: str | Path, **options) -> dict[str, Subscription]:
    """The topology from ``contracts/events/consumers.json``: which service consumes which events.

    Every process declares all of it, so an event published before its consumer first starts is kept.
    """
    document: Mapping[str, list[str]] = json.loads((Path(contracts_dir) / "events" / "consumers.json").read_text())
    return {
        service: Subscription(queue=service, bindings=tuple(bindings), **options)
        for service, bindings in document["consumers"].items()
    }


def make_transport(broker_url: str, namespace: str) -> Transport:
    if broker_url.startswith("memory:"):
        from portalkit.events.memory import InProcessTransport

        return InProcessTransport.shared(broker_url)
    if broker_url.startswith(("amqp:", "amqps:")):
        from portalkit.events.rabbitmq import RabbitTransport

        return RabbitTransport(broker_url, namespace)
    raise ValueError(f"unsupported BROKER_URL scheme: {broker_url.split(':')[0]}")
