"""gunicorn ``portal_scopes.entrypoints.wsgi:app``."""

from portal_scopes.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
