"""The rules of profiles and memberships, in the domain: no database, no HTTP."""

import base64
import datetime as dt

import pytest

from portal_partners.config import CATEGORIES
from portal_partners.domain import events
from portal_partners.domain.profiles import (
    LOGO_MAX_BYTES,
    InvalidProfile,
    Membership,
    Profile,
    belgian_postal_code_valid,
    decode_logo,
    enterprise_number,
    image_type,
    name_key,
    validated,
)

from .factories import NOW, data_url, fields, image, profile

LATER = NOW + dt.timedelta(hours=1)


def violated(error: pytest.ExceptionInfo) -> dict[str, str]:
    return {field: key for field, key, _ in error.value.violations}


class TestEnterpriseNumbers:
    @pytest.mark.parametrize("spelling", ["0123.456.749", "0123456749", "BE0123456749", "be 0123 456 749", "123456749"])
    def test_usual_spellings_give_one_canonical_form(self, spelling):
        assert enterprise_number(spelling) == "0123456749"

    @pytest.mark.parametrize("wrong", ["0123.456.748", "2123456749", "012345674", "ABC", "01234567490", None])
    def test_wrong_numbers_are_refused(self, wrong):
        assert enterprise_number(wrong) is None


def test_names_are_the_same_regardless_of_case_and_spaces():
    assert name_key("  agenda   PLUS ") == name_key("Agenda Plus") == "agenda plus"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"enterprise_number": "0123.456.748"}, "enterprise_number"),
        ({"description": None}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"contact_person": " "}, "contact_person"),
        (
            {"address": {"street": "Kerkstraat", "number": "1", "postal_code": "9000", "city": "Gent"}},
            "address.country",
        ),
        ({"address": {"street": "x" * 201, "number": "1", "postal_code": "9000", "city": "Gent"}}, "address.street"),
        ({"address": None}, "address"),
        (
            {
                "address": {
                    "street": "Kerkstraat",
                    "number": "1",
                    "postal_code": "900",
                    "city": "Gent",
                    "country": "België",
                }
            },
            "address.postal_code",
        ),
        ({"public": "ja"}, "public"),
        ({"categories": ["casino"]}, "categories"),
        ({"categories": ["planning", "casino"]}, "categories"),
        ({"categories": []}, "categories"),
        ({"categories": ["planning", "planning"]}, "categories"),
        ({"categories": ["planning", "hrm", "andere", "boekhouding", "communicatie", "administratie"]}, "categories"),
        ({"website": "ftp://agenda.example"}, "website"),
        ({"website": "agenda.example"}, "website"),
        ({"website": "https://agenda.example/" + "x" * 480}, "website"),
        ({"logo": None}, "logo"),
        ({"logo": "not base64!"}, "logo"),
        ({"logo": base64.b64encode(b"<svg onload=alert(1)>").decode()}, "logo"),
        ({"extra_info": "x" * 4001}, "extra_info"),
    ],
)
def test_each_rule_names_its_field(changes, field):
    with pytest.raises(InvalidProfile) as refused:
        Profile.create(
            account_id="acc-1", email="e@x.example", categories=CATEGORIES, now=NOW, fields=fields(**changes)
        )
    assert field in violated(refused)


def test_a_new_profile_names_every_missing_field_at_once():
    with pytest.raises(InvalidProfile) as refused:
        Profile.create(account_id="acc-1", email="e@x.example", categories=CATEGORIES, now=NOW, fields={})
    missing = violated(refused)
    required = "name description contact_person address public categories website logo"
    assert set(missing) == set(required.split())  # all but enterprise_number and extra_info
    assert set(missing.values()) == {"field.required"}


def test_a_new_profile_keeps_cleaned_values_and_announces_itself():
    made = Profile.create(
        account_id="acc-1",
        email="jan@agenda.example",
        categories=CATEGORIES,
        now=NOW,
        fields=fields(name="  Agenda   Plus ", extra_info="  "),
    )
    assert (made.name, made.name_key, made.enterprise_number) == ("Agenda Plus", "agenda plus", "0123456749")
    assert made.extra_info is None and made.logo_type == "image/png" and made.active
    assert made.events == [events.ProfileCreated(made.id, "Agenda Plus", "jan@agenda.example", "acc-1", "nl")]


