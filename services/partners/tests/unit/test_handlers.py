"""The partners service's use cases and event handlers against its unit of work in memory."""

import datetime as dt

import pytest

from portal_partners.config import CATEGORIES
from portal_partners.domain.invitations import InvitationInvalid, InvitationNotOpen, code_hash
from portal_partners.domain.profiles import InvalidProfile
from portal_partners.service_layer import handlers
from portalkit.events.envelope import Envelope, utcnow

from .factories import data_url, fields, image, profile
from .fakes import FakePartnersUnitOfWork


@pytest.fixture
def uow() -> FakePartnersUnitOfWork:
    return FakePartnersUnitOfWork()


def create(uow, account_id="acc-1", email="jan@agenda.example", **changes):
    return handlers.create_profile(
        uow, account_id=account_id, email=email, categories=CATEGORIES, fields=fields(**changes)
    )


def joined(uow, partner, account_id="acc-2", email="an@agenda.example"):
    """A colleague linked to ``partner`` with a code of its first member."""
    invitation = handlers.invite(
        uow, next(m for m in uow.memberships.stored.values() if m.partner_id == partner.id).account_id
    )
    return handlers.redeem(uow, account_id=account_id, email=email, code=invitation.code)


def approve(uow, partner_id, application_id="app-1"):
    data = {"application_id": application_id, "partner_id": partner_id, "name": "App", "contact_email": "a@b.example"}
    handlers.application_approved(uow, Envelope("e-1", "apps.application.approved", "2026-11-25T12:00:00Z", 1, data))


def test_creating_a_profile_links_the_account_and_announces_the_profile_first(uow):
    made = create(uow)
    assert uow.committed and uow.profiles.stored[made.id] is made
    assert uow.memberships.of_account("acc-1").partner_id == made.id
    assert [envelope.type for envelope in uow.published] == ["partners.profile.created", "partners.user.linked"]
    assert uow.events("partners.user.linked") == [{"partner_id": made.id, "account_id": "acc-1"}]
    assert uow.events("partners.profile.created")[0]["email"] == "jan@agenda.example"


def test_an_account_makes_one_profile(uow):
    create(uow)
    uow.published.clear()
    with pytest.raises(handlers.AlreadyLinked):
        create(uow, name="Tweede")
    assert uow.published == [] and len(uow.profiles.stored) == 1


def test_a_name_in_use_in_any_spelling_is_refused_with_the_name_as_it_is(uow):
    create(uow)
    with pytest.raises(handlers.NameTaken) as taken:
        create(uow, account_id="acc-2", name="  agenda   PLUS ")
    assert taken.value.name == "Agenda Plus" and not uow.committed


@pytest.mark.parametrize("moment", ["flush", "commit"])
def test_a_name_or_account_taken_by_a_concurrent_request_is_a_name_taken(uow, moment):
    uow.collision = moment
    with pytest.raises(handlers.NameTaken) as taken:
        create(uow)
    assert taken.value.name == "Agenda Plus" and uow.published == []


def test_an_invalid_profile_is_refused_before_anything_is_stored(uow):
    with pytest.raises(InvalidProfile):
        create(uow, website="agenda")
    assert uow.profiles.stored == {} and uow.memberships.stored == {}


def test_an_account_without_profile_is_told_so(uow):
    with pytest.raises(handlers.NoProfile):
        handlers.my_profile(uow, "acc-1")


def test_an_edit_is_logged_and_announced(uow):
    made = create(uow)
    uow.published.clear()
    edited = handlers.edit_profile(uow, "acc-1", CATEGORIES, {"description": "Nieuw."})
    assert edited.description == "Nieuw." and uow.committed
    assert [(e.field, e.new_value) for e in uow.audit_log.entries] == [("description", "Nieuw.")]
    assert uow.events("partners.profile.changed") == [
        {
            "partner_id": made.id,
            "name": "Agenda Plus",
            "email": "jan@agenda.example",
            "changed_fields": ["description"],
            "changed_by": "acc-1",
            "language": "nl",
        }
    ]


