from portal_notifier.service_layer.dependencies import Notifier
from portalkit.web import container


def notifier() -> Notifier:
    """The serving process's notifier (built once in ``bootstrap.wire``), for the views."""
    return container()
