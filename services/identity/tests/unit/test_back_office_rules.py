"""Rules of back-office accounts, in the domain alone."""

import datetime as dt

import pytest

from portal_identity.domain.accounts import (
    RESEND_PER_DAY,
    Account,
    AccountStatus,
    InvalidAccount,
    OwnRole,
    ResendTooSoon,
    check_resend,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def plain_hash(password: str) -> str:
    return f"hashed:{password}"


def back_office(role="school-admin", institutions=("012345",), language="nl", password=None) -> Account:
    return Account.back_office(
        email="Admin@School.be",
        password=password,
        role=role,
        institutions=list(institutions),
        language=language,
        password_hash=plain_hash,
        now=NOW,
    )


def violated_fields(error: InvalidAccount) -> set[str]:
    return {field for field, _, _ in error.violations}


def test_without_a_password_the_account_is_invited():
    account = back_office(institutions=[" 067890", "012345", "012345"], language="en")
    assert account.status == AccountStatus.PENDING and account.invited and account.activated_at is None
    assert account.institutions == ["012345", "067890"] and account.language == "en"
    assert account.email == "admin@school.be" and not account.password_hash.startswith("hashed:")


def test_with_a_password_the_account_is_active_at_once():
    account = back_office(password="Geheim-123!")
    assert account.active and not account.invited and account.password_hash == "hashed:Geheim-123!"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "partner"}, "role"),
        ({"institutions": ()}, "institutions"),
        ({"role": "moderator"}, "institutions"),
        ({"institutions": ("12ab",)}, "institutions"),
        ({"institutions": ("12345678901",)}, "institutions"),
        ({"language": "fr"}, "language"),
        ({"password": "kort"}, "password"),
    ],
)
def test_role_institutions_language_and_password_rules(changes, field):
    with pytest.raises(InvalidAccount) as refused:
        back_office(**changes)
    assert field in violated_fields(refused.value)


def test_an_edit_replaces_role_institutions_and_language():
    account = back_office(institutions=("012345",))
    widened = account.change_back_office(role="school-admin", institutions=["012345", "067890"], language="en", by="m")
    assert not widened and account.institutions == ["012345", "067890"] and account.language == "en"
    assert account.claims()["locale"] == "en"


@pytest.mark.parametrize(
    ("role", "institutions"), [("school-admin", ["067890"]), ("moderator", [])], ids=["school removed", "new role"]
)
def test_an_edit_that_changes_the_rights_in_tokens_says_so(role, institutions):
    account = back_office(institutions=("012345", "067890"))
    assert account.change_back_office(role=role, institutions=institutions, language="nl", by="m")


def test_an_edit_keeps_the_rules():
    account = back_office()
    with pytest.raises(InvalidAccount) as refused:
        account.change_back_office(role="moderator", institutions=["012345"], language="nl", by="m")
    assert violated_fields(refused.value) == {"institutions"} and account.roles == ["school-admin"]


def test_a_moderator_cannot_demote_themselves_but_may_change_their_language():
    moderator = back_office(role="moderator", institutions=())
    with pytest.raises(OwnRole):
        moderator.change_back_office(role="school-admin", institutions=["012345"], language="nl", by=moderator.id)
    moderator.change_back_office(role="moderator", institutions=[], language="en", by=moderator.id)
    assert moderator.roles == ["moderator"] and moderator.language == "en"


def test_partner_accounts_are_not_back_office_accounts():
    partner = Account.register(
        email="jan@agenda.example",
        password="Geheim-123!",
        accept_terms=True,
        language="nl",
        password_hash=plain_hash,
        now=NOW,
    )
    assert not partner.invited
    with pytest.raises(InvalidAccount):
        partner.change_back_office(role="moderator", institutions=[], language="nl", by="m")


def test_an_invitation_may_go_again_after_a_minute():
    check_resend([NOW - dt.timedelta(seconds=61)], NOW)
    with pytest.raises(ResendTooSoon) as refused:
        check_resend([NOW - dt.timedelta(seconds=45)], NOW)
    assert refused.value.retry_after == 15


def test_at_most_a_few_invitations_a_day():
    sent = [NOW - dt.timedelta(hours=hours) for hours in range(1, RESEND_PER_DAY + 1)]
    with pytest.raises(ResendTooSoon) as refused:
        check_resend(sent, NOW)
    assert refused.value.retry_after == (24 - RESEND_PER_DAY) * 3600
    check_resend(sent[1:] + [NOW - dt.timedelta(days=1, seconds=1)], NOW)


def test_an_invited_account_can_be_deactivated():
    account = back_office()
    assert account.set_active(False, NOW) and account.status == AccountStatus.DISABLED
    assert not account.set_active(False, NOW)