def test_a_profile_may_be_renamed_to_its_own_name_in_another_spelling_but_not_to_anothers(uow):
    create(uow)
    create(uow, account_id="acc-2", name="Rooster Rapid")
    assert handlers.edit_profile(uow, "acc-1", CATEGORIES, {"name": "AGENDA plus"}).name == "AGENDA plus"
    with pytest.raises(handlers.NameTaken) as taken:
        handlers.edit_profile(uow, "acc-1", CATEGORIES, {"name": "rooster  rapid"})
    assert taken.value.name == "Rooster Rapid"


def test_a_rename_that_collides_at_commit_is_a_name_taken(uow):
    create(uow)
    uow.collision = "commit"
    with pytest.raises(handlers.NameTaken) as taken:
        handlers.edit_profile(uow, "acc-1", CATEGORIES, {"name": "Rooster Rapid"})
    assert taken.value.name == "Rooster Rapid"


def test_members_of_a_deactivated_profile_read_it_but_change_nothing(uow):
    made = create(uow)
    handlers.set_active(uow, made.id, False, "mod")
    assert handlers.my_profile(uow, "acc-1") is made
    with pytest.raises(handlers.ProfileInactive):
        handlers.edit_profile(uow, "acc-1", CATEGORIES, {"description": "Nieuw."})
    with pytest.raises(handlers.ProfileInactive):
        handlers.invite(uow, "acc-1")
    assert made.description == fields()["description"]


def test_a_code_is_given_once_and_stored_as_its_hash_with_a_log_entry(uow):
    made = create(uow)
    invitation = handlers.invite(uow, "acc-1")
    assert uow.committed and uow.invitations.get(code_hash(invitation.code)) is invitation
    assert (invitation.partner_id, invitation.created_by_email) == (made.id, "jan@agenda.example")
    assert [(e.field, e.new_value) for e in uow.audit_log.entries] == [("invitations", invitation.label)]


def test_a_colleague_joins_with_a_code_logged_and_announced(uow):
    made = create(uow)
    code = handlers.invite(uow, "acc-1").code
    uow.published.clear()
    found = handlers.redeem(uow, account_id="acc-2", email="an@agenda.example", code=code.lower().replace("-", " "))
    assert found is made and uow.memberships.of_account("acc-2").partner_id == made.id
    assert uow.events("partners.user.linked") == [{"partner_id": made.id, "account_id": "acc-2"}]
    assert (uow.audit_log.entries[-1].field, uow.audit_log.entries[-1].new_value) == ("users", "an@agenda.example")
    with pytest.raises(InvitationInvalid) as again:
        handlers.redeem(uow, account_id="acc-3", email="x@y.example", code=code)
    assert again.value.reason == "used"


def test_a_wrong_code_is_counted_even_though_the_answer_is_an_error(uow):
    create(uow)
    with pytest.raises(InvitationInvalid) as refused:
        handlers.redeem(uow, account_id="acc-9", email="g@example.org", code="AAAAA-BBBBB")
    assert refused.value.reason == "unknown" and uow.committed
    assert uow.invitations.failures_since("acc-9", utcnow() - dt.timedelta(minutes=1)) == 1


def test_after_five_wrong_guesses_even_a_good_code_waits(uow):
    create(uow)
    code = handlers.invite(uow, "acc-1").code
    for _ in range(handlers.REDEEM_FAILURES_ALLOWED):
        with pytest.raises(InvitationInvalid):
            handlers.redeem(uow, account_id="acc-9", email="g@example.org", code="AAAAA")
    with pytest.raises(handlers.TooManyGuesses):
        handlers.redeem(uow, account_id="acc-9", email="g@example.org", code=code)


def test_wrong_guesses_older_than_the_window_do_not_count(uow):
    create(uow)
    code = handlers.invite(uow, "acc-1").code
    long_ago = utcnow() - handlers.REDEEM_WINDOW - dt.timedelta(seconds=1)
    uow.invitations.failures += [("acc-9", long_ago)] * handlers.REDEEM_FAILURES_ALLOWED
    assert handlers.redeem(uow, account_id="acc-9", email="g@example.org", code=code).name == "Agenda Plus"


