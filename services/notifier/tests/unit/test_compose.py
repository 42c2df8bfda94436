"""Which mails an event causes: recipients, template, language and values (domain.md section 8)."""

import datetime as dt

from portal_notifier.domain import compose
from portal_notifier.domain.mail import ApplicationContact, PartnerContact

CONTEXT = compose.Context("https://portal.test/", ("mod1@p.example", "mod2@p.example"), "Partnerportaal")
PARTNER = PartnerContact("p1", "Agenda BV", "info@agenda.example", "en")
APPLICATION = ApplicationContact("app-1", "p1", "Agenda Plus", "dev@agenda.example")
APP = {"application_id": "app-1", "partner_id": "p1", "name": "Agenda Plus", "contact_email": "dev@agenda.example"}
GRANT = {"api": "leerlingen", "institution_number": "012345"}


def recipients(letters):
    return [letter.recipient for letter in letters]


def test_a_link_goes_through_the_public_url_without_a_double_slash():
    assert CONTEXT.link("/login/forgot") == "https://portal.test/login/forgot"


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def test_a_time_is_kept_as_the_moment_it_names_whatever_its_offset():
    assert compose.expiry("2026-11-26T13:00:00+01:00") == compose.Moment(utc(2026, 11, 26, 12, 0))


def test_the_activation_mail_goes_to_the_registrant_in_their_language_with_the_link():
    data = {"email": "jan@a.example", "language": "en", "activation_url": "https://x/a?token=t"}
    [letter] = compose.account_registered({**data, "expires_at": "2026-11-26T12:00:00+00:00"}, CONTEXT)
    assert (letter.recipient, letter.template, letter.language) == ("jan@a.example", "account_registered", "en")
    assert letter.values["link"] == "https://x/a?token=t" and letter.values["expires"] == compose.Moment(
        utc(2026, 11, 26, 12, 0)
    )


def test_a_repeated_registration_points_to_the_ways_in_and_carries_no_token():
    [letter] = compose.registration_repeated({"email": "jan@a.example", "language": "nl"}, CONTEXT)
    assert letter.template == "registration_repeated" and letter.language == "nl"
    assert letter.values["forgot"] == "https://portal.test/login/forgot"
    assert letter.values["portal"] == "https://portal.test/"
    assert not any("token" in str(value) for value in letter.values.values())


def test_an_attacked_account_hears_how_often_and_since_when():
    data = {"email": "m@p.example", "language": "nl", "failures": 20, "since": "2026-11-25T12:00:00+00:00"}
    [letter] = compose.login_attacked(data, CONTEXT)
    assert letter.recipient == "m@p.example" and letter.values["failures"] == 20
    assert letter.values["since"] == compose.Moment(utc(2026, 11, 25, 12, 0))
    assert letter.values["forgot"] == "https://portal.test/login/forgot"


def test_a_reset_mail_carries_the_reset_link():
    data = {"email": "jan@a.example", "language": "nl", "reset_url": "https://x/r?token=xyz"}
    [letter] = compose.password_reset_requested({**data, "expires_at": "2026-11-23T14:00:00+00:00"}, CONTEXT)
    assert letter.template == "password_reset" and letter.values["link"] == "https://x/r?token=xyz"


def test_an_application_request_asks_every_moderator_in_dutch():
    letters = compose.application_requested({**APP, "apis": ["leerlingen", "rekeningen"]}, CONTEXT)
    assert recipients(letters) == ["mod1@p.example", "mod2@p.example"]
    assert {letter.language for letter in letters} == {"nl"}
    assert letters[0].values["apis"] == compose.ApiNames(("leerlingen", "rekeningen"))
    assert letters[0].values["link"] == "https://portal.test/backoffice/#/applications/app-1"


def test_the_approval_names_the_client_and_links_to_its_credentials():
    letters = compose.client_issued({"client_id": "cl-1", "application_id": "app-1"}, APPLICATION, PARTNER, CONTEXT)
    assert recipients(letters) == ["info@agenda.example", "dev@agenda.example"]
    assert {letter.template for letter in letters} == {"application_approved"}
    assert letters[0].values["client_id"] == "cl-1" and letters[0].values["name"] == "Agenda Plus"
    assert letters[0].values["link"] == "https://portal.test/#/apps/app-1/credentials"


