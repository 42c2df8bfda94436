"""``portal_scopes.entrypoints.wsgi:app``: what ``portalctl serve scopes`` runs in each web worker."""

from portal_scopes.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
