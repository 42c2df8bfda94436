"""What the notifier is, for everything that runs it (web server, worker, CLI, embedded mode)."""

from portal_notifier.adapters.orm import metadata
from portal_notifier.app import create_app
from portal_notifier.config import NotifierSettings
from portal_notifier.service_layer.handlers import event_handlers, mail_sender, new_mail_feed
from portalkit.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="notifier",
    package="portal_notifier",
    metadata=metadata,
    create_app=create_app,
    settings_class=NotifierSettings,
    wire=new_mail_feed,
    handlers=event_handlers,
    background=lambda runtime: [mail_sender(runtime)],
)
