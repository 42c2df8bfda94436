"""Which mails an event causes. Pure: texts in, mails out."""

from __future__ import annotations

import datetime as dt

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


def _expiry(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")


def account_registered(data: dict, catalogue: Catalogue, product: str) -> list[Mail]:
    """The manual's "Activeer je partneraccount" mail, in the language the person registered in."""
    return _link_mail("mail.account_registered", data, data["activation_url"], catalogue, product)


def password_reset_requested(data: dict, catalogue: Catalogue, product: str) -> list[Mail]:
    return _link_mail("mail.password_reset", data, data["reset_url"], catalogue, product)


def _link_mail(key: str, data: dict, link: str, catalogue: Catalogue, product: str) -> list[Mail]:
    language = data["language"]
    subject = catalogue.text(f"{key}.subject", language)
    text = catalogue.text(f"{key}.body", language, link=link, expires=_expiry(data["expires_at"]), product=product)
    return [Mail(data["email"], subject, text, language)]