@pytest.mark.parametrize(("asked", "kept"), [("en", "en"), ("nl", "nl"), ("fr", "nl")])
def test_a_profile_keeps_its_creators_language_when_the_portal_speaks_it(asked, kept):
    made = Profile.create(
        account_id="a", email="e@x.example", categories=CATEGORIES, now=NOW, fields=fields(), language=asked
    )
    assert made.language == kept and made.events[0].language == kept


def test_each_changed_field_is_logged_once_and_announced():
    edited = profile()
    entries = edited.edit(
        "acc-2", {"description": "Nieuw.", "public": False, "website": edited.website}, CATEGORIES, LATER
    )
    assert [(e.field, e.old_value, e.new_value, e.account_id) for e in entries] == [
        ("description", fields()["description"], "Nieuw.", "acc-2"),
        ("public", "True", "False", "acc-2"),
    ]
    assert edited.updated_at == LATER
    assert edited.events == [
        events.ProfileChanged(edited.id, "Agenda Plus", "jan@agenda.example", ["description", "public"], "acc-2", "nl")
    ]


def test_a_new_logo_is_logged_without_its_bytes_and_changes_the_served_type():
    edited = profile()
    [entry] = edited.edit("acc-1", {"logo": data_url(image("JPEG"), "image/jpeg")}, CATEGORIES, LATER)
    assert (entry.field, entry.old_value, entry.new_value) == ("logo", "(image)", "(image)")
    assert edited.logo_type == "image/jpeg"


def test_an_edit_that_changes_nothing_is_neither_logged_nor_announced():
    edited = profile()
    assert edited.edit("acc-1", {"description": edited.description}, CATEGORIES, LATER) == []
    assert edited.events == [] and edited.updated_at == NOW


def test_renaming_changes_what_makes_the_name_unique():
    edited = profile()
    edited.edit("acc-1", {"name": "Rooster  Rapid"}, CATEGORIES, LATER)
    assert edited.name_key == "rooster rapid"


def test_an_invalid_edit_changes_nothing():
    edited = profile()
    with pytest.raises(InvalidProfile):
        edited.edit("acc-1", {"description": "Nieuw.", "website": "agenda"}, CATEGORIES, LATER)
    assert edited.description == fields()["description"] and edited.events == []


def test_fields_that_are_not_editable_are_ignored():
    edited = profile()
    assert edited.edit("acc-1", {"email": "other@x.example", "active": False}, CATEGORIES, LATER) == []
    assert edited.email == "jan@agenda.example" and edited.active


def test_deactivating_is_logged_and_tells_every_service():
    changed = profile()
    entry = changed.set_active(False, "mod", LATER)
    assert (entry.field, entry.old_value, entry.new_value, entry.account_id) == ("active", "True", "False", "mod")
    assert not changed.active and changed.updated_at == LATER
    assert changed.events == [
        events.ProfileChanged(changed.id, "Agenda Plus", "jan@agenda.example", ["active"], "mod", "nl"),
        events.ProfileDeactivated(changed.id, "mod"),
    ]


def test_reactivating_announces_the_reactivation():
    changed = profile()
    changed.set_active(False, "mod", LATER)
    changed.events.clear()
    assert changed.set_active(True, "mod", LATER).new_value == "True"
    assert changed.events[-1] == events.ProfileReactivated(changed.id, "mod")


def test_setting_the_state_it_already_has_does_nothing():
    unchanged = profile()
    assert unchanged.set_active(True, "mod", LATER) is None and unchanged.events == []


