"""Which mails an event causes. Pure: texts in, mails out."""

from __future__ import annotations

from portal_notifier.domain.mail import Mail
from portalkit.i18n import Catalogue


def application_requested(
    data: dict, moderators: tuple[str, ...], catalogue: Catalogue, public_url: str, product: str, language: str = "nl"
) -> list[Mail]:
    link = f"{public_url.rstrip('/')}/backoffice/#/applications/{data['application_id']}"
    subject = catalogue.text("mail.application_requested.subject", language, name=data["name"])
    text = catalogue.text(
        "mail.application_requested.body",
        language,
        name=data["name"],
        apis=", ".join(data["apis"]),
        link=link,
        product=product,
    )
    return [Mail(recipient, subject, text, language) for recipient in moderators]
