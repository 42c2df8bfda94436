"""What the apps service is, for everything that runs it (web server, worker, CLI, embedded mode)."""

from portal_apps.adapters.identity import IdentityClient
from portal_apps.adapters.orm import metadata, people
from portal_apps.app import create_app
from portal_apps.config import AppsSettings
from portal_apps.service_layer import handlers
from portal_apps.service_layer.dependencies import Apps
from portal_apps.service_layer.unit_of_work import AppsUnitOfWork
from portalkit.service import ServiceDefinition, ServiceRuntime


def wire(runtime: ServiceRuntime) -> Apps:
    settings = runtime.settings
    return Apps(
        unit_of_work=runtime.unit_of_work,
        identity=IdentityClient(settings.identity_url or settings.public_url, settings.internal_token),
        known_apis=tuple(settings.apis),
    )


SERVICE = ServiceDefinition(
    name="apps",
    package="portal_apps",
    metadata=metadata,
    create_app=create_app,
    settings_class=AppsSettings,
    unit_of_work=AppsUnitOfWork,
    wire=wire,
    # What the hot list path reads (its answers are kept until one changes).
    cached_tables=frozenset({"applications", "pending_changes", "partner_names"}),
    handlers=lambda runtime: {
        "identity.client.issued": handlers.client_issued,
        "partners.profile.created": handlers.partner_named,
        "partners.profile.changed": handlers.partner_named,
        **people.handlers(),
    },
)
