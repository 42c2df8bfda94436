"""gunicorn ``portal_identity.entrypoints.wsgi:app``."""

from portal_identity.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