def test_mail_to_partner_and_contact_is_in_the_partners_language():
    letters = compose.application_rejected({**APP, "reason": "Vaag"}, PARTNER, CONTEXT)
    assert {letter.language for letter in letters} == {"en"}


def test_without_a_known_partner_only_the_contact_hears_in_dutch():
    [letter] = compose.application_rejected({**APP, "reason": "Vaag"}, None, CONTEXT)
    assert letter.recipient == "dev@agenda.example" and letter.language == "nl"


def test_a_partner_who_is_also_the_contact_gets_one_mail():
    same = {**APP, "contact_email": "info@agenda.example"}
    assert recipients(compose.application_rejected({**same, "reason": None}, PARTNER, CONTEXT)) == [
        "info@agenda.example"
    ]


def test_a_rejection_links_to_editing_the_application_with_the_reason():
    [_, letter] = compose.application_rejected({**APP, "reason": "Vaag"}, PARTNER, CONTEXT)
    assert letter.values["reason"] == "Vaag" and letter.values["link"] == "https://portal.test/#/apps/app-1/edit"


def test_a_change_request_names_old_and_proposed_name_to_every_moderator():
    data = {**APP, "apis_added": ["rekeningen"], "proposed_name": "Agenda Official"}
    letters = compose.application_change_requested(data, CONTEXT)
    assert recipients(letters) == ["mod1@p.example", "mod2@p.example"]
    values = letters[0].values
    assert (values["name"], values["new_name"]) == ("Agenda Plus", "Agenda Official")
    assert values["apis_added"] == compose.ApiNames(("rekeningen",))


def test_an_approved_rename_names_the_previous_and_the_new_name():
    data = {**APP, "name": "Agenda Official", "previous_name": "Agenda Plus", "apis_added": []}
    [letter, _] = compose.application_change_decided(data, PARTNER, CONTEXT, approved=True)
    assert letter.template == "application_change_approved"
    assert (letter.values["name"], letter.values["new_name"]) == ("Agenda Plus", "Agenda Official")
    assert letter.values["link"] == "https://portal.test/#/apps/app-1"


def test_an_approved_change_of_apis_only_names_no_new_name():
    data = {**APP, "previous_name": "Agenda Plus", "apis_added": ["rekeningen"]}
    [letter, _] = compose.application_change_decided(data, PARTNER, CONTEXT, approved=True)
    assert letter.values["new_name"] is None and letter.values["apis_added"] == compose.ApiNames(("rekeningen",))


def test_a_rejected_change_keeps_what_was_asked():
    data = {**APP, "proposed_name": "Agenda Official", "apis_added": [], "reason": "Nee"}
    [letter, _] = compose.application_change_decided(data, PARTNER, CONTEXT, approved=False)
    assert letter.template == "application_change_rejected"
    assert letter.values["new_name"] == "Agenda Official" and letter.values["reason"] == "Nee"


def test_a_changed_application_is_told_to_its_contact_with_the_fields():
    [letter] = compose.application_changed({**APP, "changed_fields": ["description", "apis"]}, CONTEXT)
    assert letter.recipient == "dev@agenda.example" and letter.values["fields"] == compose.FieldNames(
        ("description", "apis")
    )
    assert letter.values["link"] == "https://portal.test/#/apps/app-1"


def test_a_changed_profile_is_told_to_its_address_in_its_language_dutch_by_default():
    data = {"name": "Agenda BV", "email": "info@agenda.example", "changed_fields": ["website"]}
    [dutch] = compose.profile_changed(data, CONTEXT)
    [english] = compose.profile_changed({**data, "language": "en"}, CONTEXT)
    assert dutch.language == "nl" and english.language == "en"
    assert dutch.values["link"] == "https://portal.test/#/profile" and dutch.values["fields"] == compose.FieldNames(
        ("website",)
    )


def test_changed_grants_list_api_and_school_to_partner_and_contact():
    data = {"added": [GRANT], "removed": [{**GRANT, "api": "personeel"}]}
    letters = compose.grants_changed(data, APPLICATION, PARTNER, CONTEXT)
    assert recipients(letters) == ["info@agenda.example", "dev@agenda.example"]
    assert letters[0].values["added"] == [compose.SchoolGrant("leerlingen", "012345")]
    assert letters[0].values["removed"] == [compose.SchoolGrant("personeel", "012345")]
    assert letters[0].values["link"] == "https://portal.test/#/apps/app-1/access"


