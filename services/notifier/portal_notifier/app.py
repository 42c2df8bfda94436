"""The notifier's HTTP application."""

from __future__ import annotations

from flask import Flask

from portal_notifier.api import admin
from portal_notifier.api.problems import ERRORS
from portal_notifier.texts import TEXTS
from portalkit.config import Settings
from portalkit.service import ServiceRuntime
from portalkit.web import create_service_app


def create_app(config: Settings | None = None, runtime: ServiceRuntime | None = None) -> Flask:
    from portal_notifier.bootstrap import SERVICE

    return create_service_app(
        runtime or SERVICE.runtime(config),
        import_name=__name__,
        title="Notifier",
        blueprints=[admin.blp],
        texts=TEXTS,
        errors=ERRORS,
    )
