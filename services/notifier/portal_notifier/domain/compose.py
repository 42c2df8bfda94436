"""Which mails an event causes (manual and domain.md section 8). Pure: event data in, letters out.

Links point through the gateway's public URL: ``/login/...`` pages of the identity service, the
front-office at ``/`` and the back-office at ``/backoffice/``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from portal_notifier.domain.mail import ApplicationContact, Letter, PartnerContact


@dataclasses.dataclass(frozen=True)
class Context:
    public_url: str
    moderators: tuple[str, ...]
    product: str
    language: str = "nl"

    def link(self, path: str) -> str:
        return f"{self.public_url.rstrip('/')}{path}"


@dataclasses.dataclass(frozen=True)
class Moment:
    """A point in time, written in the letter's language as Brussels time when the mail is rendered."""

    at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Day:
    """A calendar day (a grant's end date), written in the letter's language."""

    on: dt.date


@dataclasses.dataclass(frozen=True)
class SchoolEnd:
    """A school's grants that end, named by school (or institution number), APIs and end date."""

    school: str
    apis: ApiNames
    ends_on: Day


@dataclasses.dataclass(frozen=True)
class ApiNames:
    """Data APIs by key, written with their names in the letter's language."""

    keys: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class FieldNames:
    """Changed fields by key, written with their labels in the letter's language."""

    keys: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class SchoolGrant:
    api: str
    institution_number: str


def expiry(iso: str) -> Moment:
    return Moment(dt.datetime.fromisoformat(iso))


def day(iso: str) -> Day:
    return Day(dt.date.fromisoformat(iso))


def _grants(items: list[dict]) -> list[SchoolGrant]:
    return [SchoolGrant(item["api"], str(item["institution_number"])) for item in items]


def _to_application_people(
    template: str,
    application: ApplicationContact | None,
    partner: PartnerContact | None,
    context: Context,
    values: dict,
) -> list[Letter]:
    """The partner and the contact of an application the notifier may not know yet (then the partner alone)."""
    return _to_partner_and_contact(template, partner, application.contact_email if application else "", context, values)


def _to_partner_and_contact(
    template: str, partner: PartnerContact | None, contact_email: str, context: Context, values: dict
) -> list[Letter]:
    """The partner's profile e-mail and the application's contact, once each when they are the same, in the
    language of the partner (the contact works for the partner); Dutch when the partner is not known yet."""
    language = partner.language if partner else context.language
    recipients = dict.fromkeys(r for r in (partner.email if partner else None, contact_email) if r)
    return [Letter(recipient, template, language, values) for recipient in recipients]


def account_registered(data: dict, context: Context) -> list[Letter]:
    """The manual's "Activeer je partneraccount", in the language the person registered in."""
    values = {"link": data["activation_url"], "expires": expiry(data["expires_at"]), "product": context.product}
    return [Letter(data["email"], "account_registered", data["language"], values)]


def account_invited(data: dict, context: Context) -> list[Letter]:
    """A moderator made a back-office account: its owner chooses a password, in the account's language."""
    values = {
        "link": data["password_url"],
        "expires": expiry(data["expires_at"]),
        "role": data["role"],
        "backoffice": context.link("/backoffice/"),
        "product": context.product,
    }
    return [Letter(data["email"], "account_invited", data["language"], values)]


def registration_repeated(data: dict, context: Context) -> list[Letter]:
    """Someone registered the address of an existing account: its owner hears it, with the ways in."""
    values = {"forgot": context.link("/login/forgot"), "portal": context.link("/"), "product": context.product}
    return [Letter(data["email"], "registration_repeated", data["language"], values)]


def login_attacked(data: dict, context: Context) -> list[Letter]:
    """Many failed sign-ins to the owner's account: it stays open to the owner, who may change the password."""
    values = {
        "failures": data["failures"],
        "since": expiry(data["since"]),
        "forgot": context.link("/login/forgot"),
        "product": context.product,
    }
    return [Letter(data["email"], "login_attacked", data["language"], values)]


def password_reset_requested(data: dict, context: Context) -> list[Letter]:
    values = {"link": data["reset_url"], "expires": expiry(data["expires_at"]), "product": context.product}
    return [Letter(data["email"], "password_reset", data["language"], values)]


