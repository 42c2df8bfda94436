"""The events plumbing against the real RabbitMQ and PostgreSQL of this machine (or CI's)."""

import json
import shutil
import subprocess
import threading
import time

import pika
import pytest
import sqlalchemy as sa

from portalkit.events.consumer import EventConsumer
from portalkit.events.rabbitmq import RabbitTransport
from portalkit.events.transport import Subscription
from portalkit.testing import RUN, wait_for
from portalkit_demo import DEMO, metadata, notes, requested_event

pytestmark = [pytest.mark.integration, pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)]

SUBSCRIPTION = Subscription("demo", ("apps.application.*",), prefetch=10, max_attempts=3, retry_base_seconds=0.05)


@pytest.fixture
def rabbit(amqp_server):
    namespace = RUN.broker_namespace(amqp_server, "test", (SUBSCRIPTION.queue,))
    transport = RabbitTransport(amqp_server, namespace)
    try:
        transport.declare([SUBSCRIPTION])
        yield transport
    finally:
        transport.close()
        RUN.delete_broker_namespace(namespace)


@pytest.fixture
def runtime(database_url, rabbit):
    settings = DEMO.settings({}, database_url=database_url, relay_poll_seconds=0.05)
    current = DEMO.runtime(settings, transport=rabbit)
    metadata.create_all(current.database.engine)
    yield current
    current.database.dispose()


def count(runtime, table):
    with runtime.database.session() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table))


def publish_notes(runtime, ids):
    for note_id in ids:
        with runtime.unit_of_work() as uow:
            uow.session.execute(sa.insert(notes).values(id=note_id, text="x"))
            uow.publish(requested_event(note_id))
            uow.commit()


class Collector:
    """A consumer whose handler records what it saw in the demo database (via the inbox)."""

    def __init__(self, runtime, handler=None):
        self.runtime = runtime
        self.seen: list[str] = []
        self.lock = threading.Lock()

        def remember(uow, envelope):
            if handler:
                handler(envelope)
            uow.session.execute(sa.insert(notes).values(id="seen-" + envelope.data["application_id"], text="seen"))
            with self.lock:
                self.seen.append(envelope.data["application_id"])

        self.consumer = EventConsumer(
            runtime.unit_of_work, runtime.inbox, {"apps.application.requested": remember}, runtime.contracts
        )

    def run(self, transport, stop):
        thread = threading.Thread(target=transport.consume, args=(SUBSCRIPTION, self.consumer, stop), daemon=True)
        thread.start()
        return thread


def test_relay_publishes_with_confirms_and_the_consumer_commits_once(runtime, rabbit):
    publish_notes(runtime, [f"n{i}" for i in range(20)])
    assert runtime.relay().relay_once() == 20
    stop = threading.Event()
    collector = Collector(runtime)
    collector.run(rabbit, stop)
    try:
        assert wait_for(lambda: len(collector.seen) == 20)
    finally:
        stop.set()
    assert sorted(collector.seen) == sorted(f"n{i}" for i in range(20))
    assert count(runtime, runtime.inbox) == 20


# system: it stops the machine's RabbitMQ, which every other test run on the machine uses too.
@pytest.mark.system
@pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs rabbitmqctl to stop the broker")
def test_nothing_is_lost_while_the_broker_is_down(runtime, rabbit):
    stop = threading.Event()
    relay_thread = threading.Thread(target=runtime.relay().run, args=(stop,), daemon=True)
    relay_thread.start()
    collector = Collector(runtime)
    collector.run(rabbit, stop)
    try:
        publish_notes(runtime, ["before"])
        assert wait_for(lambda: collector.seen == ["before"])
        subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True)
        try:
            publish_notes(runtime, [f"during-{i}" for i in range(10)])  # the API keeps working
            time.sleep(1)
            with runtime.database.session() as session:
                unsent = session.scalar(
                    sa.select(sa.func.count()).select_from(runtime.outbox).where(runtime.outbox.c.sent_at.is_(None))
                )
            assert unsent == 10
        finally:
            subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True)
        publish_notes(runtime, ["after"])
        assert wait_for(lambda: len(collector.seen) == 12, timeout=60)
    finally:
        stop.set()
    assert sorted(collector.seen) == sorted(["before", "after", *[f"during-{i}" for i in range(10)]])
    assert len(set(collector.seen)) == 12


