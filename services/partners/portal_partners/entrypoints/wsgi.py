"""``portal_partners.entrypoints.wsgi:app``: what ``portalctl serve partners`` runs in each web worker."""

from portal_partners.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
