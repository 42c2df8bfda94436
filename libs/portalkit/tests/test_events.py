"""Outbox, relay, inbox and retries on both databases, through the in-process transport."""

import json
import logging
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from portalkit.events.consumer import EventConsumer
from portalkit.events.transport import Outcome, Subscription
from portalkit_demo import notes, requested_event

SUBSCRIPTION = Subscription("demo", ("apps.application.*",), max_attempts=3, retry_base_seconds=0.01)


def unsent(runtime):
    with runtime.database.session() as session:
        return session.scalar(
            sa.select(sa.func.count()).select_from(runtime.outbox).where(runtime.outbox.c.sent_at.is_(None))
        )


def count(runtime, table):
    with runtime.database.session() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table))


def test_state_and_event_commit_together(demo_runtime):
    with demo_runtime.unit_of_work() as uow:
        uow.session.execute(sa.insert(notes).values(id="n1", text="kept"))
        uow.publish(requested_event("n1"))
        uow.commit()
    assert count(demo_runtime, notes) == 1
    assert unsent(demo_runtime) == 1


def test_state_and_event_roll_back_together(demo_runtime):
    with pytest.raises(RuntimeError), demo_runtime.unit_of_work() as uow:
        uow.session.execute(sa.insert(notes).values(id="n1", text="lost"))
        uow.publish(requested_event("n1"))
        raise RuntimeError("the change fails after the event was written")
    assert count(demo_runtime, notes) == 0
    assert count(demo_runtime, demo_runtime.outbox) == 0


def test_uncommitted_work_is_rolled_back_on_exit(demo_runtime):
    with demo_runtime.unit_of_work() as uow:
        uow.publish(requested_event("n1"))
    assert count(demo_runtime, demo_runtime.outbox) == 0


def test_an_event_breaking_its_contract_never_enters_the_outbox(demo_runtime):
    from portalkit.events.contracts import ContractViolation

    bad = requested_event("n1")
    bad.data["apis"] = []
    with pytest.raises(ContractViolation), demo_runtime.unit_of_work() as uow:
        uow.publish(bad)


def test_relay_publishes_in_order_and_marks_sent(demo_runtime):
    received = []
    demo_runtime.transport.declare([SUBSCRIPTION])
    for index in range(5):
        with demo_runtime.unit_of_work() as uow:
            uow.publish(requested_event(f"n{index}"))
            uow.commit()
    assert demo_runtime.relay().relay_once() == 5
    assert unsent(demo_runtime) == 0
    stop = threading.Event()

    def record(body):
        received.append(json.loads(body)["data"]["application_id"])
        if len(received) == 5:
            stop.set()
        return Outcome.ACK

    demo_runtime.transport.consume(SUBSCRIPTION, record, stop)
    assert received == [f"n{index}" for index in range(5)]


def test_a_failing_broker_keeps_the_events(demo_runtime):
    class DownBroker:
        def publish(self, envelopes):
            raise ConnectionError("broker down")

    with demo_runtime.unit_of_work() as uow:
        uow.publish(requested_event("n1"))
        uow.commit()
    relay = demo_runtime.relay()
    relay.transport = DownBroker()
    with pytest.raises(ConnectionError):
        relay.relay_once()
    assert unsent(demo_runtime) == 1


def consumer_of(runtime, handler):
    return EventConsumer(
        runtime.unit_of_work, runtime.inbox, {"apps.application.requested": handler}, runtime.contracts
    )


def test_a_redelivered_event_is_handled_once(demo_runtime):
    def remember(uow, envelope):
        uow.session.execute(sa.insert(notes).values(id=envelope.data["application_id"], text="seen"))

    consumer = consumer_of(demo_runtime, remember)
    body = requested_event("n1").to_json()
    assert consumer(body) is Outcome.ACK
    assert consumer(body) is Outcome.ACK
    assert count(demo_runtime, notes) == 1
    assert count(demo_runtime, demo_runtime.inbox) == 1


def test_a_failing_handler_leaves_no_trace_and_asks_for_a_retry(demo_runtime):
    def half_done(uow, envelope):
        uow.session.execute(sa.insert(notes).values(id="partial", text="x"))
        raise RuntimeError("downstream failed")

    assert consumer_of(demo_runtime, half_done)(requested_event("n1").to_json()) is Outcome.RETRY
    assert count(demo_runtime, notes) == 0
    assert count(demo_runtime, demo_runtime.inbox) == 0


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"id": "x"}', json.dumps({**requested_event("n1").as_dict(), "data": {}}).encode()],
    ids=["not-json", "no-envelope", "breaks-contract"],
)
def test_poison_messages_go_straight_to_the_dead_letters(demo_runtime, body):
    assert consumer_of(demo_runtime, lambda uow, envelope: None)(body) is Outcome.DEAD


