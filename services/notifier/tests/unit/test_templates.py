"""Every mail template in Dutch and English: its subject, that the mail carries its link, the escaping of
values in the HTML part, and the language and recipient of the mail it makes."""

import datetime as dt

import pytest
from jinja2 import UndefinedError

from portal_notifier.adapters.templates import MailTemplates, localised
from portal_notifier.domain.compose import ApiNames, Day, FieldNames, Moment, SchoolEnd, SchoolGrant
from portal_notifier.domain.mail import Letter

LINK = "https://portal.test/x?token=t&a=b"
FORGOT = "https://portal.test/login/forgot"
VALUES = {
    "link": LINK,
    "forgot": FORGOT,
    "portal": "https://portal.test/",
    "backoffice": "https://portal.test/backoffice/",
    "role": "school-admin",
    "school": "directie@school.example",
    "expires": Moment(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)),
    "failures": 20,
    "since": Moment(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)),
    "name": "Agenda <Plus>",
    "apis": ApiNames(("leerlingen", "rekeningen")),
    "client_id": "cl-agenda",
    "reason": "Vaag <b>",
    "new_name": "Agenda Official",
    "apis_added": ApiNames(("rekeningen",)),
    "fields": FieldNames(("description", "apis")),
    "added": [SchoolGrant("leerlingen", "012345")],
    "removed": [SchoolGrant("personeel", "012345")],
    "partner": "Agenda BV",
    "count": 2,
    "url": "https://hooks.agenda.example/portal",
    "error": "HTTP 500",
    "when": Moment(dt.datetime(2026, 11, 25, 14, 3, tzinfo=dt.UTC)),
    "sent": Moment(dt.datetime(2026, 10, 25, 14, 3, tzinfo=dt.UTC)),
    "ends_on": Day(dt.date(2027, 8, 31)),
    "renews_until": Day(dt.date(2028, 8, 31)),
    "overview": "https://portal.test/backoffice/#/grant-ends",
    "expired": [SchoolEnd("012345", ApiNames(("leerlingen",)), Day(dt.date(2027, 8, 31)))],
    "schools": [SchoolEnd("Sint-Jozef (012345)", ApiNames(("personeel",)), Day(dt.date(2027, 8, 31)))],
}
SUBJECTS = {
    ("access_declined", "nl"): "Datatoegang voor Agenda <Plus> geweigerd",
    ("access_declined", "en"): "Data access for Agenda <Plus> declined",
    ("access_expired", "nl"): "Aanvraag voor datatoegang van Agenda <Plus> verlopen",
    ("access_expired", "en"): "Request for data access of Agenda <Plus> expired",
    ("access_reminded", "nl"): "Herinnering: datatoegang voor applicatie Agenda <Plus>",
    ("access_reminded", "en"): "Reminder: data access for application Agenda <Plus>",
    ("access_requested", "nl"): "Datatoegang voor applicatie Agenda <Plus>",
    ("access_requested", "en"): "Data access for application Agenda <Plus>",
    ("account_invited", "nl"): "Je account voor het Partnerportaal",
    ("account_invited", "en"): "Your account for the Partnerportaal",
    ("account_registered", "nl"): "Activeer je partneraccount",
    ("account_registered", "en"): "Activate your partner account",
    ("application_approved", "nl"): "Je applicatie Agenda <Plus> is goedgekeurd",
    ("application_approved", "en"): "Your application Agenda <Plus> is approved",
    ("application_change_approved", "nl"): "De wijziging van Agenda <Plus> is goedgekeurd",
    ("application_change_approved", "en"): "The change of Agenda <Plus> is approved",
    ("application_change_rejected", "nl"): "De wijziging van Agenda <Plus> is afgewezen",
    ("application_change_rejected", "en"): "The change of Agenda <Plus> was rejected",
    ("application_change_requested", "nl"): "Wijziging van Agenda <Plus> wacht op goedkeuring",
    ("application_change_requested", "en"): "Change of Agenda <Plus> awaits approval",
    ("application_changed", "nl"): "Applicatie Agenda <Plus> is gewijzigd",
    ("application_changed", "en"): "Application Agenda <Plus> changed",
    ("application_rejected", "nl"): "Je applicatie Agenda <Plus> is afgewezen",
    ("application_rejected", "en"): "Your application Agenda <Plus> was rejected",
    ("application_requested", "nl"): "Nieuwe aanvraag voor een client ID: Agenda <Plus>",
    ("application_requested", "en"): "New client ID request: Agenda <Plus>",
    ("client_secrets_revoked", "nl"): "Alle secrets van Agenda <Plus> zijn ingetrokken",
    ("client_secrets_revoked", "en"): "All secrets of Agenda <Plus> were revoked",
    ("grants_changed", "nl"): "Datatoegang van Agenda <Plus> gewijzigd",
    ("grants_changed", "en"): "Data access of Agenda <Plus> changed",
    ("grants_expired", "nl"): "Datatoegang van Agenda <Plus> verlopen",
    ("grants_expired", "en"): "Data access of Agenda <Plus> expired",
    ("grants_expiring", "nl"): "Datatoegang van Agenda <Plus> loopt binnenkort af",
    ("grants_expiring", "en"): "Data access of Agenda <Plus> ends soon",
    ("renewal_due", "nl"): "Datatoegang van Agenda <Plus> tot directie@school.example loopt af op 31/08/2027",
    ("renewal_due", "en"): "Data access of Agenda <Plus> to directie@school.example ends on 31/08/2027",
    ("login_attacked", "nl"): "Mislukte aanmeldingen op je account",
    ("login_attacked", "en"): "Failed sign-ins to your account",
    ("password_reset", "nl"): "Nieuw wachtwoord voor je partneraccount",
    ("password_reset", "en"): "New password for your partner account",
    ("profile_changed", "nl"): "Partnerprofiel Agenda <Plus> is gewijzigd",
    ("profile_changed", "en"): "Partner profile Agenda <Plus> changed",
    ("registration_repeated", "nl"): "Je hebt al een partneraccount",
    ("registration_repeated", "en"): "You already have a partner account",
    ("webhook_endpoint_disabled", "nl"): "Webhook-eindpunt van Agenda <Plus> uitgeschakeld",
    ("webhook_endpoint_disabled", "en"): "Webhook endpoint of Agenda <Plus> disabled",
}
# The mails to people who may not be able to sign in point to the forgotten-password page.
LINK_OF = {"login_attacked": FORGOT, "registration_repeated": FORGOT}


