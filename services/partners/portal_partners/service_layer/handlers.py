"""Use cases of the partners service: plain functions over a unit of work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from portal_partners.domain.invitations import Invitation, InvitationInvalid, code_hash, withdraw_made_by
from portal_partners.domain.profiles import Membership, Profile, image_type, name_key
from portal_partners.service_layer.unit_of_work import PartnersUnitOfWork
from portalkit.events.envelope import Envelope, utcnow
from portalkit.uow import Conflict

UnitOfWorkFactory = Callable[[], PartnersUnitOfWork]
REDEEM_WINDOW = dt.timedelta(minutes=15)
REDEEM_FAILURES_ALLOWED = 5


class NoProfile(LookupError):
    """The account is linked to no profile yet: it must create one or link with a code."""


class AlreadyLinked(Exception):
    pass


class ProfileInactive(Exception):
    """A moderator deactivated the profile: its members act for it nowhere until it is active again."""


class NameTaken(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class TooManyGuesses(Exception):
    pass


class NotFound(LookupError):
    pass


def _membership(uow: PartnersUnitOfWork, account_id: str) -> Membership:
    membership = uow.memberships.of_account(account_id)
    if membership is None:
        raise NoProfile(account_id)
    return membership


def _acting_membership(uow: PartnersUnitOfWork, account_id: str) -> Membership:
    """A member who changes something: a deactivated profile's members may still read it, nothing more."""
    membership = _membership(uow, account_id)
    if not uow.profiles.get(membership.partner_id).active:
        raise ProfileInactive(membership.partner_id)
    return membership


def _check_name_free(uow: PartnersUnitOfWork, name: str, own_id: str | None = None) -> None:
    taken = uow.profiles.by_name_key(name_key(name))
    if taken is not None and taken.id != own_id:
        raise NameTaken(taken.name)


def create_profile(
    unit_of_work: UnitOfWorkFactory,
    *,
    account_id: str,
    email: str,
    categories: Sequence[str],
    fields: dict,
    language: str = "nl",
) -> Profile:
    now = utcnow()
    profile = Profile.create(
        account_id=account_id, email=email, categories=categories, now=now, fields=fields, language=language
    )
    try:
        with unit_of_work() as uow:
            if uow.memberships.of_account(account_id) is not None:
                raise AlreadyLinked(account_id)
            _check_name_free(uow, profile.name)
            uow.profiles.add(profile)
            uow.flush()  # the profile before the membership that refers to it
            uow.memberships.add(Membership.link(account_id, profile.id, email, now))
            uow.commit()
    except Conflict:  # the same name, or the same account, at the same moment
        raise NameTaken(profile.name) from None
    return profile


def my_profile(unit_of_work: UnitOfWorkFactory, account_id: str) -> Profile:
    with unit_of_work() as uow:
        return uow.profiles.get(_membership(uow, account_id).partner_id)


def edit_profile(unit_of_work: UnitOfWorkFactory, account_id: str, categories: Sequence[str], changes: dict) -> Profile:
    try:
        with unit_of_work() as uow:
            partner_id = _acting_membership(uow, account_id).partner_id
            profile = uow.profiles.get(partner_id, for_update=True, with_logo=True)
            if "name" in changes and changes["name"]:
                _check_name_free(uow, " ".join(changes["name"].split()), profile.id)
            uow.audit_log.add(profile.edit(account_id, changes, categories, utcnow()))
            uow.commit()
            return profile
    except Conflict:
        raise NameTaken(changes.get("name", "")) from None


def my_logo(unit_of_work: UnitOfWorkFactory, account_id: str) -> tuple[bytes, str, dt.datetime]:
    """The logo of the account's own profile, listed or not."""
    with unit_of_work() as uow:
        return _logo(uow, _membership(uow, account_id).partner_id, public=False)


def public_logo(unit_of_work: UnitOfWorkFactory, partner_id: str) -> tuple[bytes, str, dt.datetime]:
    """A partner's logo through the public directory: only while it is listed."""
    with unit_of_work() as uow:
        return _logo(uow, partner_id, public=True)


def _logo(uow: PartnersUnitOfWork, partner_id: str, *, public: bool) -> tuple[bytes, str, dt.datetime]:
    profile = uow.profiles.get(partner_id, with_logo=True)
    if profile is None or (public and not uow.profiles.is_listed(partner_id)):
        raise NotFound(partner_id)
    media_type = image_type(profile.logo or b"")  # from the bytes, never from what a client said
    if media_type is None:
        raise NotFound(partner_id)
    return profile.logo, media_type, profile.updated_at


def invite(unit_of_work: UnitOfWorkFactory, account_id: str) -> Invitation:
    """A new code; the answer is the only place its plain text ever appears."""
    with unit_of_work() as uow:
        membership = _acting_membership(uow, account_id)
        invitation = Invitation.issue(
            partner_id=membership.partner_id, by=account_id, by_email=membership.email, now=utcnow()
        )
        uow.invitations.add(invitation)
        uow.audit_log.add([invitation.created_entry()])
        uow.commit()
        return invitation


def open_invitations(unit_of_work: UnitOfWorkFactory, account_id: str) -> list[Invitation]:
    with unit_of_work() as uow:
        return uow.invitations.open_of_partner(_membership(uow, account_id).partner_id, utcnow())


