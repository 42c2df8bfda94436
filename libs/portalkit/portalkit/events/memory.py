"""The in-process transport of the embedded mode: same interface, same outbox, no broker.

Messages still go through every service's outbox, relay, inbox, retries and dead-letter list; only the
hop between processes is missing, because in the embedded mode all services share one process.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Sequence

from portalkit.events.envelope import Envelope
from portalkit.events.transport import Handle, Outcome, Subscription, matches, park


class InProcessTransport:
    _shared: dict[str, InProcessTransport] = {}
    _shared_lock = threading.Lock()

    def __init__(self):
        self._lock = threading.Lock()
        self._queues: dict[str, queue.Queue] = {}
        self._bindings: dict[str, tuple[str, ...]] = {}
        self._dead: dict[str, list[tuple[bytes, str]]] = {}

    @classmethod
    def shared(cls, url: str = "memory://") -> InProcessTransport:
        """One broker per URL per process, so every service of the embedded mode meets on it."""
        with cls._shared_lock:
            return cls._shared.setdefault(url, cls())

    def declare(self, subscriptions: Sequence[Subscription]) -> None:
        with self._lock:
            for subscription in subscriptions:
                self._queues.setdefault(subscription.queue, queue.Queue())
                self._dead.setdefault(subscription.queue, [])
                bound = self._bindings.get(subscription.queue, ())
                self._bindings[subscription.queue] = tuple(dict.fromkeys(bound + subscription.bindings))

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        with self._lock:
            targets = list(self._bindings.items())
        for envelope in envelopes:
            body = envelope.to_json()
            for name, patterns in targets:
                if any(matches(pattern, envelope.routing_key) for pattern in patterns):
                    self._queues[name].put((body, 1))

    def consume(self, subscription: Subscription, handle: Handle, stop: threading.Event) -> None:
        self.declare([subscription])
        inbox = self._queues[subscription.queue]
        while not stop.is_set():
            try:
                body, attempt = inbox.get(timeout=0.1)
            except queue.Empty:
                continue
            outcome = handle(body)
            if outcome is Outcome.RETRY and attempt < subscription.max_attempts:
                timer = threading.Timer(subscription.retry_delay(attempt), inbox.put, ((body, attempt + 1),))
                timer.daemon = True
                timer.start()
            elif outcome is not Outcome.ACK:
                reason = park(subscription.queue, _message_id(body), outcome, attempt)
                self._dead[subscription.queue].append((body, reason))

    def dead_letters(self, queue_name: str) -> list[tuple[bytes, str]]:
        return list(self._dead.get(queue_name, []))

    def ping(self) -> None:
        return None

    def close(self) -> None:
        return None


def _message_id(body: bytes) -> str | None:
    """The event id, as RabbitMQ's message id would give it; None for a body that is not an event."""
    try:
        return json.loads(body).get("id")
    except (ValueError, AttributeError):
        return None
