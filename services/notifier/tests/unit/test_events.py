"""Each event the notifier hears, against its unit of work in memory: the mails it records (recipient,
subject, language, content), the contacts it keeps, and what it leaves alone."""

import functools
import uuid

import pytest

from portal_notifier.service_layer import events
from portalkit.config import find_contracts_dir
from portalkit.events.contracts import EventContracts
from portalkit.events.envelope import Envelope
from portalkit.events.transport import load_subscriptions

from .fakes import MODERATORS, FakeNotifierUnitOfWork, fake_notifier

APP = {"application_id": "app-1", "partner_id": "p1", "name": "Agenda Plus", "contact_email": "dev@agenda.example"}
PROFILE = {"partner_id": "p1", "name": "Agenda BV", "email": "info@agenda.example", "created_by": "u1"}
REQUESTED = {**APP, "apis": ["leerlingen", "rekeningen"], "requested_by": "u1"}
ISSUED = {"client_id": "cl-agenda", "application_id": "app-1", "partner_id": "p1"}
CHANGE = {**APP, "change_id": "c1", "apis_added": ["rekeningen"]}
GRANT = {"api": "leerlingen", "institution_number": "012345"}
REVOKED = {
    "client_id": "c-1",
    "application_id": "app-1",
    "partner_id": "p1",
    "revoked_count": 2,
    "revoked_by": "m",
    "reason": "Secret <b>op GitHub</b>",
    "revoked_at": "2026-11-25T14:03:00+00:00",
}


@functools.cache
def contracts() -> EventContracts:
    return EventContracts(f"{find_contracts_dir()}/events")


@pytest.fixture
def uow() -> FakeNotifierUnitOfWork:
    return FakeNotifierUnitOfWork()


@pytest.fixture
def notifier(uow):
    return fake_notifier(uow)


@pytest.fixture
def hear(notifier, uow):
    """Hand events to their handlers as the consumer would; each must be valid by its contract."""
    handlers = events.bound_to(notifier)

    def hear(event_type: str, data: dict, event_id: str | None = None) -> Envelope:
        envelope = Envelope(event_id or str(uuid.uuid4()), event_type, "2026-11-23T12:00:00Z", 1, data)
        contracts().validate(envelope.as_dict())
        handlers[event_type](uow, envelope)
        return envelope

    return hear


def mails(uow, recipient=None):
    return [d for d in uow.deliveries.stored.values() if recipient is None or d.recipient == recipient]


def subjects(uow, recipient):
    return sorted(d.subject for d in mails(uow, recipient))


def test_every_handled_event_is_one_the_notifier_is_bound_to():
    bound = set(load_subscriptions(find_contracts_dir())["notifier"].bindings)
    assert set(events.HANDLERS) <= bound


def test_an_application_request_records_one_mail_per_moderator_once(hear, uow, notifier):
    envelope = hear("apps.application.requested", REQUESTED)
    hear("apps.application.requested", REQUESTED, event_id=envelope.id)  # redelivered
    assert sorted(d.recipient for d in mails(uow)) == sorted(MODERATORS)
    delivery = mails(uow, MODERATORS[0])[0]
    assert delivery.subject == "Nieuwe aanvraag voor een client ID: Agenda Plus"
    assert (delivery.event_id, delivery.event_type) == (envelope.id, "apps.application.requested")
    assert "Leerlingen, Rekeningen" in delivery.body and "Leerlingen, Rekeningen" in delivery.html
    assert 'href="https://portal.test/backoffice/#/applications/app-1"' in delivery.html
    assert notifier.new_mail.announced == [envelope.id]  # the redelivery recorded nothing, so woke nobody


def test_events_that_only_keep_contacts_wake_no_sender(hear, uow, notifier):
    hear("partners.profile.created", PROFILE)
    hear("apps.application.approved", {**APP, "approved_by": "m"})
    assert mails(uow) == [] and notifier.new_mail.announced == []


