"""The notifier's use cases against its unit of work in memory: sending what is due, the retry of a failed
delivery by an operator, the list of deliveries."""

import dataclasses
import datetime as dt
import smtplib
import threading

import pytest

from portal_notifier.adapters.smtp import PermanentFailure
from portal_notifier.domain.mail import Delivery, DeliveryNotFailed, DeliveryStatus, Mail
from portal_notifier.service_layer import handlers
from portalkit.events.envelope import utcnow

from .fakes import FakeMailer, FakeNotifierUnitOfWork, fake_notifier


@pytest.fixture
def uow() -> FakeNotifierUnitOfWork:
    return FakeNotifierUnitOfWork()


def record(uow, recipient="jan@a.example", *, due_in: float = 0, created_at=None) -> Delivery:
    mail = Mail(recipient, "Onderwerp", "Tekst", "<p>Tekst</p>", "nl")
    delivery = Delivery.of(f"event-{recipient}", "identity.account.registered", mail, created_at or utcnow())
    delivery.next_attempt_at = utcnow() + dt.timedelta(seconds=due_in)
    uow.deliveries.add(delivery)
    return delivery


def send(uow, mailer, limit=50):
    return handlers.send_due(uow, mailer, limit=limit, max_attempts=3, base_seconds=2)


def test_what_is_due_is_sent_each_in_its_own_transaction(uow):
    first, second = record(uow, "a@x.example"), record(uow, "b@x.example")
    mailer = FakeMailer()
    assert send(uow, mailer) == 2
    assert [(mail.recipient, event_id) for mail, event_id in mailer.sent] == [
        ("a@x.example", first.event_id),
        ("b@x.example", second.event_id),
    ]
    assert first.status == second.status == DeliveryStatus.SENT and uow.commits == 2


def test_no_more_than_the_limit_is_tried_at_once(uow):
    for index in range(3):
        record(uow, f"{index}@x.example")
    assert send(uow, FakeMailer(), limit=2) == 2
    assert len(uow.deliveries.recent(DeliveryStatus.PENDING, None, 0, 10)[0]) == 1


def test_a_delivery_not_due_yet_waits(uow):
    later = record(uow, due_in=60)
    assert send(uow, FakeMailer()) == 0 and later.status == DeliveryStatus.PENDING


def test_a_transient_failure_is_tried_again_later_not_in_the_same_round(uow):
    delivery = record(uow)
    assert send(uow, FakeMailer(refuse=ConnectionRefusedError("no server"))) == 1
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_error == "ConnectionRefusedError: no server"
    assert delivery.next_attempt_at > utcnow() and uow.commits == 1


def test_a_permanent_refusal_is_not_tried_again(uow):
    delivery = record(uow)
    assert send(uow, FakeMailer(refuse=PermanentFailure("550 mailbox unavailable"))) == 1
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_error == "550 mailbox unavailable"
    assert send(uow, FakeMailer()) == 0


def test_a_transient_smtp_answer_counts_as_transient(uow):
    delivery = record(uow)
    send(uow, FakeMailer(refuse=smtplib.SMTPResponseException(451, b"try later")))
    assert delivery.status == DeliveryStatus.PENDING


def test_an_operator_sends_a_failed_delivery_again(uow):
    delivery = record(uow)
    delivery.failed(utcnow(), "550", permanent=True, max_attempts=3, base_seconds=2)
    assert handlers.retry_delivery(uow, delivery.id) is delivery
    assert delivery.status == DeliveryStatus.PENDING and uow.committed


def test_retrying_a_delivery_that_did_not_fail_changes_nothing(uow):
    delivery = record(uow)
    with pytest.raises(DeliveryNotFailed):
        handlers.retry_delivery(uow, delivery.id)
    assert not uow.committed and delivery.status == DeliveryStatus.PENDING


def test_retrying_an_unknown_delivery_is_not_found(uow):
    with pytest.raises(handlers.DeliveryNotFound):
        handlers.retry_delivery(uow, 999)


def test_deliveries_are_listed_newest_first_and_filtered_by_status_and_recipient(uow):
    old = record(uow, "old@x.example", created_at=utcnow() - dt.timedelta(hours=1))
    new = record(uow, "new@x.example")
    old.failed(utcnow(), "550", permanent=True, max_attempts=3, base_seconds=2)
    assert handlers.list_deliveries(uow, None, None, 0, 10) == ([new, old], 2)
    assert handlers.list_deliveries(uow, "failed", None, 0, 10) == ([old], 1)
    assert handlers.list_deliveries(uow, None, " NEW@", 0, 10) == ([new], 1)


def test_the_mail_sender_sends_what_is_due_until_stopped(uow):
    record(uow)
    stop = threading.Event()

    class StopAfterSending(FakeMailer):
        def send(self, mail, event_id):
            super().send(mail, event_id)
            stop.set()

    mailer = StopAfterSending()
    handlers.mail_sender(dataclasses.replace(fake_notifier(uow), mailer=mailer))(stop)
    assert [mail.recipient for mail, _ in mailer.sent] == ["jan@a.example"]
