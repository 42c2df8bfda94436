"""The webhooks use cases and event handlers against the unit of work in memory: ownership, the secret shown
once and sealed, rotation, recording exactly once, sending in order, retries and disabling."""

import datetime as dt
import json
import uuid

import pytest
from standardwebhooks import Webhook

from portal_webhooks.adapters.http import Response
from portal_webhooks.domain.addresses import InvalidEndpoint
from portal_webhooks.domain.deliveries import RetryPolicy
from portal_webhooks.domain.endpoints import Application, EndpointDisabledError, TooManyEndpoints
from portal_webhooks.service_layer import events, handlers
from portalkit.events.envelope import Envelope

from .fakes import FakeSender, FakeWebhooksUnitOfWork, fake_webhooks

URL = "https://hooks.agenda.example/portal"
GRANTS = {
    "application_id": "app-1",
    "grants_version": 1,
    "grants": [{"api": "leerlingen", "institution_number": "012345"}],
    "added": [{"api": "leerlingen", "institution_number": "012345"}],
    "removed": [],
}


@pytest.fixture
def uow() -> FakeWebhooksUnitOfWork:
    store = FakeWebhooksUnitOfWork()
    store.applications.keep(Application("app-1", "p1", "Agenda Plus"))
    store.applications.keep(Application("app-2", "p2", "Rooster"))
    return store


def envelope(event_type: str, data: dict, event_id: str | None = None) -> Envelope:
    return Envelope(event_id or str(uuid.uuid4()), event_type, "2026-12-07T10:00:00Z", 1, data)


def create(webhooks, types=("grants.changed",), application_id="app-1", partner_id="p1"):
    return handlers.create_endpoint(webhooks, partner_id, application_id, URL, "", list(types))


def hear(webhooks, uow, event_type: str, data: dict, event_id: str | None = None) -> None:
    events.bound_to(webhooks)[event_type](uow, envelope(event_type, data, event_id))


# -- endpoints ------------------------------------------------------------------------------------
def test_a_new_endpoint_keeps_its_secret_sealed_and_answers_it_once(uow):
    webhooks = fake_webhooks(uow)
    revealed = create(webhooks)
    stored = uow.endpoints.stored[revealed.endpoint.id]
    assert revealed.secret.startswith("whsec_") and revealed.secret not in stored.sealed_secret
    assert webhooks.secrets.open(stored.sealed_secret) == revealed.secret
    assert (stored.partner_id, stored.application_id, stored.enabled) == ("p1", "app-1", True)


def test_a_partner_cannot_touch_another_partners_application_or_endpoint(uow):
    webhooks = fake_webhooks(uow)
    endpoint_id = create(webhooks).endpoint.id
    with pytest.raises(handlers.NotFound):
        create(webhooks, partner_id="p2")
    with pytest.raises(handlers.NotFound):
        handlers.endpoints_of(uow, "p2", "app-1")
    for attempt in (
        lambda: handlers.endpoint(uow, "p2", endpoint_id),
        lambda: handlers.change_endpoint(webhooks, "p2", endpoint_id, {"enabled": False}),
        lambda: handlers.rotate_secret(webhooks, "p2", endpoint_id),
        lambda: handlers.send_test(webhooks, "p2", endpoint_id),
        lambda: handlers.delete_endpoint(uow, "p2", endpoint_id),
        lambda: handlers.deliveries_of(uow, "p2", endpoint_id, None, 0, 10),
    ):
        with pytest.raises(handlers.NotFound):
            attempt()
    assert handlers.endpoints_of(uow, "p2", "app-2") == []
    assert uow.endpoints.stored[endpoint_id].enabled


def test_an_unknown_application_is_not_found(uow):
    with pytest.raises(handlers.NotFound):
        create(fake_webhooks(uow), application_id="app-unknown")


def test_rules_of_the_url_and_types_are_checked_on_create_and_change(uow):
    webhooks = fake_webhooks(uow)
    with pytest.raises(InvalidEndpoint):
        handlers.create_endpoint(webhooks, "p1", "app-1", "http://hooks.agenda.example/", "", ["grants.changed"])
    endpoint_id = create(webhooks).endpoint.id
    with pytest.raises(InvalidEndpoint) as invalid:
        handlers.change_endpoint(webhooks, "p1", endpoint_id, {"event_types": []})
    assert invalid.value.violations[0][:2] == ("event_types", "endpoint.no_event_types")


def test_an_application_has_at_most_ten_endpoints(uow):
    webhooks = fake_webhooks(uow)
    for _ in range(10):
        create(webhooks)
    with pytest.raises(TooManyEndpoints):
        create(webhooks)