@pytest.mark.parametrize(
    ("language", "subject"), [("nl", "Activeer je partneraccount"), ("en", "Activate your partner account")]
)
def test_the_activation_mail_is_in_the_registrants_language(hear, uow, language, subject):
    data = {
        "account_id": "a1",
        "email": "jan@agenda.example",
        "language": language,
        "activation_url": "https://portal.test/login/activate?token=abc",
        "expires_at": "2026-11-26T12:00:00+00:00",
    }
    hear("identity.account.registered", data)
    [delivery] = mails(uow, "jan@agenda.example")
    assert delivery.subject == subject and delivery.language == language
    assert "https://portal.test/login/activate?token=abc" in delivery.body
    assert "26/11/2026 13:00" in delivery.body  # Brussels time


def test_the_owner_of_an_address_registered_again_is_told(hear, uow):
    hear(
        "identity.account.registration_repeated", {"account_id": "a1", "email": "jan@agenda.example", "language": "en"}
    )
    [delivery] = mails(uow, "jan@agenda.example")
    assert delivery.subject == "You already have a partner account"
    assert "https://portal.test/login/forgot" in delivery.body and "token=" not in delivery.body


def test_the_owner_of_an_account_under_attack_is_told(hear, uow):
    data = {"account_id": "a1", "email": "mod@portal.example", "language": "nl", "failures": 20}
    hear("identity.account.login_attacked", {**data, "since": "2026-11-25T12:00:00+00:00"})
    [delivery] = mails(uow, "mod@portal.example")
    assert delivery.subject == "Mislukte aanmeldingen op je account"
    assert "20 keer" in delivery.body and "Sinds 25/11/2026 13:00" in delivery.body
    assert "https://portal.test/login/forgot" in delivery.body


def test_a_password_reset_mail_carries_the_link(hear, uow):
    data = {"account_id": "a1", "email": "jan@agenda.example", "language": "nl"}
    data |= {"reset_url": "https://portal.test/login/reset?token=xyz", "expires_at": "2026-11-23T14:00:00+00:00"}
    hear("identity.password_reset.requested", data)
    [delivery] = mails(uow, "jan@agenda.example")
    assert "wachtwoord" in delivery.subject and "https://portal.test/login/reset?token=xyz" in delivery.body


def test_an_access_request_reaches_the_school_admin(hear, uow):
    data = {
        "request_id": "r1",
        "application_id": "app-1",
        "application_name": "Agenda Plus",
        "partner_id": "p1",
        "partner_name": "Agenda BV",
        "email": "directie@school.example",
        "apis": ["leerlingen"],
        "url": "https://portal.test/backoffice/#/requests/r1?token=t",
        "expires_at": "2026-12-23T12:00:00+00:00",
    }
    hear("scopes.access.requested", data)
    [delivery] = mails(uow, "directie@school.example")
    assert delivery.subject == "Datatoegang voor applicatie Agenda Plus"
    assert data["url"] in delivery.body and "geldig tot 23/12/2026 13:00" in delivery.body
    assert "(API's: Leerlingen)" in delivery.body


def test_a_profile_is_kept_as_the_partners_contact(hear, uow):
    hear("partners.profile.created", {**PROFILE, "language": "en"})
    partner = uow.contacts.partner("p1")
    assert (partner.email, partner.language) == ("info@agenda.example", "en")


def test_a_changed_profile_is_kept_and_told_to_its_address(hear, uow):
    hear("partners.profile.created", PROFILE)
    changed = {**PROFILE, "email": "new@agenda.example", "changed_fields": ["email"], "changed_by": "u1"}
    del changed["created_by"]
    hear("partners.profile.changed", changed)
    assert uow.contacts.partner("p1").email == "new@agenda.example"
    assert subjects(uow, "new@agenda.example") == ["Partnerprofiel Agenda BV is gewijzigd"]


def test_the_approval_waits_for_the_client_and_names_it(hear, uow):
    hear("partners.profile.created", PROFILE)
    hear("apps.application.approved", {**APP, "approved_by": "m"})
    assert mails(uow) == []
    hear("identity.client.issued", ISSUED)
    for recipient in ("info@agenda.example", "dev@agenda.example"):
        [delivery] = mails(uow, recipient)
        assert delivery.subject == "Je applicatie Agenda Plus is goedgekeurd"
        assert "heeft nu client ID cl-agenda" in delivery.body and "<code>cl-agenda</code>" in delivery.html
        assert "https://portal.test/#/apps/app-1/credentials" in delivery.body


