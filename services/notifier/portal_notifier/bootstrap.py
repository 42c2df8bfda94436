"""What the notifier is, for everything that runs it (web server, worker, CLI, embedded mode)."""

from portal_notifier.adapters.orm import metadata
from portal_notifier.adapters.smtp import SmtpMailer
from portal_notifier.adapters.templates import MailTemplates
from portal_notifier.app import create_app
from portal_notifier.config import NotifierSettings
from portal_notifier.domain.compose import Context
from portal_notifier.service_layer import events
from portal_notifier.service_layer.dependencies import Notifier
from portal_notifier.service_layer.handlers import mail_sender
from portal_notifier.service_layer.unit_of_work import NotifierUnitOfWork
from portalkit.changes import WorkFeed
from portalkit.service import ServiceDefinition, ServiceRuntime


def wire(runtime: ServiceRuntime) -> Notifier:
    settings = runtime.settings
    new_mail = WorkFeed(runtime.database, f"new_mail_{runtime.name}")  # one feed per runtime
    runtime.closers.append(new_mail.close)
    return Notifier(
        unit_of_work=runtime.unit_of_work,
        context=Context(settings.public_url, settings.moderator_emails, settings.product_name),
        templates=MailTemplates(settings.product_name),
        new_mail=new_mail,
        mailer=SmtpMailer(settings),
        max_attempts=settings.mail_max_attempts,
        retry_base_seconds=settings.mail_retry_base_seconds,
        poll_seconds=settings.mail_poll_seconds,
    )


SERVICE = ServiceDefinition(
    name="notifier",
    package="portal_notifier",
    metadata=metadata,
    create_app=create_app,
    settings_class=NotifierSettings,
    unit_of_work=NotifierUnitOfWork,
    wire=wire,
    handlers=lambda runtime: events.bound_to(runtime.container),
    background=lambda runtime: [mail_sender(runtime.container)],
)
