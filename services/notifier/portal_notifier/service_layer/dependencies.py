"""What the notifier's use cases are wired to in one process: built once by ``bootstrap.wire``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from portal_notifier.adapters.smtp import SmtpMailer
from portal_notifier.adapters.templates import MailTemplates
from portal_notifier.domain.compose import Context
from portal_notifier.service_layer.unit_of_work import NotifierUnitOfWork
from portalkit.changes import WorkFeed


@dataclasses.dataclass(frozen=True)
class Notifier:
    unit_of_work: Callable[[], NotifierUnitOfWork]
    context: Context
    templates: MailTemplates
    new_mail: WorkFeed
    mailer: SmtpMailer
    max_attempts: int
    retry_base_seconds: float
    poll_seconds: float