@pytest.fixture(scope="module")
def templates() -> MailTemplates:
    return MailTemplates("Partnerportaal")


@pytest.mark.parametrize(("template", "language"), sorted(SUBJECTS))
def test_each_template_has_its_subject_link_and_language(templates, template, language):
    mail = templates.render(Letter("jan@agenda.example", template, language, VALUES))
    assert mail.subject == SUBJECTS[template, language]
    assert mail.recipient == "jan@agenda.example" and mail.language == language
    link = LINK_OF.get(template, LINK)
    assert link in mail.text  # the text part is not escaped
    assert f'href="{link.replace("&", "&amp;")}"' in mail.html
    assert mail.text.endswith("\n\nPartnerportaal\n")
    assert f'<html lang="{language}">' in mail.html


def test_every_template_file_is_in_the_table():
    found = {(name.split(".")[0], name.split(".")[1]) for name in MailTemplates("P").env.list_templates(".j2")}
    assert found == set(SUBJECTS)


def test_values_are_escaped_in_the_html_part_only(templates):
    mail = templates.render(Letter("jan@agenda.example", "application_rejected", "nl", VALUES))
    assert "Vaag <b>" in mail.text and "Vaag &lt;b&gt;" in mail.html and "Vaag <b>" not in mail.html


def test_a_language_without_templates_falls_back_to_dutch(templates):
    mail = templates.render(Letter("jan@agenda.example", "account_registered", "fr", VALUES))
    assert mail.subject == "Activeer je partneraccount" and mail.language == "nl"


def test_a_missing_value_is_an_error_not_a_hole_in_the_mail(templates):
    with pytest.raises(UndefinedError):
        templates.render(Letter("jan@agenda.example", "account_registered", "nl", {"link": LINK}))


def test_the_subject_is_one_line(templates):
    mail = templates.render(Letter("jan@agenda.example", "application_rejected", "en", {**VALUES, "name": "A\n  B"}))
    assert mail.subject == "Your application A B was rejected"


