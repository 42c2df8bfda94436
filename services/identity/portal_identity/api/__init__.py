from portal_identity.service_layer.context import Identity
from portalkit.web import container


def identity() -> Identity:
    """The serving process's identity service (built once in ``context.build_identity``), for the views."""
    return container()
