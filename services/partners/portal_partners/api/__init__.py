from portal_partners.service_layer.dependencies import Partners
from portalkit.web import container


def partners() -> Partners:
    """The serving process's partners service (built once in ``bootstrap.wire``), for the views."""
    return container()
