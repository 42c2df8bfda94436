"""What the identity service is, for everything that runs it (web server, worker, CLI, embedded mode)."""

import datetime as dt

from portal_identity.adapters.orm import metadata
from portal_identity.app import create_app
from portal_identity.config import IdentitySettings
from portal_identity.entrypoints import demo
from portal_identity.entrypoints.cli import commands
from portal_identity.service_layer import accounts, clients
from portal_identity.service_layer.context import build_identity, ensure_server_secrets, key_ring_of
from portal_identity.service_layer.keys import ensure_signing_key
from portalkit.service import ServiceDefinition, ServiceRuntime

FRONT_OFFICE_CLIENT = "portal-front-office"
BACK_OFFICE_CLIENT = "portal-back-office"


def _prepare(runtime: ServiceRuntime) -> None:
    settings: IdentitySettings = runtime.settings
    ensure_server_secrets(runtime.unit_of_work)
    ensure_signing_key(
        runtime.unit_of_work, dt.timedelta(seconds=settings.access_token_seconds), ring=key_ring_of(settings)
    )
    identity = runtime.container
    base = settings.public_url.rstrip("/")
    clients.register_public_client(identity, FRONT_OFFICE_CLIENT, "Front-office", [base + settings.front_office_path])
    clients.register_public_client(identity, BACK_OFFICE_CLIENT, "Back-office", [base + settings.back_office_path])


def _handlers(runtime: ServiceRuntime) -> dict:
    identity = runtime.container
    return {
        "apps.application.approved": lambda uow, event: clients.application_approved(identity, uow, event),
        "apps.application.rejected": lambda uow, event: clients.application_deactivated(identity, uow, event),
        "apps.application.archived": lambda uow, event: clients.application_deactivated(identity, uow, event),
        "scopes.grants.changed": lambda uow, event: clients.grants_changed(identity, uow, event),
        "partners.user.linked": accounts.partner_linked,
        "partners.user.unlinked": accounts.partner_unlinked,
        "partners.profile.deactivated": lambda uow, event: clients.partner_state_changed(identity, uow, event),
        "partners.profile.reactivated": lambda uow, event: clients.partner_state_changed(identity, uow, event),
    }


SERVICE = ServiceDefinition(
    name="identity",
    package="portal_identity",
    metadata=metadata,
    create_app=create_app,
    settings_class=IdentitySettings,
    wire=build_identity,
    handlers=_handlers,
    commands=commands,
    seed_demo=demo.seed,
    prepare=_prepare,
)
