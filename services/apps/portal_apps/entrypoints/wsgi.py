"""``portal_apps.entrypoints.wsgi:app``: what ``portalctl serve apps`` runs in each web worker."""

from portal_apps.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