def test_a_client_of_an_application_not_heard_of_yet_is_retried(hear, uow):
    with pytest.raises(events.UnknownApplication):
        hear("identity.client.issued", ISSUED)
    assert mails(uow) == []


LINKED = {"application_id": "app-1", "partner_id": "p1", "client_id": "cl-1", "name": "Agenda", "apis": ["leerlingen"]}


def test_a_linked_application_is_kept_without_mail(hear, uow):
    hear("apps.application.linked", LINKED)
    assert uow.contacts.application("app-1").name == "Agenda" and mails(uow) == []


def test_an_event_without_a_contact_address_keeps_the_one_known(hear, uow):
    hear("apps.application.requested", REQUESTED)
    hear("apps.application.linked", LINKED)
    kept = uow.contacts.application("app-1")
    assert (kept.name, kept.contact_email) == ("Agenda", "dev@agenda.example")


def test_a_rejection_reaches_partner_and_contact_with_the_reason_escaped_in_html(hear, uow):
    hear("partners.profile.created", PROFILE)
    hear("apps.application.rejected", {**APP, "reason": "Beschrijving <b>vaag</b>", "rejected_by": "m"})
    for recipient in ("info@agenda.example", "dev@agenda.example"):
        [delivery] = mails(uow, recipient)
        assert delivery.subject == "Je applicatie Agenda Plus is afgewezen"
        assert "Beschrijving <b>vaag</b>" in delivery.body
        assert "Beschrijving &lt;b&gt;vaag&lt;/b&gt;" in delivery.html
        assert "https://portal.test/#/apps/app-1/edit" in delivery.body


def test_one_mail_when_partner_and_contact_are_the_same_address(hear, uow):
    hear("partners.profile.created", PROFILE)
    hear("apps.application.approved", {**APP, "contact_email": "info@agenda.example", "approved_by": "m"})
    hear("identity.client.issued", ISSUED)
    assert len(mails(uow, "info@agenda.example")) == 1


def test_mails_about_an_english_speaking_partner_are_in_english(hear, uow):
    hear("partners.profile.created", {**PROFILE, "language": "en"})
    hear("apps.application.approved", {**APP, "approved_by": "m"})
    hear("identity.client.issued", ISSUED)
    [contact] = mails(uow, "dev@agenda.example")
    assert contact.subject == "Your application Agenda Plus is approved" and contact.language == "en"


def test_a_changed_application_is_told_to_its_contact(hear, uow):
    hear("apps.application.changed", {**APP, "changed_fields": ["description", "apis"], "changed_by": "u1"})
    [delivery] = mails(uow, "dev@agenda.example")
    assert delivery.subject == "Applicatie Agenda Plus is gewijzigd" and "(omschrijving, API-toegang)" in delivery.body
    assert "https://portal.test/#/apps/app-1" in delivery.body


def test_a_change_to_an_approved_application_asks_every_moderator(hear, uow):
    hear("apps.application.change_requested", {**CHANGE, "proposed_name": "Agenda Official", "requested_by": "u1"})
    assert sorted(d.recipient for d in mails(uow)) == sorted(MODERATORS)
    delivery = mails(uow, MODERATORS[0])[0]
    assert delivery.subject == "Wijziging van Agenda Plus wacht op goedkeuring"
    assert "Naam: Agenda Plus → Agenda Official" in delivery.body and "API's erbij: Rekeningen" in delivery.body
    assert 'href="https://portal.test/backoffice/#/applications/app-1"' in delivery.html


