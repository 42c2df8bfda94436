"""Mails and their deliveries: what is sent to whom because of which event, and how it went."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid

from portalkit.backoff import back_off
from portalkit.secrets import redact_links


class DeliveryNotFailed(Exception):
    """Only a failed delivery is sent again by an operator: a pending one is on its way, a sent one arrived."""


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class Letter:
    """A mail decided but not yet written: who, which template, which language, which values."""

    recipient: str
    template: str
    language: str
    values: dict


@dataclasses.dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    text: str
    html: str
    language: str = "nl"


def message_id(event_id: str, recipient: str, domain: str) -> str:
    """The Message-ID of the mail an event causes for a recipient: the same for every copy ever sent."""
    return f"<{uuid.uuid5(uuid.NAMESPACE_URL, f'{event_id}/{recipient.lower()}')}@{domain}>"


@dataclasses.dataclass
class Delivery:
    """One mail caused by one event for one recipient: recorded once (unique on both), sent at least once."""

    event_id: str
    event_type: str
    recipient: str
    subject: str
    body: str
    html: str
    language: str
    created_at: dt.datetime
    status: str = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    last_error: str | None = None
    sent_at: dt.datetime | None = None
    id: int | None = None

    @classmethod
    def of(cls, event_id: str, event_type: str, mail: Mail, now: dt.datetime) -> Delivery:
        return cls(
            event_id=event_id,
            event_type=event_type,
            recipient=mail.recipient,
            subject=mail.subject,
            body=mail.text,
            html=mail.html,
            language=mail.language,
            created_at=now,
            next_attempt_at=now,
        )

    @property
    def mail(self) -> Mail:
        return Mail(self.recipient, self.subject, self.body, self.html, self.language)

    def sent(self, now: dt.datetime) -> None:
        """Sent: the stored copy keeps no usable one-time link (activation, reset, access request), only where
        it was and that it went out."""
        self.status, self.sent_at, self.last_error = DeliveryStatus.SENT, now, None
        self.attempts += 1
        self.body, self.html = redact_links(self.body), redact_links(self.html)

    def failed(self, now: dt.datetime, error: str, permanent: bool, max_attempts: int, base_seconds: float) -> None:
        """Transient failures wait an exponential back-off; permanent ones, or too many, stop for good."""
        self.attempts += 1
        self.last_error = error[:1000]
        if permanent or self.attempts >= max_attempts:
            self.status = DeliveryStatus.FAILED
            self.next_attempt_at = None
        else:
            self.next_attempt_at = now + dt.timedelta(seconds=back_off(self.attempts - 1, base_seconds, 3600))

    def retry(self, now: dt.datetime) -> None:
        """An operator sends a failed mail again."""
        if self.status != DeliveryStatus.FAILED:
            raise DeliveryNotFailed(self.status)
        self.status, self.next_attempt_at = DeliveryStatus.PENDING, now


@dataclasses.dataclass
class PartnerContact:
    """The profile e-mail of a partner, from the partners service's events."""

    partner_id: str
    name: str
    email: str
    language: str = "nl"


@dataclasses.dataclass
class ApplicationContact:
    """An application's name, partner and contact e-mail, from the apps service's events."""

    application_id: str
    partner_id: str
    name: str
    contact_email: str