def test_events_without_a_handler_are_acknowledged(demo_runtime):
    consumer = EventConsumer(demo_runtime.unit_of_work, demo_runtime.inbox, {}, demo_runtime.contracts)
    assert consumer(requested_event("n1").to_json()) is Outcome.ACK


def run_consumer_until(runtime, consumer, condition, timeout=5.0):
    stop = threading.Event()
    thread = threading.Thread(target=runtime.transport.consume, args=(SUBSCRIPTION, consumer, stop), daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join()


def warnings_and_errors(caplog):
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]


def test_transient_failures_are_retried_until_they_pass(demo_runtime, caplog):
    attempts = []

    def flaky(uow, envelope):
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("not yet")
        uow.session.execute(sa.insert(notes).values(id="n1", text="done"))

    demo_runtime.transport.declare([SUBSCRIPTION])
    demo_runtime.transport.publish([requested_event("n1")])
    run_consumer_until(demo_runtime, consumer_of(demo_runtime, flaky), lambda: count(demo_runtime, notes) == 1)
    assert len(attempts) == 3
    assert demo_runtime.transport.dead_letters("demo") == []
    logged = warnings_and_errors(caplog)
    assert [level for level, _ in logged] == ["WARNING", "WARNING"]  # retries: warnings with the reason
    assert all("ConnectionError: not yet" in message for _, message in logged)


def test_a_handler_that_always_fails_is_parked_after_max_attempts(demo_runtime, caplog):
    attempts = []

    def broken(uow, envelope):
        attempts.append(1)
        raise ValueError("bug")

    demo_runtime.transport.declare([SUBSCRIPTION])
    demo_runtime.transport.publish([requested_event("n1")])
    run_consumer_until(
        demo_runtime, consumer_of(demo_runtime, broken), lambda: demo_runtime.transport.dead_letters("demo")
    )
    assert len(attempts) == SUBSCRIPTION.max_attempts
    [(body, reason)] = demo_runtime.transport.dead_letters("demo")
    assert json.loads(body)["data"]["application_id"] == "n1"
    assert reason == "failed 3 times"
    logged = warnings_and_errors(caplog)
    assert [level for level, _ in logged] == ["WARNING"] * 3 + ["ERROR"]  # only the parking is an error
    assert "ValueError: bug" in logged[0][1] and "failed 3 times" in logged[-1][1]


def test_the_whole_loop_through_the_background_threads(demo_runtime):
    """An HTTP write, the relay thread and a consumer: the event arrives without anyone calling the relay."""
    demo_runtime.transport.declare([SUBSCRIPTION])
    stop = threading.Event()
    demo_runtime.start_background(stop)
    seen = []
    try:
        with demo_runtime.unit_of_work() as uow:
            uow.publish(requested_event("n1"))
            uow.commit()
        run_consumer_until(demo_runtime, lambda body: seen.append(body) or Outcome.ACK, lambda: seen)
    finally:
        stop.set()
    assert len(seen) == 1
    assert unsent(demo_runtime) == 0


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_commit_in_another_process_wakes_the_relay_at_once(database_url):
    """The web process commits; the worker's relay, polling only every 30 s, publishes within a second."""
    from portalkit_demo import DEMO, metadata

    broker = f"memory://{uuid.uuid4().hex}"
    worker = DEMO.runtime(DEMO.settings({}, database_url=database_url, broker_url=broker, relay_poll_seconds=30))
    web = DEMO.runtime(DEMO.settings({}, database_url=database_url, broker_url=broker))
    metadata.create_all(worker.database.engine)
    worker.transport.declare([SUBSCRIPTION])
    stop = threading.Event()
    worker.start_background(stop)
    seen = []

    def commit_and_receive(note_id: str) -> None:
        with web.unit_of_work() as uow:
            uow.publish(requested_event(note_id))
            uow.commit()
        count = len(seen) + 1
        run_consumer_until(worker, lambda body: seen.append(body) or Outcome.ACK, lambda: len(seen) == count, 10)

    try:
        assert worker.outbox_feed.listening.wait(10)
        commit_and_receive("n1")  # relayed by the first round or a wake-up: the relay now waits up to 30 s
        started = time.monotonic()
        commit_and_receive("n2")
        assert len(seen) == 2 and time.monotonic() - started < 5  # the relay slept for 30 s otherwise
    finally:
        stop.set()
        worker.close()
        web.close()
