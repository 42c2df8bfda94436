from portal_apps.service_layer.dependencies import Apps
from portalkit.web import container


def apps() -> Apps:
    """The serving process's apps service (built once in ``bootstrap.wire``), for the views."""
    return container()
