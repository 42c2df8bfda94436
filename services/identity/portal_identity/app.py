"""The identity service's HTTP application."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from portal_identity.api import accounts, clients, oauth, oauth_doc, pages, wellknown
from portal_identity.api.hot_paths import IntrospectionShortcut, TokenShortcut
from portal_identity.api.problems import ERRORS
from portal_identity.texts import TEXTS
from portalkit.config import Settings
from portalkit.service import ServiceRuntime
from portalkit.web import create_service_app


def create_app(config: Settings | None = None, runtime: ServiceRuntime | None = None) -> Flask:
    from portal_identity.bootstrap import SERVICE

    runtime = runtime or SERVICE.runtime(config)
    identity = runtime.container
    app = create_service_app(
        runtime,
        import_name=__name__,
        title="Identity",
        blueprints=[wellknown.blp, accounts.blp, clients.blp, clients.admin, clients.internal],
        texts=TEXTS,
        errors=ERRORS,
        middleware=[TokenShortcut, IntrospectionShortcut],
    )
    settings = runtime.settings
    app.config.update(
        SECRET_KEY=identity.session_secret,
        SESSION_COOKIE_NAME="portal_login",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.login_session_hours),
        PORTAL_OAUTH_PREFIXES=("/oauth/token", "/oauth/introspect", "/oauth/revoke"),
    )
    app.register_blueprint(pages.blp)
    app.register_blueprint(oauth.blp)
    oauth.config_oauth(app, identity)
    oauth_doc.document_oauth(app.extensions["portal.api"].spec)
    return app
