"""What the partners service is, for everything that runs it (web server, worker, CLI, embedded mode)."""

from portal_partners.adapters.orm import metadata
from portal_partners.app import create_app
from portal_partners.config import PartnersSettings
from portal_partners.service_layer.handlers import EVENT_HANDLERS
from portalkit.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="partners",
    package="portal_partners",
    metadata=metadata,
    create_app=create_app,
    settings_class=PartnersSettings,
    handlers=lambda runtime: EVENT_HANDLERS,
)
