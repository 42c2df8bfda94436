"""The scopes service's HTTP application."""

from __future__ import annotations

from flask import Flask

from portal_scopes.adapters.orm import people
from portal_scopes.api import admin, partner
from portal_scopes.api.problems import ERRORS
from portal_scopes.texts import TEXTS
from portalkit.config import Settings
from portalkit.service import ServiceRuntime
from portalkit.web import create_service_app


def create_app(config: Settings | None = None, runtime: ServiceRuntime | None = None) -> Flask:
    from portal_scopes.bootstrap import SERVICE

    app = create_service_app(
        runtime or SERVICE.runtime(config),
        import_name=__name__,
        title="Scopes",
        blueprints=[admin.blp, admin.requests_blp, admin.grants_blp, partner.blp],
        texts=TEXTS,
        errors=ERRORS,
    )
    people.learn_from_requests(app)
    return app