def test_the_decision_on_a_change_reaches_the_partner_and_the_app_contact(hear, uow):
    hear("partners.profile.created", PROFILE)
    hear(
        "apps.application.change_rejected",
        {**CHANGE, "proposed_name": None, "reason": "Niet <nodig>", "rejected_by": "m"},
    )
    approved = {
        **CHANGE,
        "name": "Agenda Official",
        "previous_name": "Agenda Plus",
        "apis": ["leerlingen", "rekeningen"],
    }
    hear("apps.application.change_approved", {**approved, "approved_by": "m"})
    for recipient in ("info@agenda.example", "dev@agenda.example"):
        assert subjects(uow, recipient) == [
            "De wijziging van Agenda Plus is afgewezen",
            "De wijziging van Agenda Plus is goedgekeurd",
        ]
    [approved_mail] = [d for d in mails(uow, "dev@agenda.example") if "goedgekeurd" in d.subject]
    assert 'heet nu "Agenda Official"' in approved_mail.body
    assert "toegang geven tot: Rekeningen" in approved_mail.body
    [rejected] = [d for d in mails(uow, "dev@agenda.example") if "afgewezen" in d.subject]
    assert "Niet <nodig>" in rejected.body and "Niet &lt;nodig&gt;" in rejected.html
    assert "Gevraagde naam" not in rejected.body and "Gevraagde API's: Rekeningen" in rejected.body
    assert uow.contacts.application("app-1").name == "Agenda Official"


def test_the_decision_on_a_change_is_in_english_for_an_english_speaking_partner(hear, uow):
    hear("partners.profile.created", {**PROFILE, "language": "en"})
    approved = {**CHANGE, "previous_name": "Agenda Plus", "apis": ["leerlingen", "rekeningen"], "approved_by": "m"}
    hear("apps.application.change_approved", approved)
    [delivery] = mails(uow, "dev@agenda.example")
    assert delivery.subject == "The change of Agenda Plus is approved" and delivery.language == "en"
    assert "now called" not in delivery.body and "also give access to: Invoices" in delivery.body


def grants(added, removed):
    return {"application_id": "app-1", "grants_version": 2, "grants": added, "added": added, "removed": removed}


def test_added_and_removed_grants_are_mailed_to_the_applications_partner(hear, uow):
    hear("partners.profile.created", PROFILE)
    hear("apps.application.requested", REQUESTED)
    hear("scopes.grants.changed", grants([GRANT], [{"api": "personeel", "institution_number": "012345"}]))
    for recipient in ("info@agenda.example", "dev@agenda.example"):
        [delivery] = [d for d in mails(uow, recipient) if "Datatoegang" in d.subject]
        assert "- Leerlingen (012345)" in delivery.body and "- Personeel (012345)" in delivery.body
        assert "https://portal.test/#/apps/app-1/access" in delivery.body


def test_grants_of_an_application_not_known_here_mail_nobody(hear, uow):
    hear("scopes.grants.changed", grants([GRANT], []))
    assert mails(uow) == []


def test_an_emergency_revocation_reaches_partner_and_contact_each_time(hear, uow):
    hear("partners.profile.created", PROFILE)
    hear("apps.application.requested", REQUESTED)
    hear("identity.client.secrets_revoked", REVOKED)
    hear("partners.profile.created", {**PROFILE, "language": "en"})
    hear("identity.client.secrets_revoked", REVOKED)  # another event: mailed again
    dutch, english = sorted(mails(uow, "info@agenda.example"), key=lambda d: d.language != "nl")
    assert dutch.subject == "Alle secrets van Agenda Plus zijn ingetrokken"
    assert "Secret <b>op GitHub</b>" in dutch.body and "25/11/2026 15:03" in dutch.body
    assert "Secret &lt;b&gt;op GitHub&lt;/b&gt;" in dutch.html and "/#/apps/app-1/credentials" in dutch.body
    assert english.subject == "All secrets of Agenda Plus were revoked" and "25/11/2026 15:03" in english.body
    assert len(mails(uow, "dev@agenda.example")) == 2


def test_a_revocation_about_an_application_not_known_here_still_reaches_the_partner(hear, uow):
    hear("partners.profile.created", PROFILE)
    hear("identity.client.secrets_revoked", REVOKED)
    [delivery] = mails(uow)
    assert delivery.recipient == "info@agenda.example" and "c-1" in delivery.subject


