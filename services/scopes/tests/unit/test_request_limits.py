"""How much mail a partner can make the portal send to school admins (domain rules, no I/O)."""

import datetime as dt
import time

import pytest

from portal_scopes.domain.access import (
    MAX_EMAILS_LENGTH,
    DailyLimitReached,
    InvalidRequest,
    RequestLimits,
    check_daily_limits,
    parse_addresses,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
LIMITS = RequestLimits(addresses_per_request=10, per_application_per_day=30, per_partner_per_day=100)


def test_at_most_the_limit_of_distinct_addresses():
    assert len(parse_addresses(";".join(f"a{i}@s.example" for i in range(10)), 10)) == 10
    assert len(parse_addresses(";".join(["a@s.example"] * 50), 10)) == 1
    with pytest.raises(InvalidRequest) as refused:
        parse_addresses(";".join(f"a{i}@s.example" for i in range(11)), 10)
    assert refused.value.violations == [("emails", "emails.too_many", {"max": 10})]


def test_a_huge_list_is_refused_before_any_address_is_read():
    huge = ";".join(f"adres{i}@school{i}.example" for i in range(90_000))
    started = time.perf_counter()
    with pytest.raises(InvalidRequest) as refused:
        parse_addresses(huge, 10)
    assert time.perf_counter() - started < 0.1
    assert refused.value.violations[0][1] == "emails.too_long"
    assert len(huge) > MAX_EMAILS_LENGTH
    started = time.perf_counter()
    with pytest.raises(InvalidRequest):
        parse_addresses(";".join(f"a{i}@s.example" for i in range(300)), 10)
    assert time.perf_counter() - started < 0.1


def test_requests_per_application_within_24_hours():
    sent = [NOW - dt.timedelta(hours=h) for h in range(23, 23 - 28, -1)]  # 28 in the last day
    check_daily_limits(LIMITS, 2, sent, sent, NOW)
    with pytest.raises(DailyLimitReached) as reached:
        check_daily_limits(LIMITS, 3, sent, sent, NOW)
    assert (reached.value.scope, reached.value.limit, reached.value.left) == ("application", 30, 2)
    assert 0 < reached.value.retry_after <= 3600 + 1  # the oldest ages out within the hour


def test_older_requests_do_not_count():
    old = [NOW - dt.timedelta(hours=25)] * 500
    check_daily_limits(LIMITS, 10, old, old, NOW)


def test_requests_per_partner_across_applications():
    partner = [NOW - dt.timedelta(minutes=m) for m in range(95)]
    with pytest.raises(DailyLimitReached) as reached:
        check_daily_limits(LIMITS, 6, [], partner, NOW)
    assert reached.value.scope == "partner" and reached.value.left == 5
