"""The partners service's HTTP application."""

from __future__ import annotations

from flask import Flask

from portal_partners.adapters.orm import people
from portal_partners.api import admin, partner, public
from portal_partners.api.hot_paths import directory_shortcut
from portal_partners.api.problems import ERRORS
from portal_partners.texts import TEXTS
from portalkit.config import Settings
from portalkit.service import ServiceRuntime
from portalkit.web import create_service_app


def create_app(config: Settings | None = None, runtime: ServiceRuntime | None = None) -> Flask:
    from portal_partners.bootstrap import SERVICE

    app = create_service_app(
        runtime or SERVICE.runtime(config),
        import_name=__name__,
        title="Partners",
        blueprints=[public.blp, public.contact, partner.blp, admin.blp],
        texts=TEXTS,
        errors=ERRORS,
        middleware=[directory_shortcut],
    )
    people.learn_from_requests(app)
    return app
