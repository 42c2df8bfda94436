"""Brute-force protection for logins: slow down, then lock, per account and per address."""

from __future__ import annotations

import dataclasses
import datetime as dt

SLOW_AFTER = 3  # failures before each further attempt is delayed
# Failures within the window that lock the key; an address is shared by many people (a school's NAT).
LOCK_AFTER = {"account": 10, "address": 50}
WINDOW = dt.timedelta(minutes=15)
LOCK_FOR = dt.timedelta(minutes=15)


@dataclasses.dataclass
class LoginThrottle:
    key: str  # "account:<email>" or "address:<ip>"
    failures: int
    window_started_at: dt.datetime
    locked_until: dt.datetime | None = None

    def locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def delay_seconds(self) -> float:
        """Growing delay before answering a failed attempt, capped at 2 s."""
        return 0.0 if self.failures < SLOW_AFTER else min(0.25 * 2 ** (self.failures - SLOW_AFTER), 2.0)

    def failed(self, now: dt.datetime) -> None:
        if now - self.window_started_at > WINDOW:
            self.failures, self.window_started_at, self.locked_until = 0, now, None
        self.failures += 1
        if self.failures >= LOCK_AFTER[self.key.split(":", 1)[0]]:
            self.locked_until = now + LOCK_FOR