def application_requested(data: dict, context: Context) -> list[Letter]:
    values = {
        "name": data["name"],
        "apis": ApiNames(tuple(data["apis"])),
        "product": context.product,
        "link": context.link(f"/backoffice/#/applications/{data['application_id']}"),
    }
    return [Letter(moderator, "application_requested", context.language, values) for moderator in context.moderators]


def client_issued(
    data: dict, application: ApplicationContact, partner: PartnerContact | None, context: Context
) -> list[Letter]:
    """The approval mail, sent once the identity service has issued the client, so "it has a client ID" is true
    when it is read (the approval itself only asks for the client)."""
    values = {
        "name": application.name,
        "client_id": data["client_id"],
        "product": context.product,
        "link": context.link(f"/#/apps/{data['application_id']}/credentials"),
    }
    return _to_partner_and_contact("application_approved", partner, application.contact_email, context, values)


def application_rejected(data: dict, partner: PartnerContact | None, context: Context) -> list[Letter]:
    values = {
        "name": data["name"],
        "reason": data.get("reason"),
        "product": context.product,
        "link": context.link(f"/#/apps/{data['application_id']}/edit"),
    }
    return _to_partner_and_contact("application_rejected", partner, data["contact_email"], context, values)


def _change_values(data: dict, context: Context, path: str) -> dict:
    """What a change of an approved application asks for: a new name (or None) and the APIs added."""
    return {
        "name": data.get("previous_name", data["name"]),
        "new_name": data["name"] if "previous_name" in data else data["proposed_name"],
        "apis_added": ApiNames(tuple(data["apis_added"])),
        "reason": data.get("reason"),
        "product": context.product,
        "link": context.link(path),
    }


def application_change_requested(data: dict, context: Context) -> list[Letter]:
    """Like a new application: every moderator is asked to judge it."""
    values = _change_values(data, context, f"/backoffice/#/applications/{data['application_id']}")
    return [
        Letter(moderator, "application_change_requested", context.language, values) for moderator in context.moderators
    ]


def application_change_decided(
    data: dict, partner: PartnerContact | None, context: Context, approved: bool
) -> list[Letter]:
    values = _change_values(data, context, f"/#/apps/{data['application_id']}")
    if approved and values["new_name"] == values["name"]:
        values["new_name"] = None  # only APIs were added
    template = "application_change_approved" if approved else "application_change_rejected"
    return _to_partner_and_contact(template, partner, data["contact_email"], context, values)


def application_changed(data: dict, context: Context) -> list[Letter]:
    values = {
        "name": data["name"],
        "fields": FieldNames(tuple(data["changed_fields"])),
        "product": context.product,
        "link": context.link(f"/#/apps/{data['application_id']}"),
    }
    return [Letter(data["contact_email"], "application_changed", context.language, values)]


def profile_changed(data: dict, context: Context) -> list[Letter]:
    values = {
        "name": data["name"],
        "fields": FieldNames(tuple(data["changed_fields"])),
        "product": context.product,
        "link": context.link("/#/profile"),
    }
    return [Letter(data["email"], "profile_changed", data.get("language", context.language), values)]


def grants_changed(
    data: dict, application: ApplicationContact | None, partner: PartnerContact | None, context: Context
) -> list[Letter]:
    if application is None or not (data["added"] or data["removed"]):
        return []
    values = {
        "name": application.name,
        "added": _grants(data["added"]),
        "removed": _grants(data["removed"]),
        "product": context.product,
        "link": context.link(f"/#/apps/{application.application_id}/access"),
    }
    return _to_partner_and_contact("grants_changed", partner, application.contact_email, context, values)


def access_declined(
    data: dict, application: ApplicationContact | None, partner: PartnerContact | None, context: Context
) -> list[Letter]:
    """A school admin said no to an access request: the partner and the application's contact hear why."""
    values = {
        "name": data["application_name"],
        "school": data["email"],
        "reason": data.get("reason"),
        "product": context.product,
        "link": context.link(f"/#/apps/{data['application_id']}/access"),
    }
    return _to_application_people("access_declined", application, partner, context, values)


def _to_school_admin(template: str, data: dict, context: Context) -> list[Letter]:
    """A letter about an open access request to the school admin it asks, with the request's own link."""
    values = {
        "name": data["application_name"],
        "partner": data["partner_name"],
        "apis": ApiNames(tuple(data["apis"])),
        "link": data["url"],
        "expires": expiry(data["expires_at"]),
        "product": context.product,
    }
    return [Letter(data["email"], template, context.language, values)]