def test_every_partner_link_opens_a_front_office_route(hear, uow):
    """The mails link to the UIs' hash routes (``#/apps/<id>``), never to a route the UI does not have."""
    hear("partners.profile.created", PROFILE)
    hear("apps.application.approved", {**APP, "approved_by": "m"})
    hear("identity.client.issued", ISSUED)
    hear("apps.application.rejected", {**APP, "reason": "Vaag", "rejected_by": "m"})
    hear("apps.application.changed", {**APP, "changed_fields": ["description"], "changed_by": "u1"})
    hear("scopes.grants.changed", grants([GRANT], []))
    links = {
        line.split(": ")[-1]
        for delivery in mails(uow, "dev@agenda.example")
        for line in delivery.body.splitlines()
        if "https://" in line
    }
    assert links == {
        "https://portal.test/#/apps/app-1/credentials",
        "https://portal.test/#/apps/app-1/edit",
        "https://portal.test/#/apps/app-1",
        "https://portal.test/#/apps/app-1/access",
    }


DECLINED = {
    "request_id": "r1",
    "application_id": "app-1",
    "application_name": "Agenda Plus",
    "partner_id": "p1",
    "email": "directie@school.example",
    "reason": "Wij gebruiken deze API niet.",
}


def test_a_declined_request_tells_partner_and_contact_why(hear, uow):
    hear("partners.profile.created", PROFILE)
    hear("apps.application.requested", REQUESTED)
    hear("scopes.access.declined", DECLINED)
    for recipient in ("info@agenda.example", "dev@agenda.example"):
        [delivery] = mails(uow, recipient)
        assert delivery.subject == "Datatoegang voor Agenda Plus geweigerd"
        assert "Wij gebruiken deze API niet." in delivery.body and "directie@school.example" in delivery.body
        assert "https://portal.test/#/apps/app-1/access" in delivery.body


def test_a_decline_without_reason_says_none(hear, uow):
    hear("partners.profile.created", {**PROFILE, "language": "en"})
    hear("scopes.access.declined", {**DECLINED, "reason": None})
    [delivery] = mails(uow, "info@agenda.example")
    assert delivery.subject == "Data access for Agenda Plus declined" and "Reason" not in delivery.body


# -- the school year: reminders, expiries, renewals --------------------------------------------------
SCHOOL_ADMIN = "directie@school.example"
REMINDED = {
    "request_id": "r1",
    "application_id": "app-1",
    "application_name": "Agenda Plus",
    "partner_id": "p1",
    "partner_name": "Agenda BV",
    "email": SCHOOL_ADMIN,
    "apis": ["leerlingen"],
    "url": "https://portal.test/backoffice/#/requests/r1?token=second",
    "expires_at": "2026-12-23T12:00:00+00:00",
}
RENEWAL_DUE = {
    "link_id": "l1",
    "application_id": "app-1",
    "application_name": "Agenda Plus",
    "partner_name": "Agenda BV",
    "institution_number": "012345",
    "school_name": "Sint-Jozef",
    "email": SCHOOL_ADMIN,
    "apis": ["leerlingen", "personeel"],
    "ends_on": "2027-08-31",
    "renews_until": "2028-08-31",
    "url": "https://portal.test/backoffice/#/renewals/l1?token=t",
    "expires_at": "2027-09-01T10:00:00+00:00",
}
EXPIRED_REQUEST = {
    "request_id": "r1",
    "application_id": "app-1",
    "application_name": "Agenda Plus",
    "partner_id": "p1",
    "email": SCHOOL_ADMIN,
    "sent_at": "2026-11-01T09:00:00+00:00",
    "expired_at": "2026-12-02T09:00:00+00:00",
}
EXPIRED_GRANTS = {
    "application_id": "app-1",
    "application_name": "Agenda Plus",
    "partner_id": "p1",
    "expired": [{"api": "leerlingen", "institution_number": "012345", "ended_on": "2027-08-31"}],
}
EXPIRING = {
    "application_id": "app-1",
    "application_name": "Agenda Plus",
    "partner_id": "p1",
    "schools": [
        {"institution_number": "012345", "school_name": "Sint-Jozef", "apis": ["leerlingen"], "ends_on": "2027-08-31"},
        {"institution_number": "067890", "school_name": None, "apis": ["personeel"], "ends_on": "2027-08-31"},
    ],
}


def test_the_halfway_reminder_reaches_the_school_admin_with_its_own_link(hear, uow):
    hear("scopes.access.reminded", REMINDED)
    [delivery] = mails(uow, SCHOOL_ADMIN)
    assert delivery.subject == "Herinnering: datatoegang voor applicatie Agenda Plus"
    assert REMINDED["url"] in delivery.body and "geldig tot 23/12/2026 13:00" in delivery.body


