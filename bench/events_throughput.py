"""How fast the event plumbing is on real PostgreSQL and RabbitMQ: the numbers in README.md.

1. use case + outbox: the apps service's "request an application" (validation, row, outbox row, commit);
2. relay: outbox rows published with publisher confirms and marked sent;
3. consumer: deliveries taken from the quorum queue, inbox row + handler + commit + ack.

Run: ``make bench`` (servers from TEST_POSTGRES_URL / TEST_AMQP_URL, defaults this machine's).
It creates a throw-away database and broker namespace and removes both.
"""

from __future__ import annotations

import os
import threading
import time

from benchstack import machine

from portal_apps.bootstrap import SERVICE
from portal_apps.service_layer.handlers import request_application
from portalkit.events.consumer import EventConsumer
from portalkit.events.rabbitmq import RabbitTransport
from portalkit.events.transport import Subscription
from portalkit.testing import DEFAULT_AMQP, DEFAULT_POSTGRES, RUN, PostgresDatabases

EVENTS = int(os.environ.get("BENCH_EVENTS", 3000))


def main() -> None:
    postgres = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    amqp = os.environ.get("TEST_AMQP_URL", DEFAULT_AMQP)
    databases = PostgresDatabases(postgres)
    subscription = Subscription("bench", ("apps.application.requested",), prefetch=200)
    namespace = RUN.broker_namespace(amqp, "bench", (subscription.queue,))
    transport = RabbitTransport(amqp, namespace)
    try:
        settings = SERVICE.settings({}, database_url=databases.create("bench"), validate_events=True)
        runtime = SERVICE.runtime(settings, transport)
        runtime.migrate()
        transport.declare([subscription])

        started = time.perf_counter()
        for index in range(EVENTS):
            request_application(
                runtime.unit_of_work,
                partner_id="p",
                requested_by="u",
                known_apis=settings.apis,
                name=f"App {index}",
                description="d",
                technical_contact="c",
                contact_email="dev@example.org",
                apis=["leerlingen"],
            )
        write_rate = EVENTS / (time.perf_counter() - started)

        relay = runtime.relay()
        started = time.perf_counter()
        while relay.relay_once():
            pass
        relay_rate = EVENTS / (time.perf_counter() - started)

        handled = []
        done = threading.Event()

        def count(uow, envelope):
            handled.append(envelope.id)
            if len(handled) == EVENTS:
                done.set()

        consumer = EventConsumer(
            runtime.unit_of_work, runtime.inbox, {"apps.application.requested": count}, runtime.contracts
        )
        stop = threading.Event()
        started = time.perf_counter()
        thread = threading.Thread(target=transport.consume, args=(subscription, consumer, stop), daemon=True)
        thread.start()
        done.wait(300)
        consume_rate = len(handled) / (time.perf_counter() - started)
        stop.set()
        thread.join()
        runtime.database.dispose()

        print(f"machine: {machine()}")
        print(f"events: {EVENTS}, PostgreSQL + RabbitMQ (quorum queue) on this machine")
        print(f"use case + outbox commit : {write_rate:8.0f} /s (one thread)")
        print(f"relay (publisher confirms): {relay_rate:8.0f} /s (one relay, batches of {settings.relay_batch_size})")
        print(f"consumer (inbox + commit) : {consume_rate:8.0f} /s (one consumer, prefetch {subscription.prefetch})")
    finally:
        transport.close()
        RUN.delete_broker_namespace(namespace)
        databases.drop_all()
        if RUN.leftovers():
            raise SystemExit(f"left behind: {', '.join(RUN.leftovers())}")


if __name__ == "__main__":
    main()
