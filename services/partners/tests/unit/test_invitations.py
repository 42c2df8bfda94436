"""The rules of invitation codes, in the domain: no database, no HTTP."""

import datetime as dt

import pytest

from portal_partners.domain.invitations import (
    VALID_FOR,
    Invitation,
    InvitationInvalid,
    InvitationNotOpen,
    code_hash,
    withdraw_made_by,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def issued(by="acc-1", partner_id="p-1", now=NOW):
    return Invitation.issue(partner_id=partner_id, by=by, by_email=f"{by}@agenda.example", now=now)


def test_a_code_is_stored_only_as_its_hash_and_named_by_its_last_characters():
    invitation = issued()
    assert invitation.code_hash == code_hash(invitation.code.lower().replace("-", " "))
    assert invitation.code not in repr(invitation)
    assert invitation.hint == invitation.code[-4:] and invitation.label == f"…{invitation.hint}"
    assert invitation.expires_at == NOW + VALID_FOR and invitation.created_by_email == "acc-1@agenda.example"
    assert issued().id != invitation.id


def test_making_a_code_is_logged_in_the_makers_name():
    entry = issued().created_entry()
    assert (entry.account_id, entry.field, entry.old_value) == ("acc-1", "invitations", None)
    assert entry.new_value.startswith("…")


@pytest.mark.parametrize(
    ("close", "reason"),
    [
        (lambda i: i.redeem("acc-2", NOW), "used"),
        (lambda i: i.withdraw("acc-1", NOW), "withdrawn"),
        (lambda i: None, "expired"),
    ],
)
def test_a_closed_code_can_neither_be_redeemed_nor_withdrawn(close, reason):
    invitation = issued()
    close(invitation)
    later = NOW + (VALID_FOR if reason == "expired" else dt.timedelta(minutes=1))
    assert not invitation.is_open(later) and invitation.closed_because(later) == reason
    with pytest.raises(InvitationInvalid) as refused:
        invitation.redeem("acc-3", later)
    assert refused.value.reason == reason
    with pytest.raises(InvitationNotOpen):
        invitation.withdraw("acc-1", later)


def test_a_code_is_open_until_the_moment_it_expires():
    invitation = issued()
    assert invitation.is_open(NOW + VALID_FOR - dt.timedelta(seconds=1))
    assert invitation.closed_because(NOW + VALID_FOR) == "expired"


def test_any_member_withdraws_a_code_logged_in_his_name():
    invitation = issued(by="acc-1")
    entry = invitation.withdraw("acc-2", NOW)
    assert (invitation.withdrawn_by, invitation.withdrawn_at) == ("acc-2", NOW)
    assert (entry.account_id, entry.field, entry.old_value, entry.new_value) == (
        "acc-2",
        "invitations",
        invitation.label,
        None,
    )


def test_the_open_codes_of_a_member_who_leaves_go_with_him():
    his, colleagues, used, expired = (
        issued("acc-2"),
        issued("acc-1"),
        issued("acc-2"),
        issued("acc-2", now=NOW - VALID_FOR),
    )
    used.redeem("acc-3", NOW)
    entries = withdraw_made_by([his, colleagues, used, expired], "acc-2", by="acc-1", now=NOW)
    assert [entry.old_value for entry in entries] == [his.label]
    assert his.closed_because(NOW) == "withdrawn" and his.withdrawn_by == "acc-1"
    assert colleagues.is_open(NOW) and used.closed_because(NOW) == "used"
    assert expired.withdrawn_at is None
