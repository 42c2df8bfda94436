"""Brute-force protection without a lock anyone can trigger (OWASP ASVS 2.2.1).

Failures are counted per key within a window. Past a key's free failures each further failure makes the
next attempt wait (1 s, 2 s, 4 s, ... up to the key's longest delay); an attempt that comes sooner is not
heard (HTTP 429 with ``Retry-After``), whatever its password or secret. Only the keys an attacker cannot
aim at someone else are locked outright: one account from one address, and one address.

- ``pair:<email>|<address>``: slowed after 3 failures, locked for 15 minutes after 10.
- ``address:<address>``: slowed after 20, locked after 50 (a school's NAT is many people).
- ``account:<email>``: an account attacked from many addresses is slowed (at most 30 s between attempts)
  and never locked, so its owner still gets in; at :data:`ALERT_AT` failures its owner is mailed.
- ``client:<client_id>``: guessing a client's secret at the token endpoint, like an account.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from portalkit.backoff import back_off

WINDOW = dt.timedelta(minutes=15)
LOCK_FOR = dt.timedelta(minutes=15)
ALERT_AT = 20  # failures of one account within a window that tell its owner (once per window)


@dataclasses.dataclass(frozen=True)
class Rule:
    free: int  # failures within the window answered at once
    lock_after: int | None  # failures that lock the key for LOCK_FOR; None: slowed, never locked
    max_delay_seconds: float


RULES = {
    "pair": Rule(free=3, lock_after=10, max_delay_seconds=60),
    "address": Rule(free=20, lock_after=50, max_delay_seconds=60),
    "account": Rule(free=10, lock_after=None, max_delay_seconds=30),
    "client": Rule(free=10, lock_after=None, max_delay_seconds=30),
}


def login_keys(email: str, address: str) -> list[str]:
    return [f"pair:{email}|{address}", f"address:{address}", f"account:{email}"]


@dataclasses.dataclass
class Throttle:
    key: str
    failures: int
    window_started_at: dt.datetime
    locked_until: dt.datetime | None = None  # no attempt is heard before this moment (slowed or locked)

    @property
    def rule(self) -> Rule:
        return RULES[self.key.split(":", 1)[0]]

    def wait_seconds(self, now: dt.datetime) -> int:
        """Whole seconds until an attempt is heard again; 0: now."""
        if self.locked_until is None or now >= self.locked_until:
            return 0
        return max(1, math.ceil((self.locked_until - now).total_seconds()))

    def locked(self, now: dt.datetime) -> bool:
        """Locked outright (not merely slowed): the lock's threshold is reached and in force."""
        rule = self.rule
        return rule.lock_after is not None and self.failures >= rule.lock_after and self.wait_seconds(now) > 0

    def failed(self, now: dt.datetime) -> bool:
        """Count a failure. True when this one reaches :data:`ALERT_AT` for an account (tell the owner)."""
        if now - self.window_started_at > WINDOW and self.wait_seconds(now) == 0:
            self.failures, self.window_started_at, self.locked_until = 0, now, None
        self.failures += 1
        rule = self.rule
        if rule.lock_after is not None and self.failures >= rule.lock_after:
            self.locked_until = now + LOCK_FOR
        elif self.failures > rule.free:
            delay = back_off(self.failures - rule.free - 1, 1.0, rule.max_delay_seconds)
            self.locked_until = now + dt.timedelta(seconds=delay)
        return self.key.startswith("account:") and self.failures == ALERT_AT