def test_grants_of_an_unknown_application_or_without_a_difference_mail_nobody():
    assert compose.grants_changed({"added": [GRANT], "removed": []}, None, PARTNER, CONTEXT) == []
    assert compose.grants_changed({"added": [], "removed": []}, APPLICATION, PARTNER, CONTEXT) == []


def test_an_access_request_goes_to_the_school_admin_with_the_one_month_link():
    data = {
        "application_name": "Agenda Plus",
        "partner_name": "Agenda BV",
        "email": "directie@school.example",
        "apis": ["leerlingen"],
        "url": "https://portal.test/backoffice/#/requests/r1?token=t",
        "expires_at": "2026-12-23T12:00:00+00:00",
    }
    [letter] = compose.access_requested(data, CONTEXT)
    assert letter.recipient == "directie@school.example" and letter.language == "nl"
    assert letter.values["link"] == data["url"] and letter.values["expires"] == compose.Moment(utc(2026, 12, 23, 12, 0))
    assert (letter.values["name"], letter.values["partner"]) == ("Agenda Plus", "Agenda BV")
    assert letter.values["apis"] == compose.ApiNames(("leerlingen",))


REVOKED = {
    "client_id": "c-1",
    "application_id": "app-1",
    "revoked_count": 2,
    "reason": "Gelekt",
    "revoked_at": "2026-11-25T14:03:00+00:00",
}


def test_a_revocation_of_all_secrets_reaches_partner_and_contact():
    letters = compose.client_secrets_revoked(REVOKED, APPLICATION, PARTNER, CONTEXT)
    assert recipients(letters) == ["info@agenda.example", "dev@agenda.example"]
    values = letters[0].values
    assert (values["name"], values["count"]) == ("Agenda Plus", 2)
    assert values["when"] == compose.Moment(utc(2026, 11, 25, 14, 3))
    assert values["link"] == "https://portal.test/#/apps/app-1/credentials"


def test_a_revocation_about_an_unknown_application_still_reaches_the_partner_named_by_client():
    [letter] = compose.client_secrets_revoked(REVOKED, None, PARTNER, CONTEXT)
    assert letter.recipient == "info@agenda.example" and letter.values["name"] == "c-1"


DISABLED = {
    "endpoint_id": "e-1",
    "application_id": "app-1",
    "partner_id": "p1",
    "url": "https://hooks.agenda.example/portal",
    "last_error": "HTTP 500",
    "failing_since": "2026-11-24T14:03:00+00:00",
    "disabled_at": "2026-11-25T14:03:00+00:00",
}


def test_a_disabled_webhook_endpoint_is_told_to_partner_and_contact_with_the_way_back():
    letters = compose.webhook_endpoint_disabled(DISABLED, APPLICATION, PARTNER, CONTEXT)
    assert recipients(letters) == ["info@agenda.example", "dev@agenda.example"]
    values = letters[0].values
    assert letters[0].template == "webhook_endpoint_disabled"
    assert (values["name"], values["error"]) == ("Agenda Plus", "HTTP 500")
    assert values["since"] == compose.Moment(utc(2026, 11, 24, 14, 3))
    assert values["link"] == "https://portal.test/#/apps/app-1/webhooks"


def test_an_invited_account_chooses_its_password_in_its_language_and_finds_the_back_office():
    data = {"email": "nieuw@school.example", "language": "en", "role": "school-admin"}
    data |= {"password_url": "https://x/reset?token=t", "expires_at": "2026-11-26T12:00:00+00:00"}
    [letter] = compose.account_invited(data, CONTEXT)
    assert (letter.recipient, letter.template, letter.language) == ("nieuw@school.example", "account_invited", "en")
    assert letter.values["link"] == "https://x/reset?token=t" and letter.values["role"] == "school-admin"
    assert letter.values["expires"] == compose.Moment(utc(2026, 11, 26, 12, 0))
    assert letter.values["backoffice"] == "https://portal.test/backoffice/"
