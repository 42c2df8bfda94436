"""Every mail template in Dutch and English: its subject, that the mail carries its link, the escaping of
values in the HTML part, and the language and recipient of the mail it makes."""

import pytest
from jinja2 import UndefinedError

from portal_notifier.adapters.templates import MailTemplates
from portal_notifier.domain.mail import Letter

LINK = "https://portal.test/x?token=t&a=b"
FORGOT = "https://portal.test/login/forgot"
VALUES = {
    "link": LINK,
    "forgot": FORGOT,
    "portal": "https://portal.test/",
    "expires": "2026-11-26 12:00",
    "failures": 20,
    "since": "2026-11-25 12:00",
    "name": "Agenda <Plus>",
    "apis": "leerlingen, rekeningen",
    "client_id": "cl-agenda",
    "reason": "Vaag <b>",
    "new_name": "Agenda Official",
    "apis_added": "rekeningen",
    "fields": "description",
    "added": ["leerlingen (012345)"],
    "removed": ["personeel (012345)"],
    "partner": "Agenda BV",
    "count": 2,
    "when": "2026-11-25 14:03",
}
SUBJECTS = {
    ("access_requested", "nl"): "Datatoegang voor applicatie Agenda <Plus>",
    ("access_requested", "en"): "Data access for application Agenda <Plus>",
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
    ("login_attacked", "nl"): "Mislukte aanmeldingen op je account",
    ("login_attacked", "en"): "Failed sign-ins to your account",
    ("password_reset", "nl"): "Nieuw wachtwoord voor je partneraccount",
    ("password_reset", "en"): "New password for your partner account",
    ("profile_changed", "nl"): "Partnerprofiel Agenda <Plus> is gewijzigd",
    ("profile_changed", "en"): "Partner profile Agenda <Plus> changed",
    ("registration_repeated", "nl"): "Je hebt al een partneraccount",
    ("registration_repeated", "en"): "You already have a partner account",
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
    assert "Added:\n- leerlingen (012345)" in mail.text and "Revoked:\n- personeel (012345)" in mail.text
    assert "<li>personeel (012345)</li>" in mail.html