def access_requested(data: dict, context: Context) -> list[Letter]:
    """The manual's "Datatoegang voor applicatie <app>" to a school admin, with the one-month link."""
    return _to_school_admin("access_requested", data, context)


def client_secrets_revoked(
    data: dict, application: ApplicationContact | None, partner: PartnerContact | None, context: Context
) -> list[Letter]:
    """A moderator's emergency revocation: the partner must act (make a new secret), so it is never dropped,
    even when the application is not known here (then the client id names it)."""
    values = {
        "name": application.name if application else data["client_id"],
        "client_id": data["client_id"],
        "count": data["revoked_count"],
        "reason": data["reason"],
        "when": expiry(data["revoked_at"]),
        "product": context.product,
        "link": context.link(f"/#/apps/{data['application_id']}/credentials"),
    }
    return _to_application_people("client_secrets_revoked", application, partner, context, values)


def access_reminded(data: dict, context: Context) -> list[Letter]:
    """Halfway through the month, the one reminder of an unanswered request, with its own link."""
    return _to_school_admin("access_reminded", data, context)


def access_expired(
    data: dict, application: ApplicationContact | None, partner: PartnerContact | None, context: Context
) -> list[Letter]:
    """A request ran out unanswered: the partner may send it again."""
    values = {
        "name": data["application_name"],
        "school": data["email"],
        "sent": expiry(data["sent_at"]),
        "product": context.product,
        "link": context.link(f"/#/apps/{data['application_id']}/access"),
    }
    return _to_application_people("access_expired", application, partner, context, values)


def grants_expired(
    data: dict, application: ApplicationContact | None, partner: PartnerContact | None, context: Context
) -> list[Letter]:
    """Grants reached their end date: which, and that the school can grant again."""
    values = {
        "name": data["application_name"],
        "expired": [
            SchoolEnd(item["institution_number"], ApiNames((item["api"],)), day(item["ended_on"]))
            for item in data["expired"]
        ],
        "product": context.product,
        "link": context.link(f"/#/apps/{data['application_id']}/access"),
    }
    return _to_application_people("grants_expired", application, partner, context, values)


def renewal_due(data: dict, context: Context) -> list[Letter]:
    """The school admin's reminder before the grants at their school end, with the one-click renewal."""
    school = data["school_name"] or data["institution_number"]
    values = {
        "name": data["application_name"],
        "partner": data["partner_name"],
        "school": school,
        "apis": ApiNames(tuple(data["apis"])),
        "ends_on": day(data["ends_on"]),
        "renews_until": day(data["renews_until"]),
        "link": data["url"],
        "expires": expiry(data["expires_at"]),
        "overview": context.link("/backoffice/#/grant-ends"),
        "product": context.product,
    }
    return [Letter(data["email"], "renewal_due", context.language, values)]


def _school(item: dict) -> str:
    number = item["institution_number"]
    return f"{item['school_name']} ({number})" if item.get("school_name") else number


def grants_expiring(
    data: dict, application: ApplicationContact | None, partner: PartnerContact | None, context: Context
) -> list[Letter]:
    """The partner hears which schools' grants end soon and have not been renewed yet."""
    values = {
        "name": data["application_name"],
        "schools": [
            SchoolEnd(_school(item), ApiNames(tuple(item["apis"])), day(item["ends_on"])) for item in data["schools"]
        ],
        "product": context.product,
        "link": context.link(f"/#/apps/{data['application_id']}/access"),
    }
    return _to_application_people("grants_expiring", application, partner, context, values)


def webhook_endpoint_disabled(
    data: dict, application: ApplicationContact | None, partner: PartnerContact | None, context: Context
) -> list[Letter]:
    """A webhook endpoint failed for the whole retry window and was switched off: the partner fixes the
    receiver and enables it again (nothing is sent to it meanwhile)."""
    values = {
        "name": application.name if application else data["application_id"],
        "url": data["url"],
        "error": data["last_error"],
        "since": expiry(data["failing_since"]),
        "when": expiry(data["disabled_at"]),
        "product": context.product,
        "link": context.link(f"/#/apps/{data['application_id']}/webhooks"),
    }
    return _to_application_people("webhook_endpoint_disabled", application, partner, context, values)
