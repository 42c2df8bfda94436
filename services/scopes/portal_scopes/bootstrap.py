"""What the scopes service is, for everything that runs it (web server, worker, CLI, embedded mode)."""

from portal_scopes.adapters.orm import metadata
from portal_scopes.app import create_app
from portal_scopes.config import ScopesSettings
from portal_scopes.entrypoints import demo
from portal_scopes.entrypoints.cli import commands
from portal_scopes.service_layer.dependencies import Scopes
from portal_scopes.service_layer.handlers import EVENT_HANDLERS
from portal_scopes.service_layer.unit_of_work import ScopesUnitOfWork
from portalkit.service import ServiceDefinition, ServiceRuntime


def wire(runtime: ServiceRuntime) -> Scopes:
    settings = runtime.settings
    return Scopes(
        unit_of_work=runtime.unit_of_work,
        public_url=settings.public_url,
        request_valid_days=settings.access_request_days,
        request_limits=settings.access_request_limits,
    )


SERVICE = ServiceDefinition(
    name="scopes",
    package="portal_scopes",
    metadata=metadata,
    create_app=create_app,
    settings_class=ScopesSettings,
    unit_of_work=ScopesUnitOfWork,
    wire=wire,
    handlers=lambda runtime: EVENT_HANDLERS,
    commands=commands,
    seed_demo=demo.seed,
)
