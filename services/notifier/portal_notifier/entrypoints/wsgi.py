"""``portal_notifier.entrypoints.wsgi:app``: what ``portalctl serve notifier`` runs in each web worker."""

from portal_notifier.bootstrap import SERVICE
from portalkit.web import wsgi_app

app = wsgi_app(SERVICE)