def test_a_linked_account_cannot_redeem_another_code(uow):
    create(uow)
    code = handlers.invite(uow, "acc-1").code
    with pytest.raises(handlers.AlreadyLinked):
        handlers.redeem(uow, account_id="acc-1", email="jan@agenda.example", code=code)


def test_an_account_linked_by_a_concurrent_request_is_already_linked(uow):
    create(uow)
    code = handlers.invite(uow, "acc-1").code
    uow.collision = "commit"
    with pytest.raises(handlers.AlreadyLinked):
        handlers.redeem(uow, account_id="acc-2", email="an@agenda.example", code=code)


def test_nobody_joins_a_deactivated_profile(uow):
    made = create(uow)
    code = handlers.invite(uow, "acc-1").code
    handlers.set_active(uow, made.id, False, "mod")
    with pytest.raises(handlers.ProfileInactive):
        handlers.redeem(uow, account_id="acc-2", email="an@agenda.example", code=code)
    assert uow.memberships.of_account("acc-2") is None


def test_members_see_only_their_profiles_open_codes(uow):
    create(uow)
    create(uow, account_id="acc-9", name="Ander Bedrijf")
    withdrawn, kept = handlers.invite(uow, "acc-1"), handlers.invite(uow, "acc-1")
    handlers.invite(uow, "acc-9")
    handlers.withdraw_invitation(uow, "acc-1", withdrawn.id)
    assert handlers.open_invitations(uow, "acc-1") == [kept]


def test_a_code_of_another_profile_cannot_be_withdrawn(uow):
    create(uow)
    create(uow, account_id="acc-9", name="Ander Bedrijf")
    invitation = handlers.invite(uow, "acc-1")
    with pytest.raises(handlers.NotFound):
        handlers.withdraw_invitation(uow, "acc-9", invitation.id)
    assert invitation.is_open(utcnow())


def test_withdrawing_is_logged_and_only_an_open_code_can_be(uow):
    create(uow)
    invitation = handlers.invite(uow, "acc-1")
    handlers.withdraw_invitation(uow, "acc-1", invitation.id)
    assert (uow.audit_log.entries[-1].old_value, uow.audit_log.entries[-1].new_value) == (invitation.label, None)
    with pytest.raises(InvitationNotOpen):
        handlers.withdraw_invitation(uow, "acc-1", invitation.id)


def test_a_removed_colleague_is_announced_logged_and_his_open_codes_withdrawn(uow):
    made = create(uow)
    joined(uow, made)
    his = handlers.invite(uow, "acc-2")
    mine = handlers.invite(uow, "acc-1")
    uow.published.clear()
    handlers.unlink(uow, "acc-1", "acc-2")
    assert uow.memberships.of_account("acc-2") is None
    assert uow.events("partners.user.unlinked") == [
        {"partner_id": made.id, "account_id": "acc-2", "removed_by": "acc-1"}
    ]
    assert [(e.account_id, e.field, e.old_value) for e in uow.audit_log.entries[-2:]] == [
        ("acc-1", "users", "an@agenda.example"),
        ("acc-1", "invitations", his.label),
    ]
    assert not his.is_open(utcnow()) and mine.is_open(utcnow())


def test_only_a_member_of_the_same_profile_can_be_removed(uow):
    create(uow)
    create(uow, account_id="acc-9", name="Ander Bedrijf")
    with pytest.raises(handlers.NotFound):
        handlers.unlink(uow, "acc-1", "acc-9")
    with pytest.raises(handlers.NotFound):
        handlers.unlink(uow, "acc-1", "stranger")
    assert uow.memberships.of_account("acc-9") is not None


def test_users_are_listed_in_the_order_they_joined(uow):
    made = create(uow)
    joined(uow, made)
    assert [m.account_id for m in handlers.users(uow, "acc-2")] == ["acc-1", "acc-2"]