def test_a_redelivered_event_is_processed_once(runtime, rabbit):
    """The connection dies after the handler committed but before the ack: RabbitMQ delivers it again."""
    stop = threading.Event()
    collector = Collector(runtime)
    calls = []

    def crash_before_ack(body):
        outcome = collector.consumer(body)
        calls.append(outcome)
        if len(calls) == 1:
            rabbit._local.connection.close()  # noqa: SLF001 - simulate losing the connection before the ack
        return outcome

    rabbit.publish([requested_event("once")])
    thread = threading.Thread(target=rabbit.consume, args=(SUBSCRIPTION, crash_before_ack, stop), daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: len(calls) >= 2)
    finally:
        stop.set()
        thread.join()
    assert collector.seen == ["once"]
    assert count(runtime, runtime.inbox) == 1


def test_the_same_event_published_twice_is_processed_once(runtime, rabbit):
    event = requested_event("twice")
    rabbit.publish([event, event, requested_event("after")])  # one consumer handles them in this order
    stop = threading.Event()
    handled = []
    collector = Collector(runtime, lambda envelope: handled.append(envelope.data["application_id"]))
    collector.run(rabbit, stop)
    try:
        wait_for(lambda: "after" in collector.seen)
    finally:
        stop.set()
    assert handled == ["twice", "after"] and collector.seen == ["twice", "after"]


def test_poison_is_dead_lettered_and_does_not_block_the_queue(runtime, rabbit):
    rabbit.publish([requested_event("before")])
    channel = rabbit._channel()  # noqa: SLF001 - publish raw bytes no producer of ours would send
    channel.basic_publish(rabbit.exchange, "apps.application.requested", b"{not json")
    rabbit.publish([requested_event("after")])
    stop = threading.Event()
    collector = Collector(runtime)
    collector.run(rabbit, stop)
    try:
        assert wait_for(lambda: len(collector.seen) == 2)
    finally:
        stop.set()
    assert collector.seen == ["before", "after"]
    dead = rabbit.dead_letters("demo")
    assert dead == [(b"{not json", "rejected")]


def test_retries_wait_in_the_retry_queue_then_succeed(runtime, rabbit):
    failures = []

    def flaky(envelope):
        if len(failures) < 2:
            failures.append(time.monotonic())
            raise ConnectionError("downstream not ready")

    stop = threading.Event()
    collector = Collector(runtime, flaky)
    collector.run(rabbit, stop)
    rabbit.publish([requested_event("flaky")])
    try:
        assert wait_for(lambda: collector.seen == ["flaky"])
    finally:
        stop.set()
    assert len(failures) == 2
    assert failures[1] - failures[0] >= SUBSCRIPTION.retry_delay(1) * 0.9
    assert rabbit.dead_letters("demo") == []


def test_a_handler_that_keeps_failing_is_parked_with_its_reason(runtime, rabbit):
    attempts = []

    def broken(envelope):
        attempts.append(1)
        raise ValueError("bug")

    stop = threading.Event()
    Collector(runtime, broken).run(rabbit, stop)
    rabbit.publish([requested_event("doomed")])
    try:
        assert wait_for(lambda: len(attempts) >= SUBSCRIPTION.max_attempts and rabbit.dead_letters("demo"))
    finally:
        stop.set()
    [(body, reason)] = rabbit.dead_letters("demo")
    assert json.loads(body)["data"]["application_id"] == "doomed"
    assert reason == f"failed {SUBSCRIPTION.max_attempts} times"
    assert len(attempts) == SUBSCRIPTION.max_attempts


def test_competing_consumers_share_the_queue_and_handle_each_event_once(runtime, rabbit, amqp_server):
    second = RabbitTransport(amqp_server, rabbit.namespace)
    stop = threading.Event()
    first_collector, second_collector = Collector(runtime), Collector(runtime)
    first_collector.run(rabbit, stop)
    second_collector.run(second, stop)

    def consumers() -> int:
        connection = pika.BlockingConnection(pika.URLParameters(amqp_server))
        try:
            return connection.channel().queue_declare(rabbit.queue_name("demo"), passive=True).method.consumer_count
        finally:
            connection.close()

    assert wait_for(lambda: consumers() == 2)  # both listen before anything is published
    rabbit.publish([requested_event(f"c{i}") for i in range(60)])
    try:
        assert wait_for(lambda: len(first_collector.seen) + len(second_collector.seen) == 60)
    finally:
        stop.set()
    together = first_collector.seen + second_collector.seen
    assert sorted(together) == sorted(f"c{i}" for i in range(60))
    assert first_collector.seen and second_collector.seen
    assert count(runtime, runtime.inbox) == 60
