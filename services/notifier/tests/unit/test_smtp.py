"""The message a delivery becomes on the wire: headers that make a resend the same mail, both parts."""

from portal_notifier.adapters.smtp import SmtpMailer
from portal_notifier.config import NotifierSettings
from portal_notifier.domain.mail import Mail, message_id

SETTINGS = NotifierSettings.from_env("notifier", {}, mail_from="Partnerportaal <noreply@partnerportaal.example>")
MAIL = Mail("jan@agenda.example", "Activate your partner account", "Text", "<p>Html</p>", "en")


def test_a_message_carries_sender_recipient_subject_event_and_language():
    message = SmtpMailer(SETTINGS).message(MAIL, "e1")
    assert message["From"] == "Partnerportaal <noreply@partnerportaal.example>"
    assert (message["To"], message["Subject"]) == ("jan@agenda.example", "Activate your partner account")
    assert message["X-Portal-Event"] == "e1" and message["Content-Language"] == "en"


def test_a_message_id_is_the_same_for_every_copy_in_the_senders_domain():
    mailer = SmtpMailer(SETTINGS)
    first, again = mailer.message(MAIL, "e1"), mailer.message(MAIL, "e1")
    assert first["Message-ID"] == again["Message-ID"] == message_id("e1", MAIL.recipient, "partnerportaal.example")


def test_a_message_has_a_text_and_an_html_part():
    message = SmtpMailer(SETTINGS).message(MAIL, "e1")
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == "Text"
    assert message.get_body(preferencelist=("html",)).get_content().strip() == "<p>Html</p>"


def test_a_mail_without_html_is_text_only():
    message = SmtpMailer(SETTINGS).message(Mail("j@a.example", "S", "Text", "", "nl"), "e1")
    assert not message.is_multipart()