def test_the_log_names_each_author_by_email_where_known(uow):
    made = create(uow)
    handlers.set_active(uow, made.id, False, "mod")
    handlers.set_active(uow, made.id, True, "stranger")
    uow.audit_log.add(profile().edit("acc-1", {"description": "x"}, CATEGORIES, utcnow()))  # another profile's
    uow.people.known["mod"] = "mod@portal.example"
    entries, total = handlers.audit_log(uow, "acc-1", 0, 10)
    assert total == 2 and [(e.account_id, e.email) for e in entries] == [
        ("stranger", None),
        ("mod", "mod@portal.example"),
    ]


def test_the_directory_shows_only_active_public_partners_with_an_approved_application(uow):
    listed = create(uow)
    private = create(uow, account_id="acc-2", name="Privé BV", public=False)
    unapproved = create(uow, account_id="acc-3", name="Nog Geen App")
    approve(uow, listed.id, "app-1")
    approve(uow, private.id, "app-2")
    assert handlers.directory(uow, None, None, 0, 10) == ([listed], 1)
    assert handlers.directory_entry(uow, listed.id) is listed
    for hidden in (private, unapproved):
        with pytest.raises(handlers.NotFound):
            handlers.directory_entry(uow, hidden.id)
        with pytest.raises(handlers.NotFound):
            handlers.public_logo(uow, hidden.id)


def test_an_approval_counts_once_and_an_archived_application_no_longer_lists_its_partner(uow):
    made = create(uow)
    approve(uow, made.id)
    approve(uow, made.id)
    data = {"application_id": "app-1", "partner_id": made.id, "archived_by": "m"}
    handlers.application_archived(uow, Envelope("e-2", "apps.application.archived", "2026-11-25T12:00:00Z", 1, data))
    assert uow.approved_applications.partners == {}
    with pytest.raises(handlers.NotFound):
        handlers.directory_entry(uow, made.id)


def test_a_listed_partners_logo_is_served_with_the_type_of_its_bytes(uow):
    made = create(uow, logo=data_url(image("GIF"), "image/gif"))
    approve(uow, made.id)
    data, media_type, updated_at = handlers.public_logo(uow, made.id)
    assert media_type == "image/png" and data.startswith(b"\x89PNG") and updated_at == made.updated_at


def test_the_own_logo_is_served_listed_or_not(uow):
    create(uow, public=False)
    assert handlers.my_logo(uow, "acc-1")[1] == "image/png"
    with pytest.raises(handlers.NoProfile):
        handlers.my_logo(uow, "acc-2")


def test_a_deactivated_profile_leaves_the_directory_and_every_service_is_told(uow):
    made = create(uow)
    approve(uow, made.id)
    uow.published.clear()
    handlers.set_active(uow, made.id, False, "mod")
    assert uow.events("partners.profile.deactivated") == [{"partner_id": made.id, "changed_by": "mod"}]
    assert handlers.directory(uow, None, None, 0, 10) == ([], 0)
    assert (uow.audit_log.entries[-1].field, uow.audit_log.entries[-1].account_id) == ("active", "mod")


def test_deactivating_twice_logs_and_announces_once(uow):
    made = create(uow)
    handlers.set_active(uow, made.id, False, "mod")
    uow.published.clear()
    entries = len(uow.audit_log.entries)
    handlers.set_active(uow, made.id, False, "mod")
    assert uow.published == [] and len(uow.audit_log.entries) == entries


def test_moderators_read_and_judge_only_profiles_that_exist(uow):
    private = create(uow, public=False)
    assert handlers.profile(uow, private.id) is private
    with pytest.raises(handlers.NotFound):
        handlers.profile(uow, "missing")
    with pytest.raises(handlers.NotFound):
        handlers.set_active(uow, "missing", False, "mod")


def test_moderators_search_every_profile_by_active_flag(uow):
    shown = create(uow)
    hidden = create(uow, account_id="acc-2", name="Twee", public=False)
    handlers.set_active(uow, hidden.id, False, "mod")
    assert handlers.search_profiles(uow, None, None, None, 0, 10) == ([shown, hidden], 2)
    assert handlers.search_profiles(uow, None, None, False, 0, 10) == ([hidden], 1)
