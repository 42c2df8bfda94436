"""Deliveries to a real HTTP receiver in the test process, on both databases: signatures checked with the
standardwebhooks package, retries after a 500 and a timeout, order per endpoint, no duplicates on our side,
disabling after the retry window, no redirects followed, and the SSRF refusal outside development."""

import json
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from standardwebhooks import Webhook

from portal_webhooks.adapters.http import HttpSender
from portal_webhooks.bootstrap import SERVICE
from portal_webhooks.service_layer.handlers import send_due
from portalkit.testing import deliver, prepared_runtime, start_service, wait_for

from .receiver import Answer, Receiver

APP = "app-1"
# Tiny retry settings: a failed attempt is due again after 0.2 s, for at most 3 s.
FAST = {"development": True, "retry_pauses_seconds": ("0.2",), "retry_window_seconds": 3, "read_timeout_seconds": 0.5}


def grants(version: int) -> dict:
    pair = {"api": "leerlingen", "institution_number": "012345"}
    return {"application_id": APP, "grants_version": version, "grants": [pair], "added": [pair], "removed": []}


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def service(database_url, tokens, receiver):
    app, runtime = start_service(SERVICE, database_url, tokens, **FAST)
    deliver(
        runtime,
        "apps.application.requested",
        {
            "application_id": APP,
            "partner_id": "p1",
            "name": "Agenda Plus",
            "contact_email": "dev@agenda.example",
            "apis": ["leerlingen"],
            "requested_by": "u",
        },
    )
    client, auth = app.test_client(), {"Authorization": f"Bearer {tokens.partner_token('u1', 'p1')}"}
    created = client.post(
        f"/api/v1/webhooks/applications/{APP}/endpoints",
        json={"url": receiver.url, "event_types": ["grants.changed", "application.approved"]},
        headers=auth,
    )
    assert created.status_code == 201, created.json
    return client, runtime, auth, created.json


