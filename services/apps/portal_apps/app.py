"""The apps service's HTTP application."""

from __future__ import annotations

from flask import Flask

from portal_apps.adapters.orm import people
from portal_apps.api import admin, partner
from portal_apps.api.hot_paths import search_shortcut
from portal_apps.api.problems import ERRORS
from portal_apps.texts import TEXTS
from portalkit.config import Settings
from portalkit.service import ServiceRuntime
from portalkit.web import create_service_app


def create_app(config: Settings | None = None, runtime: ServiceRuntime | None = None) -> Flask:
    from portal_apps.bootstrap import SERVICE

    app = create_service_app(
        runtime or SERVICE.runtime(config),
        import_name=__name__,
        title="Applications",
        blueprints=[partner.blp, admin.blp],
        texts=TEXTS,
        errors=ERRORS,
        middleware=[search_shortcut],
    )
    people.learn_from_requests(app)
    return app
