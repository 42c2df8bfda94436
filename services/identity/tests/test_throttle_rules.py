"""The brute-force rules (domain, no I/O): slowed, locked only where no attacker can aim it at another."""

import datetime as dt

from portal_identity.domain.throttle import ALERT_AT, LOCK_FOR, Throttle, login_keys

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def waits(key, failures, step=dt.timedelta(minutes=1)):
    throttle, now, seen = Throttle(key, 0, NOW), NOW, []
    for _ in range(failures):
        throttle.failed(now)
        seen.append(throttle.wait_seconds(now))
        now += step
    return throttle, seen


def test_keys_of_a_login():
    assert login_keys("a@b.example", "10.0.0.1") == [
        "pair:a@b.example|10.0.0.1",
        "address:10.0.0.1",
        "account:a@b.example",
    ]


def test_one_account_from_one_address_is_slowed_then_locked():
    throttle, seen = waits("pair:a@b.example|10.0.0.1", 10, step=dt.timedelta(seconds=0))
    assert seen[:3] == [0, 0, 0] and seen[3:6] == [1, 2, 4]
    assert seen[-1] == LOCK_FOR.total_seconds() and throttle.locked(NOW)


def test_an_account_from_anywhere_is_slowed_at_most_30_s_and_never_locked():
    throttle, seen = waits("account:a@b.example", 200, step=dt.timedelta(seconds=31))
    assert max(seen) == 30 and not throttle.locked(NOW + dt.timedelta(hours=1))


def test_a_client_id_is_slowed_like_an_account():
    throttle, seen = waits("client:c-1", 15, step=dt.timedelta(seconds=0))
    assert seen[:10] == [0] * 10 and seen[10:] == [1, 2, 4, 8, 16] and not throttle.locked(NOW)


def test_the_owner_is_told_once_per_window():
    throttle, now, alerts = Throttle("account:a@b.example", 0, NOW), NOW, []
    for _ in range(3 * ALERT_AT):
        alerts.append(throttle.failed(now))
        now += dt.timedelta(seconds=1)
    assert alerts.count(True) == 1 and alerts.index(True) == ALERT_AT - 1
    assert not Throttle("pair:a|b", ALERT_AT - 1, NOW).failed(NOW)


def test_the_window_starts_again_once_quiet():
    throttle = Throttle("pair:a|b", 0, NOW)
    for _ in range(5):
        throttle.failed(NOW)
    later = NOW + dt.timedelta(minutes=16)
    throttle.failed(later)
    assert throttle.failures == 1 and throttle.wait_seconds(later) == 0
