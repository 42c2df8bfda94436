"""A delivery's life: recorded, sent (without its one-time links), failed with back-off, retried."""

import datetime as dt
import uuid

import pytest

from portal_notifier.domain.mail import Delivery, DeliveryNotFailed, DeliveryStatus, Mail, message_id

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
LINK = "https://portal.test/login/reset?token=res-456"


def delivery() -> Delivery:
    mail = Mail("jan@a.example", "Nieuw wachtwoord", f"Kies: {LINK}", f'<a href="{LINK}">', "nl")
    return Delivery.of("e1", "identity.password_reset.requested", mail, NOW)


def test_a_recorded_delivery_is_pending_and_due_at_once():
    recorded = delivery()
    assert recorded.status == DeliveryStatus.PENDING and recorded.next_attempt_at == NOW
    assert recorded.attempts == 0 and recorded.mail.recipient == "jan@a.example"


def test_a_sent_delivery_keeps_where_the_link_was_but_not_its_token():
    sent = delivery()
    sent.failed(NOW, "down", permanent=False, max_attempts=5, base_seconds=2)
    sent.sent(NOW)
    assert sent.status == DeliveryStatus.SENT and sent.sent_at == NOW and sent.attempts == 2
    assert sent.last_error is None
    assert "res-456" not in sent.body and "res-456" not in sent.html
    assert "token=redacted" in sent.body and "token=redacted" in sent.html


def test_transient_failures_wait_twice_as_long_each_time():
    failing = delivery()
    waits = []
    for _ in range(3):
        failing.failed(NOW, "down", permanent=False, max_attempts=10, base_seconds=2)
        waits.append((failing.next_attempt_at - NOW).total_seconds())
    assert waits == [2, 4, 8] and failing.status == DeliveryStatus.PENDING


def test_the_back_off_stops_growing_at_an_hour():
    failing = delivery()
    failing.attempts = 20
    failing.failed(NOW, "down", permanent=False, max_attempts=100, base_seconds=2)
    assert failing.next_attempt_at == NOW + dt.timedelta(hours=1)


def test_a_permanent_failure_stops_at_once():
    refused = delivery()
    refused.failed(NOW, "550 no such mailbox", permanent=True, max_attempts=10, base_seconds=2)
    assert refused.status == DeliveryStatus.FAILED and refused.next_attempt_at is None
    assert refused.last_error == "550 no such mailbox"


def test_too_many_transient_failures_stop_for_good():
    failing = delivery()
    failing.failed(NOW, "down", permanent=False, max_attempts=2, base_seconds=2)
    assert failing.status == DeliveryStatus.PENDING
    failing.failed(NOW, "down", permanent=False, max_attempts=2, base_seconds=2)
    assert failing.status == DeliveryStatus.FAILED and failing.attempts == 2


def test_a_long_error_is_kept_shortened():
    failing = delivery()
    failing.failed(NOW, "x" * 5000, permanent=True, max_attempts=2, base_seconds=2)
    assert len(failing.last_error) == 1000


def test_a_failed_delivery_sent_again_is_pending_and_due_now():
    failed = delivery()
    failed.failed(NOW, "550", permanent=True, max_attempts=2, base_seconds=2)
    later = NOW + dt.timedelta(days=1)
    failed.retry(later)
    assert failed.status == DeliveryStatus.PENDING and failed.next_attempt_at == later


@pytest.mark.parametrize("status", [DeliveryStatus.PENDING, DeliveryStatus.SENT])
def test_only_a_failed_delivery_can_be_sent_again(status):
    other = delivery()
    other.status = status
    with pytest.raises(DeliveryNotFailed):
        other.retry(NOW)
    assert other.status == status


def test_a_message_id_names_the_event_and_the_recipient_and_nothing_else():
    event_id = str(uuid.uuid4())
    first = message_id(event_id, "Jan@Agenda.example", "partnerportaal.example")
    assert first == message_id(event_id, "jan@agenda.example", "partnerportaal.example")
    assert first.startswith("<") and first.endswith("@partnerportaal.example>")
    assert first != message_id(event_id, "piet@agenda.example", "partnerportaal.example")
    assert first != message_id(str(uuid.uuid4()), "jan@agenda.example", "partnerportaal.example")
