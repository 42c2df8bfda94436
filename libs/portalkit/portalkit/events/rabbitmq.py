"""RabbitMQ transport (pika): publisher confirms, quorum queues, delayed retries, dead letters.

Topology, all durable, every name under a namespace (``portal`` unless configured, so that test runs and
a running stack can share one broker without meeting):
- ``<ns>.events``: the topic exchange every event is published to, routing key = event type;
- ``<ns>.<service>``: one quorum queue per consuming service, shared by its replicas (competing consumers);
- ``<ns>.<service>.retry``: where a failed message waits out its back-off (per-message TTL), then returns
  to ``<ns>.<service>`` through the default exchange;
- ``<ns>.events.dead`` (direct) and ``<ns>.<service>.dead``: where poison messages are parked, with the
  reason in a header.

pika connections are not thread-safe: each thread gets its own connection.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Sequence

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError

from portalkit.backoff import back_off
from portalkit.events.envelope import Envelope
from portalkit.events.transport import Handle, Outcome, Subscription, park

log = logging.getLogger("portalkit.rabbitmq")

ATTEMPT_HEADER = "x-portal-attempt"
REASON_HEADER = "x-portal-dead-reason"


def _persistent(message_id: str, event_type: str, headers=None, expiration: str | None = None):
    return pika.BasicProperties(
        content_type="application/json",
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=message_id,
        type=event_type,
        headers=headers,
        expiration=expiration,
    )


class RabbitTransport:
    def __init__(self, url: str, namespace: str = "portal"):
        self._parameters = pika.URLParameters(url)
        self._parameters.connection_attempts = 1
        self._parameters.socket_timeout = 5
        self._parameters.blocked_connection_timeout = 30
        self._parameters.heartbeat = 30
        self.namespace = namespace
        self.exchange = f"{namespace}.events"
        self.dead_exchange = f"{namespace}.events.dead"
        self._local = threading.local()
        self._declared: list[Subscription] = []

    # -- connections -------------------------------------------------------------------------------
    def _channel(self) -> BlockingChannel:
        channel = getattr(self._local, "channel", None)
        if channel is not None and channel.is_open:
            return channel
        self._drop_connection()
        connection = pika.BlockingConnection(self._parameters)
        channel = connection.channel()
        channel.confirm_delivery()
        self._declare_on(channel, self._declared)
        self._local.connection, self._local.channel = connection, channel
        return channel

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = self._local.channel = None
        if connection is not None and connection.is_open:
            with contextlib.suppress(AMQPError):  # already broken: nothing left to close cleanly
                connection.close()

    # -- topology ------------------------------------------------------------------------------------
    def queue_name(self, service: str) -> str:
        return f"{self.namespace}.{service}"

    def _declare_on(self, channel: BlockingChannel, subscriptions: Sequence[Subscription]) -> None:
        channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
        channel.exchange_declare(self.dead_exchange, exchange_type="direct", durable=True)
        for subscription in subscriptions:
            name = self.queue_name(subscription.queue)
            channel.queue_declare(name, durable=True, arguments={"x-queue-type": "quorum"})
            channel.queue_declare(
                f"{name}.retry",
                durable=True,
                arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": name},
            )
            channel.queue_declare(f"{name}.dead", durable=True, arguments={"x-queue-type": "quorum"})
            channel.queue_bind(f"{name}.dead", self.dead_exchange, routing_key=subscription.queue)
            for binding in subscription.bindings:
                channel.queue_bind(name, self.exchange, routing_key=binding)

    def declare(self, subscriptions: Sequence[Subscription]) -> None:
        known = {s.queue: s for s in self._declared}
        known.update({s.queue: s for s in subscriptions})
        self._declared = list(known.values())
        try:
            self._declare_on(self._channel(), subscriptions)
        except AMQPError:
            self._drop_connection()
            raise

    # -- publishing ----------------------------------------------------------------------------------
    def publish(self, envelopes: Sequence[Envelope]) -> None:
        try:
            channel = self._channel()
            for envelope in envelopes:
                # With confirms on, basic_publish returns once the broker has the message on disk
                # (quorum queues: on a majority) and raises NackError otherwise.
                channel.basic_publish(
                    self.exchange,
                    envelope.routing_key,
                    envelope.to_json(),
                    _persistent(envelope.id, envelope.type),
                )
        except AMQPError:
            self._drop_connection()
            raise

    # -- consuming -----------------------------------------------------------------------------------
    def consume(self, subscription: Subscription, handle: Handle, stop: threading.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                self.declare([subscription])
                channel = self._channel()
                channel.basic_qos(prefetch_count=subscription.prefetch)
                channel.basic_consume(
                    self.queue_name(subscription.queue),
                    lambda ch, method, properties, body: self._deliver(
                        ch, method, properties, body, subscription, handle
                    ),
                )
                failures = 0
                while not stop.is_set():
                    channel.connection.process_data_events(time_limit=0.5)
            except AMQPError as error:
                failures += 1
                delay = back_off(failures, 0.5, 15)
                log.warning("consumer %s lost the broker (%s); again in %.1fs", subscription.queue, error, delay)
                self._drop_connection()
                stop.wait(delay)
        self._drop_connection()

    def _deliver(self, channel, method, properties, body, subscription: Subscription, handle: Handle):
        attempt = int((properties.headers or {}).get(ATTEMPT_HEADER, 1))
        outcome = handle(body)
        if outcome is Outcome.RETRY and attempt < subscription.max_attempts:
            delay_ms = int(subscription.retry_delay(attempt) * 1000)
            channel.basic_publish(
                "",
                f"{self.queue_name(subscription.queue)}.retry",
                body,
                _persistent(properties.message_id, properties.type, {ATTEMPT_HEADER: attempt + 1}, str(delay_ms)),
            )
        elif outcome is not Outcome.ACK:
            reason = park(subscription.queue, properties.message_id, outcome, attempt)
            channel.basic_publish(
                self.dead_exchange,
                subscription.queue,
                body,
                _persistent(properties.message_id, properties.type, {ATTEMPT_HEADER: attempt, REASON_HEADER: reason}),
            )
        # Acknowledge only after the handler committed, or after the copy for later is confirmed.
        channel.basic_ack(method.delivery_tag)

    # -- operations ----------------------------------------------------------------------------------
    def dead_letters(self, queue: str) -> list[tuple[bytes, str]]:
        """Peek at the dead-letter queue: read everything, then put it back (nack + requeue)."""
        channel = self._channel()
        found, tags = [], []
        while True:
            method, properties, body = channel.basic_get(f"{self.queue_name(queue)}.dead", auto_ack=False)
            if method is None:
                break
            found.append((body, (properties.headers or {}).get(REASON_HEADER, "")))
            tags.append(method.delivery_tag)
        if tags:
            channel.basic_nack(tags[-1], multiple=True, requeue=True)
        return found

    def ping(self) -> None:
        pika.BlockingConnection(self._parameters).close()

    def close(self) -> None:
        self._drop_connection()
