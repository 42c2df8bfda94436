import pytest

from portalkit.events.transport import Subscription, matches


@pytest.mark.parametrize(
    ("pattern", "key", "expected"),
    [
        ("apps.application.approved", "apps.application.approved", True),
        ("apps.application.*", "apps.application.approved", True),
        ("apps.*", "apps.application.approved", False),
        ("apps.#", "apps.application.approved", True),
        ("#", "apps.application.approved", True),
        ("#.approved", "apps.application.approved", True),
        ("*.application.#", "apps.application", True),
        ("scopes.#", "apps.application.approved", False),
    ],
)
def test_amqp_topic_semantics(pattern, key, expected):
    assert matches(pattern, key) is expected


def test_retry_back_off_grows_and_is_capped():
    subscription = Subscription("notifier", ("#",), retry_base_seconds=0.5)
    assert [subscription.retry_delay(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert subscription.retry_delay(30) == 300.0
