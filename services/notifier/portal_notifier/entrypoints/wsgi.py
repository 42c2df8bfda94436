"""gunicorn ``portal_notifier.entrypoints.wsgi:app``."""

from portal_notifier.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
