"""The notifier's settings: the shared ones plus SMTP and addresses (environment only)."""

import dataclasses

from portalkit.config import Settings


@dataclasses.dataclass(frozen=True)
class NotifierSettings(Settings):
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_security: str = "none"  # none | starttls | tls
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = 10
    mail_from: str = "Partnerportaal <noreply@partnerportaal.localhost>"
    moderator_emails: tuple[str, ...] = ("moderator@partnerportaal.localhost",)
    product_name: str = "Partnerportaal"
    mail_max_attempts: int = 8
    mail_retry_base_seconds: float = 2.0
    mail_poll_seconds: float = 2.0  # new deliveries wake the sender at once; the poll finds retries due
