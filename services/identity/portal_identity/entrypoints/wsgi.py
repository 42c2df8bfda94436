"""``portal_identity.entrypoints.wsgi:app``: what ``portalctl serve identity`` runs in each web worker."""

from portal_identity.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
