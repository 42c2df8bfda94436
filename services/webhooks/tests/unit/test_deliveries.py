"""A delivery's retries: the back-off schedule, the 24-hour window, and a redelivery's fresh window."""

import datetime as dt

from portal_webhooks.domain.deliveries import Delivery, DeliveryStatus, RetryPolicy

T0 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
DEFAULT = RetryPolicy()


def delivery() -> Delivery:
    found = Delivery.of("e-1", "app-1", "ev-1", "grants.changed", "{}", T0)
    found.id = 1
    return found


def fail(found: Delivery, at: dt.datetime, policy: RetryPolicy = DEFAULT) -> bool:
    return found.record(found.attempt(at, 500, 30, "HTTP 500"), policy)


def test_the_default_schedule_backs_off_from_seconds_to_hours():
    pauses = [(DEFAULT.next_attempt(n, T0, T0) - T0).total_seconds() for n in range(1, 8)]
    assert pauses == [5, 300, 1800, 7200, 18000, 36000, 36000]


def test_a_failing_delivery_is_retried_until_24_hours_after_its_first_attempt_then_fails():
    found, now, attempts = delivery(), T0, 0
    while True:
        attempts += 1
        if fail(found, now):
            break
        assert found.status == DeliveryStatus.PENDING and found.next_attempt_at > now
        now = found.next_attempt_at
    assert found.status == DeliveryStatus.FAILED and found.next_attempt_at is None
    assert now == T0 + dt.timedelta(hours=24)  # the last pause is cut to end at the window exactly
    assert found.attempts == attempts == 8  # 0 s, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then at 24 h
    assert found.first_attempt_at == T0


def test_success_ends_the_retries_and_keeps_the_figures():
    found = delivery()
    fail(found, T0)
    found.record(found.attempt(T0 + dt.timedelta(seconds=5), 204, 42, None), DEFAULT)
    assert (found.status, found.attempts, found.last_status_code, found.last_latency_ms) == ("delivered", 2, 204, 42)
    assert found.delivered_at == T0 + dt.timedelta(seconds=5) and found.next_attempt_at is None


def test_a_redirect_is_a_failure():
    found = delivery()
    assert found.attempt(T0, 301, 3, "HTTP 301").succeeded is False
    assert found.attempt(T0, 299, 3, None).succeeded is True


def test_a_redelivery_sends_the_same_message_with_a_fresh_window():
    found = delivery()
    message_id, body = found.message_id, found.body
    fail(found, T0, RetryPolicy((1,), dt.timedelta(seconds=0)))
    assert found.status == DeliveryStatus.FAILED
    later = T0 + dt.timedelta(days=3)
    found.redeliver(later)
    assert (found.status, found.next_attempt_at, found.first_attempt_at) == ("pending", later, None)
    assert not fail(found, later)  # a new window: retried, not failed at once
    assert found.first_attempt_at == later and found.attempts == 2
    assert (found.message_id, found.body) == (message_id, body)


def test_tiny_settings_give_a_tiny_window():
    policy = RetryPolicy((0.1, 0.2), dt.timedelta(seconds=1))
    assert policy.next_attempt(1, T0, T0) == T0 + dt.timedelta(seconds=0.1)
    assert policy.next_attempt(5, T0, T0 + dt.timedelta(seconds=0.9)) == T0 + dt.timedelta(seconds=1)
    assert policy.next_attempt(5, T0, T0 + dt.timedelta(seconds=1)) is None
