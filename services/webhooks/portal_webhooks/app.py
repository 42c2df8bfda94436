"""The webhooks service's HTTP application."""

from __future__ import annotations

from flask import Flask

from portal_webhooks.api import partner
from portal_webhooks.api.problems import ERRORS
from portal_webhooks.texts import TEXTS
from portalkit.config import Settings
from portalkit.service import ServiceRuntime
from portalkit.web import create_service_app


def create_app(config: Settings | None = None, runtime: ServiceRuntime | None = None) -> Flask:
    from portal_webhooks.bootstrap import SERVICE

    return create_service_app(
        runtime or SERVICE.runtime(config),
        import_name=__name__,
        title="Webhooks",
        blueprints=[partner.blp],
        texts=TEXTS,
        errors=ERRORS,
    )
