"""The one back-off formula the consumers, the relay, the change feed, mail delivery and throttling use."""

import pytest

from portalkit.backoff import back_off
from portalkit.events.transport import Subscription


def test_the_first_retry_waits_the_base():
    assert back_off(0, 0.5, 15) == 0.5


def test_each_retry_doubles_the_wait():
    assert [back_off(attempt, 0.5, 100) for attempt in range(5)] == [0.5, 1.0, 2.0, 4.0, 8.0]


@pytest.mark.parametrize("attempt", [5, 6, 40, 1000])
def test_the_wait_never_passes_the_cap(attempt):
    assert back_off(attempt, 0.5, 15) == 15


def test_the_base_scales_the_whole_curve():
    assert back_off(3, 60, 3600) == 480


def test_a_subscription_retries_an_event_after_base_then_twice_as_long():
    subscription = Subscription("notifier", ("#",), retry_base_seconds=0.5)
    assert [subscription.retry_delay(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert subscription.retry_delay(30) == 300.0
