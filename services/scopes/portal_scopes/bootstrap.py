"""What the scopes service is, for everything that runs it (web server, worker, CLI, embedded mode)."""

from portal_scopes.adapters.orm import metadata
from portal_scopes.app import create_app
from portal_scopes.config import ScopesSettings
from portal_scopes.entrypoints import demo
from portal_scopes.entrypoints.cli import commands
from portal_scopes.service_layer.handlers import EVENT_HANDLERS
from portalkit.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="scopes",
    package="portal_scopes",
    metadata=metadata,
    create_app=create_app,
    settings_class=ScopesSettings,
    handlers=lambda runtime: EVENT_HANDLERS,
    commands=commands,
    seed_demo=demo.seed,
)
