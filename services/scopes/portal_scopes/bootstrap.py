"""What the scopes service is, for everything that runs it (web server, worker, CLI, embedded mode)."""

from portal_scopes.adapters.orm import metadata
from portal_scopes.app import create_app
from portal_scopes.config import ScopesSettings
from portal_scopes.entrypoints import demo
from portal_scopes.entrypoints.cli import commands
from portal_scopes.service_layer.dependencies import Scopes
from portal_scopes.service_layer.handlers import event_handlers, sweeper
from portal_scopes.service_layer.unit_of_work import ScopesUnitOfWork
from portalkit.service import ServiceDefinition, ServiceRuntime


def wire(runtime: ServiceRuntime) -> Scopes:
    settings = runtime.settings
    return Scopes(
        unit_of_work=runtime.unit_of_work,
        public_url=settings.public_url,
        request_valid_days=settings.access_request_days,
        request_limits=settings.access_request_limits,
        school_year=settings.school_year,
        grant_reminder_days=settings.grant_reminder_days,
        sweep_seconds=settings.grant_sweep_seconds,
    )


SERVICE = ServiceDefinition(
    name="scopes",
    package="portal_scopes",
    metadata=metadata,
    create_app=create_app,
    settings_class=ScopesSettings,
    unit_of_work=ScopesUnitOfWork,
    wire=wire,
    handlers=lambda runtime: event_handlers(runtime.container.school_year),
    background=lambda runtime: [sweeper(runtime.container)],
    commands=commands,
    seed_demo=demo.seed,
)
