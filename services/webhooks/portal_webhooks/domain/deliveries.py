"""One delivery per (event, endpoint): the message, its attempts and when the next one is due.

At least once: a delivery is tried until the receiver answers 2xx, with growing pauses, for a window
(24 hours by default) from its first attempt; then it fails and its endpoint is disabled. Its id is the
``webhook-id`` of every attempt, also of a redelivery asked for by hand: the receiver can drop copies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid

ERROR_MAX = 1000


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """Pauses after the 1st, 2nd, ... failed attempt (the last one repeats), within ``window`` from the first
    attempt."""

    pauses: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000)
    window: dt.timedelta = dt.timedelta(hours=24)

    def next_attempt(self, failures: int, first_attempt_at: dt.datetime, now: dt.datetime) -> dt.datetime | None:
        """When to try again after ``failures`` failed attempts, or None when the window is spent."""
        end = first_attempt_at + self.window
        if now >= end:
            return None
        pause = self.pauses[min(failures, len(self.pauses)) - 1]
        return min(now + dt.timedelta(seconds=pause), end)  # the last try falls on the window's end


@dataclasses.dataclass
class Attempt:
    delivery_id: int
    number: int
    attempted_at: dt.datetime
    status_code: int | None
    latency_ms: int
    error: str | None
    response_excerpt: str | None = None
    id: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclasses.dataclass
class Delivery:
    message_id: str  # webhook-id
    endpoint_id: str
    application_id: str
    event_id: str  # the portal event it comes from (a test event: its own id)
    event_type: str  # the webhook type
    body: str
    status: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    attempts: int = 0
    window_attempts: int = 0  # attempts since the retry window began (a redelivery begins a new one)
    first_attempt_at: dt.datetime | None = None  # of the current window
    last_status_code: int | None = None
    last_latency_ms: int | None = None
    last_error: str | None = None
    delivered_at: dt.datetime | None = None
    id: int | None = None  # the order deliveries were recorded in

    @classmethod
    def of(cls, endpoint_id: str, application_id: str, event_id: str, event_type: str, body: str, now: dt.datetime):
        return cls(
            message_id=f"msg_{uuid.uuid4().hex}",
            endpoint_id=endpoint_id,
            application_id=application_id,
            event_id=event_id,
            event_type=event_type,
            body=body,
            status=DeliveryStatus.PENDING,
            created_at=now,
            next_attempt_at=now,
        )

    def attempt(self, at: dt.datetime, status_code: int | None, latency_ms: int, error: str | None, excerpt=None):
        """The next attempt's record (not yet kept: :meth:`record` does)."""
        return Attempt(self.id, self.attempts + 1, at, status_code, latency_ms, error and error[:ERROR_MAX], excerpt)

    def record(self, attempt: Attempt, policy: RetryPolicy) -> bool:
        """Keep the outcome of ``attempt``; True when the window is spent and the delivery failed for good."""
        self.attempts, self.window_attempts = attempt.number, self.window_attempts + 1
        if self.first_attempt_at is None:
            self.first_attempt_at = attempt.attempted_at
        self.last_status_code, self.last_latency_ms, self.last_error = (
            attempt.status_code,
            attempt.latency_ms,
            attempt.error,
        )
        if attempt.succeeded:
            self.status, self.delivered_at, self.next_attempt_at = DeliveryStatus.DELIVERED, attempt.attempted_at, None
            return False
        due = policy.next_attempt(self.window_attempts, self.first_attempt_at, attempt.attempted_at)
        if due is None:
            self.status, self.next_attempt_at = DeliveryStatus.FAILED, None
            return True
        self.next_attempt_at = due
        return False

    def redeliver(self, now: dt.datetime) -> None:
        """Send the same message (same ``webhook-id``, same body) again now, with a fresh retry window."""
        self.status, self.next_attempt_at, self.delivered_at = DeliveryStatus.PENDING, now, None
        self.first_attempt_at, self.window_attempts = None, 0