def send_until_settled(runtime, timeout: float = 10) -> None:
    """Run the sender as its loop would until nothing is pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        send_due(runtime.container)
        log = pending(runtime)
        if not log:
            return
        time.sleep(0.05)
    raise AssertionError(f"still pending: {log}")


def pending(runtime) -> list[str]:
    table = runtime.definition.metadata.tables["deliveries"]
    with runtime.database.session() as session:
        return list(session.scalars(sa.select(table.c.message_id).where(table.c.status == "pending")))


def deliveries(client, auth, endpoint_id) -> list[dict]:
    answer = client.get(f"/api/v1/webhooks/endpoints/{endpoint_id}/deliveries?page_size=50", headers=auth)
    assert answer.status_code == 200
    return answer.json


def test_a_delivery_arrives_signed_and_is_logged(service, receiver):
    client, runtime, auth, endpoint = service
    deliver(runtime, "scopes.grants.changed", grants(1))
    send_until_settled(runtime)
    [request] = receiver.received
    payload = Webhook(endpoint["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "grants.changed" and payload["data"]["grants_version"] == 1
    assert request.headers["content-type"] == "application/json" and request.path == "/hook"
    [logged] = deliveries(client, auth, endpoint["id"])
    assert logged["id"] == request.headers["webhook-id"]
    assert (logged["status"], logged["attempts"], logged["last_status_code"]) == ("delivered", 1, 200)
    assert logged["last_latency_ms"] >= 0 and logged["next_attempt_at"] is None
    detail = client.get(f"/api/v1/webhooks/endpoints/{endpoint['id']}/deliveries/{logged['id']}", headers=auth).json
    assert detail["body"].encode() == request.body
    assert [(a["number"], a["status_code"]) for a in detail["attempt_history"]] == [(1, 200)]


def test_a_500_and_a_timeout_are_retried_with_the_same_message(service, receiver):
    client, runtime, auth, endpoint = service
    receiver.script = [Answer(500), Answer(200, delay=1.5)]
    deliver(runtime, "scopes.grants.changed", grants(1))
    send_until_settled(runtime)
    assert len(receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    for request in receiver.received:
        Webhook(endpoint["secret"]).verify(request.body, request.headers)
    [logged] = deliveries(client, auth, endpoint["id"])
    detail = client.get(f"/api/v1/webhooks/endpoints/{endpoint['id']}/deliveries/{logged['id']}", headers=auth).json
    history = detail["attempt_history"]
    assert [a["status_code"] for a in history] == [500, None, 200]
    assert history[1]["error"].startswith("no answer within") and history[1]["latency_ms"] >= 400
    assert (logged["status"], logged["attempts"]) == ("delivered", 3)


def test_an_endpoint_gets_its_messages_in_order(service, receiver):
    _, runtime, _, _ = service
    receiver.script = [Answer(500), Answer(500)]
    for version in (1, 2, 3):
        deliver(runtime, "scopes.grants.changed", grants(version))
    send_until_settled(runtime)
    versions = [json.loads(r.body)["data"]["grants_version"] for r in receiver.received]
    assert versions == [1, 1, 1, 2, 3]


def test_an_event_heard_twice_is_delivered_once(service, receiver):
    _, runtime, _, _ = service
    event_id = str(uuid.uuid4())
    deliver(runtime, "scopes.grants.changed", grants(1), event_id=event_id)
    deliver(runtime, "scopes.grants.changed", grants(1), event_id=event_id)
    send_until_settled(runtime)
    send_due(runtime.container)
    assert len(receiver.received) == 1


def test_two_senders_send_each_delivery_once(service, receiver):
    _, runtime, _, _ = service
    for version in range(1, 6):
        deliver(runtime, "scopes.grants.changed", grants(version))
    senders = [threading.Thread(target=send_due, args=(runtime.container,)) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    send_until_settled(runtime)
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == 5 and len(set(ids)) == 5


def test_an_endpoint_failing_for_the_whole_window_is_disabled_and_announced(service, receiver):
    client, runtime, auth, endpoint = service
    receiver.script = [Answer(503)] * 100
    deliver(runtime, "scopes.grants.changed", grants(1))
    deadline = time.monotonic() + 10
    while pending(runtime) and time.monotonic() < deadline:
        send_due(runtime.container)
        time.sleep(0.05)
    shown = client.get(f"/api/v1/webhooks/endpoints/{endpoint['id']}", headers=auth).json
    assert (shown["enabled"], shown["disabled_reason"]) == (False, "failing")
    [logged] = deliveries(client, auth, endpoint["id"])
    assert logged["status"] == "failed" and logged["attempts"] >= 3 and logged["last_status_code"] == 503
    with runtime.database.session() as session:
        rows = session.execute(runtime.outbox.select().where(runtime.outbox.c.type == "webhooks.endpoint.disabled"))
        [row] = rows.all()
    assert json.loads(row.payload)["data"]["endpoint_id"] == endpoint["id"]
    deliver(runtime, "scopes.grants.changed", grants(2))  # nothing new for a disabled endpoint
    assert len(deliveries(client, auth, endpoint["id"])) == 1


def test_a_redirect_is_not_followed(service, receiver):
    client, runtime, auth, endpoint = service
    receiver.script = [Answer(302, headers={"Location": f"http://127.0.0.1:{receiver.port}/elsewhere"})]
    client.post(f"/api/v1/webhooks/endpoints/{endpoint['id']}/test", headers=auth)
    send_due(runtime.container)
    assert [r.path for r in receiver.received] == ["/hook"]
    [logged] = deliveries(client, auth, endpoint["id"])
    assert logged["last_status_code"] == 302 and "redirect" in logged["last_error"]


def test_test_events_and_redelivery_reach_the_receiver_with_one_id(service, receiver):
    client, runtime, auth, endpoint = service
    test = client.post(f"/api/v1/webhooks/endpoints/{endpoint['id']}/test", headers=auth)
    assert test.status_code == 202 and test.json["event_type"] == "webhook.test"
    send_until_settled(runtime)
    redeliver = f"/api/v1/webhooks/endpoints/{endpoint['id']}/deliveries/{test.json['id']}/redeliver"
    again = client.post(redeliver, headers=auth)
    assert again.status_code == 202 and again.json["status"] == "pending"
    send_until_settled(runtime)
    assert [r.headers["webhook-id"] for r in receiver.received] == [test.json["id"]] * 2
    assert json.loads(receiver.received[0].body)["type"] == "webhook.test"


def test_outside_development_private_addresses_are_refused_at_delivery(service, receiver, database_url):
    _, _, _, endpoint = service
    strict = prepared_runtime(SERVICE, database_url, development=False, retry_pauses_seconds=("0.2",))
    deliver(strict, "scopes.grants.changed", grants(1))
    send_due(strict.container)
    assert receiver.received == []
    with strict.unit_of_work() as uow:
        [delivery] = uow.deliveries.of_endpoint(endpoint["id"], None, 0, 10)[0]
    assert delivery.last_status_code is None and "refused" in delivery.last_error and "loopback" in delivery.last_error


def test_the_sender_refuses_loopback_names_and_addresses_outside_development(receiver):
    strict = HttpSender(development=False)
    for url in (receiver.url, f"http://localhost:{receiver.port}/hook", f"http://[::1]:{receiver.port}/hook"):
        response = strict.post(url, {}, b"{}")
        assert response.status_code is None and "refused" in response.error, url
    assert receiver.received == []


def test_the_background_sender_is_woken_by_a_new_delivery(service, receiver):
    _, runtime, _, _ = service
    stop = threading.Event()
    threads = runtime.start_background(stop)
    try:
        deliver(runtime, "scopes.grants.changed", grants(1))
        wait_for(lambda: receiver.received, timeout=10)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
    assert len(receiver.received) == 1