def test_a_logo_over_the_limit_is_refused_by_its_size():
    too_big = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * LOGO_MAX_BYTES).decode()
    with pytest.raises(InvalidProfile) as refused:
        decode_logo(too_big)
    assert refused.value.violations == [("logo", "logo.too_large", {"max": LOGO_MAX_BYTES // 1024})]


def test_a_logo_is_read_from_a_data_url_or_plain_base64():
    png = image()
    assert decode_logo(data_url(png))[1] == decode_logo(base64.b64encode(png).decode())[1] == "image/png"


def test_a_logo_that_only_starts_like_an_image_is_refused():
    with pytest.raises(InvalidProfile) as refused:
        decode_logo(base64.b64encode(b"GIF89a<html>").decode())
    assert violated(refused) == {"logo": "logo.not_image"}


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"\x89PNG\r\n\x1a\n...", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBP", "image/webp"),
        (b"RIFF\x00\x00\x00\x00WAVE", None),
        (b"<svg>", None),
    ],
)
def test_the_served_type_follows_from_the_first_bytes(data, media_type):
    assert image_type(data) == media_type


@pytest.mark.parametrize(
    ("chosen", "key"),
    [
        ([], "field.required"),
        (None, "field.required"),
        (["planning", "casino"], "category.unknown"),
        (["planning", "hrm", "planning"], "categories.duplicate"),
        (list(CATEGORIES[:6]), "categories.too_many"),
    ],
)
def test_a_profile_has_one_to_five_known_categories_each_once(chosen, key):
    with pytest.raises(InvalidProfile) as refused:
        validated({"categories": chosen}, CATEGORIES)
    assert violated(refused) == {"categories": key}


def test_a_profile_keeps_its_categories_in_the_partners_order():
    chosen = ["planning", *CATEGORIES[:3], "andere"]
    assert validated({"categories": chosen}, CATEGORIES) == {"categories": chosen}


def test_changed_categories_are_logged_as_one_list():
    edited = profile(categories=["planning"])
    [entry] = edited.edit("acc-1", {"categories": ["hrm", "planning"]}, CATEGORIES, LATER)
    assert (entry.field, entry.old_value, entry.new_value) == ("categories", "planning", "hrm, planning")
    assert edited.categories == ["hrm", "planning"] and edited.events[0].changed_fields == ["categories"]


def test_the_same_categories_again_change_nothing():
    edited = profile(categories=["planning", "hrm"])
    assert edited.edit("acc-1", {"categories": ["planning", "hrm"]}, CATEGORIES, LATER) == []


def test_an_empty_enterprise_number_clears_it():
    assert validated({"enterprise_number": "  "}, CATEGORIES) == {"enterprise_number": None}


def test_linking_an_account_announces_it():
    membership = Membership.link("acc-2", "p-1", "an@agenda.example", NOW)
    assert membership.events == [events.UserLinked("p-1", "acc-2")]
    entry = membership.joined_entry()
    assert (entry.partner_id, entry.account_id, entry.field, entry.old_value, entry.new_value) == (
        "p-1",
        "acc-2",
        "users",
        None,
        "an@agenda.example",
    )


def test_unlinking_is_logged_in_the_name_of_whoever_removed_him_and_announced():
    membership = Membership.link("acc-2", "p-1", "an@agenda.example", NOW)
    membership.events.clear()
    entry = membership.unlink("acc-1", LATER)
    assert (entry.account_id, entry.changed_at, entry.field, entry.old_value, entry.new_value) == (
        "acc-1",
        LATER,
        "users",
        "an@agenda.example",
        None,
    )
    assert membership.events == [events.UserUnlinked("p-1", "acc-2", "acc-1")]


class TestBelgianPostalCodes:
    @pytest.mark.parametrize("code", ["1000", "9000", "9999"])
    def test_four_digits_from_1000_are_belgian(self, code):
        assert belgian_postal_code_valid(code, "België")

    @pytest.mark.parametrize("code", ["0999", "999", "10000", "B-9000", "90 00"])
    def test_anything_else_is_refused_in_belgium(self, code):
        assert not belgian_postal_code_valid(code, " belgium ")

    def test_other_countries_keep_their_own_codes(self):
        assert belgian_postal_code_valid("1012 AB", "Nederland")
