"""gunicorn ``portal_apps.entrypoints.wsgi:app``."""

from portal_apps.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
