"""What the webhooks service is, for everything that runs it (web server, worker, CLI, embedded mode)."""

import datetime as dt

from portal_webhooks.adapters.http import HttpSender
from portal_webhooks.adapters.orm import metadata
from portal_webhooks.adapters.sealing import secret_box
from portal_webhooks.app import create_app
from portal_webhooks.config import WebhooksSettings
from portal_webhooks.service_layer import events
from portal_webhooks.service_layer.dependencies import Webhooks
from portal_webhooks.service_layer.handlers import webhook_sender
from portal_webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from portalkit.changes import WorkFeed
from portalkit.service import ServiceDefinition, ServiceRuntime


def wire(runtime: ServiceRuntime) -> Webhooks:
    settings = runtime.settings
    new_deliveries = WorkFeed(runtime.database, f"new_webhooks_{runtime.name}")  # one feed per runtime
    runtime.closers.append(new_deliveries.close)
    return Webhooks(
        unit_of_work=runtime.unit_of_work,
        secrets=secret_box(settings.secret_key, settings.secret_key_file, settings.data_dir),
        sender=HttpSender(
            settings.development,
            connect_timeout=settings.connect_timeout_seconds,
            read_timeout=settings.read_timeout_seconds,
            max_response_bytes=settings.max_response_bytes,
        ),
        new_deliveries=new_deliveries,
        retry_policy=settings.retry_policy,
        secret_overlap=dt.timedelta(seconds=settings.secret_overlap_seconds),
        development=settings.development,
        poll_seconds=settings.poll_seconds,
    )


SERVICE = ServiceDefinition(
    name="webhooks",
    package="portal_webhooks",
    metadata=metadata,
    create_app=create_app,
    settings_class=WebhooksSettings,
    unit_of_work=WebhooksUnitOfWork,
    wire=wire,
    handlers=lambda runtime: events.bound_to(runtime.container),
    background=lambda runtime: [webhook_sender(runtime.container)],
)
