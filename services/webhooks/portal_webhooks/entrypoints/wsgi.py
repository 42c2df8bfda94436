"""``portal_webhooks.entrypoints.wsgi:app``: what ``portalctl serve webhooks`` runs in each web worker."""

from portal_webhooks.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
