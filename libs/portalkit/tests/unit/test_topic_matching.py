import pytest

from portalkit.events.transport import matches


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