def test_a_change_names_the_new_name_only_when_there_is_one(templates):
    renamed = templates.render(Letter("j@a.example", "application_change_approved", "nl", VALUES))
    same = templates.render(Letter("j@a.example", "application_change_approved", "nl", {**VALUES, "new_name": None}))
    assert 'heet nu "Agenda Official"' in renamed.text and "heet nu" not in same.text


def test_grants_changed_lists_what_was_added_and_revoked(templates):
    mail = templates.render(Letter("j@a.example", "grants_changed", "en", VALUES))
    assert "Added:\n- Pupils (012345)" in mail.text and "Revoked:\n- Staff (012345)" in mail.text
    assert "<li>Staff (012345)</li>" in mail.html


def test_a_grant_names_its_api_in_the_letters_language(templates):
    mail = templates.render(Letter("j@a.example", "grants_changed", "nl", VALUES))
    assert "Toegevoegd:\n- Leerlingen (012345)" in mail.text and "Ingetrokken:\n- Personeel (012345)" in mail.text


def brussels(iso: str, language: str) -> str:
    return localised(Moment(dt.datetime.fromisoformat(iso)), language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_moment_is_brussels_time_in_summer_and_in_winter(language):
    assert brussels("2026-07-01T10:00:00+00:00", language) == "01/07/2026 12:00"  # CEST, UTC+2
    assert brussels("2026-11-26T12:00:00+00:00", language) == "26/11/2026 13:00"  # CET, UTC+1
    assert brussels("2026-01-01T23:30:00+00:00", language) == "02/01/2026 00:30"  # the next day in Brussels


def test_the_clock_change_is_followed_on_the_day_itself():
    assert brussels("2026-03-29T00:30:00+00:00", "nl") == "29/03/2026 01:30"  # before the switch to summer time
    assert brussels("2026-03-29T01:30:00+00:00", "nl") == "29/03/2026 03:30"  # after it
    assert brussels("2026-10-25T00:30:00+00:00", "en") == "25/10/2026 02:30"  # before the switch to winter time
    assert brussels("2026-10-25T01:30:00+00:00", "en") == "25/10/2026 02:30"  # after it, the hour again


@pytest.mark.parametrize(
    ("language", "apis", "fields"),
    [
        ("nl", "Leerlingen, Rekeningen", "omschrijving, API-toegang"),
        ("en", "Pupils, Invoices", "description, API access"),
    ],
)
def test_api_names_and_field_labels_are_in_the_letters_language(language, apis, fields):
    assert localised(ApiNames(("leerlingen", "rekeningen")), language) == apis
    assert localised(FieldNames(("description", "apis")), language) == fields


def test_a_key_without_a_name_is_written_as_it_is():
    assert localised(ApiNames(("leerlingen", "nieuw")), "nl") == "Leerlingen, nieuw"
    assert localised(FieldNames(("email",)), "en") == "email"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ("26/11/2026 13:00", "API's: Leerlingen, Rekeningen")),
        ("en", ("26/11/2026 13:00", "APIs: Pupils, Invoices")),
    ],
)
def test_a_mail_carries_brussels_time_and_api_names_in_its_language(templates, language, expected):
    mail = templates.render(Letter("directie@school.example", "access_requested", language, VALUES))
    for text in expected:
        assert text in mail.text and text in mail.html


@pytest.mark.parametrize(
    ("language", "fields"), [("nl", "omschrijving, API-toegang"), ("en", "description, API access")]
)
def test_a_changed_application_names_its_fields_in_the_letters_language(templates, language, fields):
    mail = templates.render(Letter("dev@agenda.example", "application_changed", language, VALUES))
    assert f"({fields})" in mail.text and f"({fields})" in mail.html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_invitation_states_its_expiry_in_brussels_time_not_as_utc(templates, language):
    mail = templates.render(Letter("nieuw@school.example", "account_invited", language, VALUES))
    assert "26/11/2026 13:00" in mail.text and "UTC" not in mail.text and "UTC" not in mail.html


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("nl", "- Sint-Jozef (012345): Personeel (tot en met 31/08/2027)"),
        ("en", "- Sint-Jozef (012345): Staff (until 31/08/2027)"),
    ],
)
def test_schools_whose_grants_end_are_named_with_apis_and_end_date_in_the_letters_language(templates, language, line):
    mail = templates.render(Letter("jan@agenda.example", "grants_expiring", language, VALUES))
    assert line in mail.text.splitlines()