def test_the_renewal_reminder_carries_the_one_click_link_and_the_dates(hear, uow):
    hear("scopes.grants.renewal_due", RENEWAL_DUE)
    [delivery] = mails(uow, SCHOOL_ADMIN)
    assert delivery.subject == "Datatoegang van Agenda Plus tot Sint-Jozef loopt af op 31/08/2027"
    assert RENEWAL_DUE["url"] in delivery.body and "tot en met 31/08/2028" in delivery.body
    assert "(API's: Leerlingen, Personeel)" in delivery.body
    assert "https://portal.test/backoffice/#/grant-ends" in delivery.body


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("nl", "Aanvraag voor datatoegang van Agenda Plus verlopen"),
        ("en", "Request for data access of Agenda Plus expired"),
    ],
)
def test_an_expired_request_tells_partner_and_contact_they_may_ask_again(hear, uow, language, subject):
    hear("partners.profile.created", {**PROFILE, "language": language})
    hear("apps.application.requested", REQUESTED)
    hear("scopes.access.expired", EXPIRED_REQUEST)
    for recipient in ("info@agenda.example", "dev@agenda.example"):
        [delivery] = mails(uow, recipient)
        assert delivery.subject == subject and delivery.language == language
        assert SCHOOL_ADMIN in delivery.body and "01/11/2026 10:00" in delivery.body
        assert "https://portal.test/#/apps/app-1/access" in delivery.body


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("nl", "Datatoegang van Agenda Plus verlopen", "- 012345: Leerlingen (tot en met 31/08/2027)"),
        ("en", "Data access of Agenda Plus expired", "- 012345: Pupils (until 31/08/2027)"),
    ],
)
def test_expired_grants_are_told_to_the_partner_with_their_end_dates(hear, uow, language, subject, line):
    hear("partners.profile.created", {**PROFILE, "language": language})
    hear("apps.application.requested", REQUESTED)
    hear("scopes.grants.expired", EXPIRED_GRANTS)
    [delivery] = mails(uow, "info@agenda.example")
    assert delivery.subject == subject and line in delivery.body.splitlines()
    assert len(mails(uow, "dev@agenda.example")) == 1


@pytest.mark.parametrize(
    ("language", "subject"),
    [("nl", "Datatoegang van Agenda Plus loopt binnenkort af"), ("en", "Data access of Agenda Plus ends soon")],
)
def test_the_partner_hears_which_schools_have_not_renewed_yet(hear, uow, language, subject):
    hear("partners.profile.created", {**PROFILE, "language": language})
    hear("apps.application.requested", REQUESTED)
    hear("scopes.grants.expiring", EXPIRING)
    [delivery] = mails(uow, "info@agenda.example")
    assert delivery.subject == subject
    lines = delivery.body.splitlines()
    assert any(line.startswith("- Sint-Jozef (012345): ") for line in lines)
    assert any(line.startswith("- 067890: ") for line in lines)


def test_a_disabled_webhook_endpoint_is_mailed_to_partner_and_contact(hear, uow):
    hear("partners.profile.created", PROFILE)
    hear("apps.application.requested", REQUESTED)
    disabled = {
        "endpoint_id": "e-1",
        "application_id": "app-1",
        "partner_id": "p1",
        "url": "https://hooks.agenda.example/portal",
        "last_error": "HTTP 503",
        "failing_since": "2026-11-22T12:00:00+00:00",
        "disabled_at": "2026-11-23T12:00:00+00:00",
    }
    hear("webhooks.endpoint.disabled", disabled)
    for recipient in ("info@agenda.example", "dev@agenda.example"):
        [delivery] = [d for d in mails(uow, recipient) if d.event_type == "webhooks.endpoint.disabled"]
        assert delivery.subject == "Webhook-eindpunt van Agenda Plus uitgeschakeld"
        assert "https://hooks.agenda.example/portal" in delivery.body and "HTTP 503" in delivery.body
        assert "https://portal.test/#/apps/app-1/webhooks" in delivery.body