def withdraw_invitation(unit_of_work: UnitOfWorkFactory, account_id: str, invitation_id: str) -> None:
    """Any member may withdraw any open code of the profile, e.g. one sent to the wrong person."""
    with unit_of_work() as uow:
        invitation = uow.invitations.by_id(_acting_membership(uow, account_id).partner_id, invitation_id)
        if invitation is None:
            raise NotFound(invitation_id)
        uow.audit_log.add([invitation.withdraw(account_id, utcnow())])
        uow.commit()


def redeem(unit_of_work: UnitOfWorkFactory, *, account_id: str, email: str, code: str) -> Profile:
    """Link the account to the profile of the code; wrong guesses are counted and throttled."""
    now = utcnow()
    with unit_of_work() as uow:
        if uow.invitations.failures_since(account_id, now - REDEEM_WINDOW) >= REDEEM_FAILURES_ALLOWED:
            raise TooManyGuesses(account_id)
        if uow.memberships.of_account(account_id) is not None:
            raise AlreadyLinked(account_id)
        invitation = uow.invitations.get(code_hash(code))
        reason = "unknown" if invitation is None else invitation.closed_because(now)
        if reason:
            uow.invitations.record_failure(account_id, now)
            uow.commit()
            raise InvitationInvalid(reason)
        profile = uow.profiles.get(invitation.partner_id)
        if not profile.active:
            raise ProfileInactive(invitation.partner_id)
        invitation.redeem(account_id, now)
        membership = Membership.link(account_id, invitation.partner_id, email, now)
        uow.memberships.add(membership)
        uow.audit_log.add([membership.joined_entry()])
        try:
            uow.commit()
        except Conflict:  # the same account linked by a concurrent request
            raise AlreadyLinked(account_id) from None
        return profile


def users(unit_of_work: UnitOfWorkFactory, account_id: str) -> list[Membership]:
    with unit_of_work() as uow:
        return uow.memberships.of_partner(_membership(uow, account_id).partner_id)


def unlink(unit_of_work: UnitOfWorkFactory, account_id: str, user_account_id: str) -> None:
    """A user leaves, or removes a colleague (the manual has no unlinking yet; the portal offers it).

    The open codes he made are withdrawn in the same transaction, so he cannot come back with one.
    """
    now = utcnow()
    with unit_of_work() as uow:
        partner_id = _acting_membership(uow, account_id).partner_id
        target = uow.memberships.of_account(user_account_id)
        if target is None or target.partner_id != partner_id:
            raise NotFound(user_account_id)
        uow.memberships.remove(target)
        pending = uow.invitations.open_of_partner(partner_id, now, for_update=True)
        withdrawn = withdraw_made_by(pending, user_account_id, account_id, now)
        uow.audit_log.add([target.unlink(account_id, now), *withdrawn])
        uow.commit()


def audit_log(unit_of_work: UnitOfWorkFactory, account_id: str, offset: int, limit: int):
    """The profile's log, each entry's author named (``email``; None: not known here)."""
    with unit_of_work() as uow:
        entries, total = uow.audit_log.of_partner(_membership(uow, account_id).partner_id, offset, limit)
        emails = uow.people.emails([entry.account_id for entry in entries])
        for entry in entries:
            entry.email = emails.get(entry.account_id)
        return entries, total


def directory(unit_of_work: UnitOfWorkFactory, text: str | None, category: str | None, offset: int, limit: int):
    with unit_of_work() as uow:
        return uow.profiles.listed(text, category, offset, limit)


def directory_entries(unit_of_work: UnitOfWorkFactory, text: str | None, category: str | None, offset: int, limit: int):
    """What :func:`directory` finds, as plain rows of the public fields (the directory's hot path)."""
    with unit_of_work() as uow:
        return uow.profiles.listed_entries(text, category, offset, limit)


def directory_entry(unit_of_work: UnitOfWorkFactory, partner_id: str) -> Profile:
    with unit_of_work() as uow:
        if not uow.profiles.is_listed(partner_id):
            raise NotFound(partner_id)
        return uow.profiles.get(partner_id)


def search_profiles(unit_of_work: UnitOfWorkFactory, text, category, active, offset: int, limit: int):
    with unit_of_work() as uow:
        return uow.profiles.search(text, category, active, offset, limit)


def profile(unit_of_work: UnitOfWorkFactory, partner_id: str) -> Profile:
    """Any profile, public or not, active or not: what a moderator reads before judging its applications."""
    with unit_of_work() as uow:
        found = uow.profiles.get(partner_id)
        if found is None:
            raise NotFound(partner_id)
        return found


def set_active(unit_of_work: UnitOfWorkFactory, partner_id: str, active: bool, by: str) -> Profile:
    with unit_of_work() as uow:
        profile = uow.profiles.get(partner_id, for_update=True)
        if profile is None:
            raise NotFound(partner_id)
        entry = profile.set_active(active, by, utcnow())
        if entry is not None:
            uow.audit_log.add([entry])
        uow.commit()
        return profile


# -- the apps service's events keep the directory current -------------------------------------------
def application_approved(uow: PartnersUnitOfWork, envelope: Envelope) -> None:
    uow.approved_applications.approved(envelope.data["application_id"], envelope.data["partner_id"])


def application_archived(uow: PartnersUnitOfWork, envelope: Envelope) -> None:
    uow.approved_applications.withdrawn(envelope.data["application_id"])