def test_rotation_keeps_the_old_secret_signing_for_the_overlap_only(uow):
    webhooks = fake_webhooks(uow)
    first = create(webhooks)
    second = handlers.rotate_secret(webhooks, "p1", first.endpoint.id)
    endpoint = uow.endpoints.stored[first.endpoint.id]
    now = endpoint.secret_rotated_at
    opened = [webhooks.secrets.open(s) for s in endpoint.signing_secrets(now)]
    assert opened == [second.secret, first.secret]
    later = now + dt.timedelta(hours=24)
    assert [webhooks.secrets.open(s) for s in endpoint.signing_secrets(later)] == [second.secret]
    third = handlers.rotate_secret(webhooks, "p1", first.endpoint.id)
    assert [webhooks.secrets.open(s) for s in endpoint.signing_secrets(now)] == [third.secret, second.secret]


# -- recording --------------------------------------------------------------------------------------
def test_an_event_is_recorded_once_per_endpoint_that_wants_it(uow):
    webhooks = fake_webhooks(uow)
    wanting = create(webhooks, ["grants.changed"]).endpoint.id
    create(webhooks, ["application.approved"])
    create(webhooks, ["grants.changed"], application_id="app-2", partner_id="p2")
    event_id = str(uuid.uuid4())
    hear(webhooks, uow, "scopes.grants.changed", GRANTS, event_id)
    hear(webhooks, uow, "scopes.grants.changed", GRANTS, event_id)  # the same event again: nothing new
    [delivery] = uow.deliveries.stored.values()
    assert (delivery.endpoint_id, delivery.event_type, delivery.event_id) == (wanting, "grants.changed", event_id)
    assert json.loads(delivery.body)["data"]["added"] == [{"institution_number": "012345", "api": "leerlingen"}]
    assert webhooks.new_deliveries.announced == [event_id]


def test_a_disabled_endpoint_gets_no_new_deliveries(uow):
    webhooks = fake_webhooks(uow)
    endpoint_id = create(webhooks).endpoint.id
    handlers.change_endpoint(webhooks, "p1", endpoint_id, {"enabled": False})
    hear(webhooks, uow, "scopes.grants.changed", GRANTS)
    assert uow.deliveries.stored == {}


def test_application_events_teach_whose_application_it_is(uow):
    webhooks = fake_webhooks(uow)
    data = {
        "application_id": "app-9",
        "partner_id": "p9",
        "name": "Nieuw",
        "contact_email": "x@y.example",
        "apis": ["leerlingen"],
        "requested_by": "u",
    }
    hear(webhooks, uow, "apps.application.requested", data)
    assert uow.applications.get("app-9") == Application("app-9", "p9", "Nieuw")
    create(webhooks, application_id="app-9", partner_id="p9")


# -- sending --------------------------------------------------------------------------------------
def test_a_due_delivery_is_sent_signed_and_recorded(uow):
    sender = FakeSender()
    webhooks = fake_webhooks(uow, sender)
    secret = create(webhooks).secret
    hear(webhooks, uow, "scopes.grants.changed", GRANTS)
    assert handlers.send_due(webhooks) == 1
    [(url, headers, body)] = sender.requests
    assert url == URL and Webhook(secret).verify(body, headers)["type"] == "grants.changed"
    [delivery] = uow.deliveries.stored.values()
    assert headers["webhook-id"] == delivery.message_id
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert [a.status_code for a in uow.deliveries.attempts] == [200]
    assert handlers.send_due(webhooks) == 0


def test_a_failure_is_retried_later_with_the_same_id_and_body(uow):
    sender = FakeSender([Response(500, 10, "HTTP 500", "oops")])
    webhooks = fake_webhooks(uow, sender, retry_policy=RetryPolicy((0,), dt.timedelta(hours=1)))
    create(webhooks)
    hear(webhooks, uow, "scopes.grants.changed", GRANTS)
    assert handlers.send_due(webhooks) == 1  # the retry is due after this round started: not now
    [delivery] = uow.deliveries.stored.values()
    assert (delivery.status, delivery.last_error) == ("pending", "HTTP 500")
    handlers.send_due(webhooks)
    assert delivery.status == "delivered" and delivery.attempts == 2
    (_, first, first_body), (_, second, second_body) = sender.requests
    assert first["webhook-id"] == second["webhook-id"] and first_body == second_body
    assert [a.error for a in uow.deliveries.attempts_of(delivery)] == ["HTTP 500", None]


