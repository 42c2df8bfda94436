from portal_scopes.service_layer.dependencies import Scopes
from portalkit.web import container


def scopes() -> Scopes:
    """The serving process's scopes service (built once in ``bootstrap.wire``), for the views."""
    return container()
