"""The identity service's HTTP application."""

from __future__ import annotations

from flask import Flask

from portal_identity.api import jwks
from portal_identity.texts import TEXTS
from portalkit.config import Settings
from portalkit.service import ServiceRuntime
from portalkit.web import create_service_app


def create_app(config: Settings | None = None, runtime: ServiceRuntime | None = None) -> Flask:
    from portal_identity.bootstrap import SERVICE

    runtime = runtime or SERVICE.runtime(config)
    return create_service_app(
        runtime,
        import_name=__name__,
        title="Identity",
        blueprints=[jwks.blp],
        texts=TEXTS,
    )
