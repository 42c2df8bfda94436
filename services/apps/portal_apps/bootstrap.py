"""What the apps service is, for everything that runs it (web server, worker, CLI, embedded mode)."""

from portal_apps.adapters.orm import metadata, people
from portal_apps.app import create_app
from portal_apps.config import AppsSettings
from portal_apps.service_layer import handlers
from portalkit.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="apps",
    package="portal_apps",
    metadata=metadata,
    create_app=create_app,
    settings_class=AppsSettings,
    handlers=lambda runtime: {
        "identity.client.issued": handlers.client_issued,
        "partners.profile.created": handlers.partner_named,
        "partners.profile.changed": handlers.partner_named,
        **people.handlers(),
    },
)
