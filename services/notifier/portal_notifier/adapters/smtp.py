"""Delivery over real SMTP (plain, STARTTLS or TLS, with credentials when given)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from portal_notifier.config import NotifierSettings
from portal_notifier.domain.mail import Mail, message_id


class PermanentFailure(Exception):
    """The server refused for good (5xx): trying again would not help."""


class SmtpMailer:
    def __init__(self, settings: NotifierSettings):
        self.settings = settings
        self.domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "partnerportaal"

    def message(self, mail: Mail, event_id: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = mail.recipient
        message["Subject"] = mail.subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = message_id(event_id, mail.recipient, self.domain)  # a resend is the same mail
        message["X-Portal-Event"] = event_id
        message.set_content(mail.text)
        if mail.html:
            message.add_alternative(mail.html, subtype="html")
        message["Content-Language"] = mail.language  # after the content: setting content clears Content-*
        return message

    def send(self, mail: Mail, event_id: str) -> None:
        """Raise :class:`PermanentFailure` for a 5xx answer; any other exception is transient."""
        settings = self.settings
        try:
            if settings.smtp_security == "tls":
                client = smtplib.SMTP_SSL(
                    settings.smtp_host,
                    settings.smtp_port,
                    timeout=settings.smtp_timeout_seconds,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)
            with client:
                if settings.smtp_security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if settings.smtp_username:
                    client.login(settings.smtp_username, settings.smtp_password)
                client.send_message(self.message(mail, event_id))
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise PermanentFailure(str(error)) from error
            raise
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
            raise