def test_an_endpoint_gets_its_messages_in_order(uow):
    sender = FakeSender([Response(500, 10, "HTTP 500", None)])
    webhooks = fake_webhooks(uow, sender, retry_policy=RetryPolicy((0,), dt.timedelta(hours=1)))
    create(webhooks)
    for version in (1, 2, 3):
        hear(webhooks, uow, "scopes.grants.changed", {**GRANTS, "grants_version": version})
    handlers.send_due(webhooks)  # the first fails: the others wait behind it
    assert len(sender.requests) == 1
    while handlers.send_due(webhooks):
        pass
    versions = [json.loads(body)["data"]["grants_version"] for _, _, body in sender.requests]
    assert versions == [1, 1, 2, 3]


def test_endpoints_do_not_wait_for_each_other(uow):
    sender = FakeSender([Response(None, 5000, "no answer within 5 s", None)])
    webhooks = fake_webhooks(uow, sender, retry_policy=RetryPolicy((60,), dt.timedelta(hours=1)))
    slow = create(webhooks).endpoint.id
    fast = create(webhooks).endpoint.id
    hear(webhooks, uow, "scopes.grants.changed", GRANTS)
    handlers.send_due(webhooks)
    by_endpoint = {d.endpoint_id: d.status for d in uow.deliveries.stored.values()}
    assert by_endpoint == {slow: "pending", fast: "delivered"}


def test_after_the_window_the_delivery_fails_and_the_endpoint_is_disabled_once(uow):
    sender = FakeSender([Response(503, 10, "HTTP 503", None)])
    webhooks = fake_webhooks(uow, sender, retry_policy=RetryPolicy((0,), dt.timedelta(0)))
    endpoint_id = create(webhooks).endpoint.id
    hear(webhooks, uow, "scopes.grants.changed", GRANTS)
    hear(webhooks, uow, "scopes.grants.changed", {**GRANTS, "grants_version": 2})
    handlers.send_due(webhooks)
    endpoint = uow.endpoints.stored[endpoint_id]
    statuses = sorted(d.status for d in uow.deliveries.stored.values())
    assert (endpoint.enabled, endpoint.disabled_reason, statuses) == (False, "failing", ["failed", "pending"])
    [disabled] = uow.events("webhooks.endpoint.disabled")
    assert (disabled["endpoint_id"], disabled["application_id"], disabled["partner_id"]) == (endpoint_id, "app-1", "p1")
    assert disabled["last_error"] == "HTTP 503"
    assert handlers.send_due(webhooks) == 0  # the waiting one stays until the partner enables it again
    handlers.change_endpoint(webhooks, "p1", endpoint_id, {"enabled": True})
    handlers.send_due(webhooks)
    assert sorted(d.status for d in uow.deliveries.stored.values()) == ["delivered", "failed"]


def test_redeliver_and_test_events(uow):
    sender = FakeSender()
    webhooks = fake_webhooks(uow, sender)
    endpoint_id = create(webhooks).endpoint.id
    test = handlers.send_test(webhooks, "p1", endpoint_id)
    handlers.send_due(webhooks)
    again = handlers.redeliver(webhooks, "p1", endpoint_id, test.message_id)
    assert again.status == "pending"
    handlers.send_due(webhooks)
    ids = [headers["webhook-id"] for _, headers, _ in sender.requests]
    assert ids == [test.message_id, test.message_id]
    assert json.loads(sender.requests[0][2])["type"] == "webhook.test"
    detail = handlers.delivery(uow, "p1", endpoint_id, test.message_id)
    assert [a.number for a in detail.attempts] == [1, 2] and detail.delivery.status == "delivered"
    with pytest.raises(handlers.NotFound):
        handlers.redeliver(webhooks, "p1", endpoint_id, "msg_unknown")
    handlers.change_endpoint(webhooks, "p1", endpoint_id, {"enabled": False})
    with pytest.raises(EndpointDisabledError):
        handlers.redeliver(webhooks, "p1", endpoint_id, test.message_id)


def test_deleting_an_endpoint_drops_its_log(uow):
    webhooks = fake_webhooks(uow)
    endpoint_id = create(webhooks).endpoint.id
    hear(webhooks, uow, "scopes.grants.changed", GRANTS)
    handlers.delete_endpoint(uow, "p1", endpoint_id)
    assert uow.endpoints.stored == {} and uow.deliveries.stored == {}


def test_a_secret_that_cannot_be_opened_fails_its_own_delivery_only(uow):
    sender = FakeSender()
    webhooks = fake_webhooks(uow, sender)
    broken = create(webhooks).endpoint.id
    hear(webhooks, uow, "scopes.grants.changed", GRANTS)
    webhooks.secrets.lost = True
    handlers.send_due(webhooks)
    [delivery] = uow.deliveries.stored.values()
    assert delivery.endpoint_id == broken and delivery.status == "pending" and "not configured" in delivery.last_error
    assert sender.requests == []  # nothing unsigned ever leaves
