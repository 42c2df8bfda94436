from portal_webhooks.service_layer.dependencies import Webhooks
from portalkit.web import container


def webhooks() -> Webhooks:
    """The serving process's webhooks service (built once in ``bootstrap.wire``), for the views."""
    return container()
