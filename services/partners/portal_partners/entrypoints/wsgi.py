"""gunicorn ``portal_partners.entrypoints.wsgi:app``."""

from portal_partners.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
