"""What the identity service is, for everything that runs it (gunicorn, worker, CLI, embedded mode)."""

import datetime as dt

from portal_identity.adapters.orm import metadata
from portal_identity.app import create_app
from portal_identity.config import IdentitySettings
from portal_identity.entrypoints.cli import commands
from portal_identity.service_layer.keys import ensure_signing_key
from portalkit.service import ServiceDefinition, ServiceRuntime


def _prepare(runtime: ServiceRuntime) -> None:
    ensure_signing_key(runtime.unit_of_work, dt.timedelta(seconds=runtime.settings.access_token_seconds))


SERVICE = ServiceDefinition(
    name="identity",
    package="portal_identity",
    metadata=metadata,
    create_app=create_app,
    settings_class=IdentitySettings,
    commands=commands,
    prepare=_prepare,
)
