"""Use cases of accounts: register, activate, log in (with brute-force protection), reset passwords,
create back-office accounts."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import secrets as random

from sqlalchemy.exc import IntegrityError

from portal_identity.adapters.hashing import (
    DUMMY_PASSWORD_HASH,
    hash_password,
    password_needs_rehash,
    verify_password,
)
from portal_identity.adapters.repositories import Accounts, AccountTokens, Throttles
from portal_identity.domain import events
from portal_identity.domain.accounts import (
    Account,
    AccountStatus,
    AccountToken,
    NotInvited,
    TokenPurpose,
    check_resend,
    validated_email,
)
from portal_identity.domain.throttle import Throttle, login_keys
from portal_identity.service_layer import sessions
from portal_identity.service_layer.context import Identity
from portalkit.events.envelope import utcnow
from portalkit.secrets import token_hash


class EmailTaken(Exception):
    pass


class AccountNotFound(LookupError):
    pass


class LinkInvalid(Exception):
    """Unknown, used or expired one-time link."""


@dataclasses.dataclass
class LoginRefused(Exception):
    reason: str  # "invalid", "not_activated", "locked" (for a while), "slowed" (not heard: try again later)
    retry_after: int = 0  # seconds until an attempt is heard again ("locked", "slowed")
    locked_until: dt.datetime | None = None


def _one_time_link(
    identity: Identity, account: Account, purpose: str, path: str, hours: int, now
) -> tuple[str, AccountToken]:
    plain = random.token_urlsafe(32)
    token = AccountToken(token_hash(plain), account.id, purpose, now, now + dt.timedelta(hours=hours))
    # The page opens in the account's language, the language of the mail that carries the link.
    return f"{identity.public_url}{path}?lang={account.language}&token={plain}", token


def register(identity: Identity, *, email: str, password: str, accept_terms: bool, language: str) -> Account | None:
    """Register a partner account and announce its activation link. For an address that has an account
    already, nothing is stored and its owner is mailed instead (None): the caller must answer both alike."""
    now = utcnow()
    account = Account.register(
        email=email,
        password=password,
        accept_terms=accept_terms,
        language=language,
        password_hash=hash_password,
        now=now,
    )
    url, token = _one_time_link(
        identity, account, TokenPurpose.ACTIVATION, "/login/activate", identity.settings.activation_hours, now
    )
    try:
        with _new_account(identity, account) as uow:
            AccountTokens(uow.session).add(token)
            uow.publish(
                events.AccountRegistered(account.id, account.email, language, url, token.expires_at.isoformat())
            )
    except EmailTaken:
        _tell_the_owner(identity, account.email)
        return None
    return account


def _tell_the_owner(identity: Identity, email: str) -> None:
    with identity.unit_of_work() as uow:
        owner = Accounts(uow.session).by_email(email)
        if owner is None or owner.status == AccountStatus.DISABLED:
            return
        uow.publish(events.RegistrationRepeated(owner.id, owner.email, owner.language))
        uow.commit()


@contextlib.contextmanager
def _new_account(identity: Identity, account: Account):
    """Store a new account (and what the caller adds in the block) unless its address is taken."""
    try:
        with identity.unit_of_work() as uow:
            repository = Accounts(uow.session)
            if repository.by_email(account.email) is not None:
                raise EmailTaken(account.email)
            repository.add(account)
            uow.session.flush()
            yield uow
            uow.commit()
    except IntegrityError:
        raise EmailTaken(account.email) from None  # the same address at the same moment by another request


def _use_link(uow, plain: str, purposes: tuple[str, ...], now: dt.datetime) -> Account:
    token = AccountTokens(uow.session).get(token_hash(plain or ""))
    if token is None or not token.usable(purposes, now):
        raise LinkInvalid()
    token.used_at = now
    account = Accounts(uow.session).get(token.account_id, for_update=True)  # serialises with a login
    if account is None or account.status == AccountStatus.DISABLED:
        raise LinkInvalid()
    return account


def activate(identity: Identity, plain_token: str) -> Account:
    now = utcnow()
    with identity.unit_of_work() as uow:
        account = _use_link(uow, plain_token, (TokenPurpose.ACTIVATION,), now)
        account.activate(now)
        uow.publish(events.AccountActivated(account.id, account.email))
        uow.commit()
        return account


def request_password_reset(identity: Identity, email: str) -> None:
    """Answers the same whatever the address: only a known, enabled account gets a mail."""
    now = utcnow()
    try:
        email = validated_email(email)
    except ValueError:
        return
    with identity.unit_of_work() as uow:
        account = Accounts(uow.session).by_email(email)
        if account is None or account.status == AccountStatus.DISABLED:
            return
        url, token = _one_time_link(
            identity, account, TokenPurpose.PASSWORD_RESET, "/login/reset", identity.settings.password_reset_hours, now
        )
        AccountTokens(uow.session).add(token)
        uow.publish(
            events.PasswordResetRequested(
                account.id, account.email, account.language, url, token.expires_at.isoformat()
            )
        )
        uow.commit()


def reset_password(identity: Identity, plain_token: str, password: str) -> Account:
    """With a reset link, or an invitation's link: a back-office account's first password."""
    now = utcnow()
    with identity.unit_of_work() as uow:
        account = _use_link(uow, plain_token, (TokenPurpose.PASSWORD_RESET, TokenPurpose.INVITATION), now)
        was_pending = account.status == AccountStatus.PENDING
        account.change_password(password, hash_password, now)
        if was_pending:
            uow.publish(events.AccountActivated(account.id, account.email))
        Throttles(uow.session).clear(f"account:{account.email}")
        sessions.end_all(identity, uow, account.id, "password_reset")  # whoever knew the old one is out
        uow.commit()
        return account


def authenticate(
    identity: Identity, email: str, password: str, address: str, now: dt.datetime | None = None
) -> Account:
    """The account, or :class:`LoginRefused` saying why and, when slowed or locked, how long to wait.
    Never waits itself: the caller answers at once (``domain.throttle``)."""
    now = now or utcnow()
    try:
        email = validated_email(email)
    except ValueError:
        email = email.strip().lower()[:320]
    keys = login_keys(email, address)
    with identity.unit_of_work() as uow:
        throttles = Throttles(uow.session)
        current = [throttle for throttle in map(throttles.get, keys) if throttle is not None]
        waits = [(throttle.wait_seconds(now), throttle) for throttle in current if throttle.wait_seconds(now)]
        if waits:
            wait, throttle = max(waits, key=lambda pair: pair[0])
            if throttle.locked(now):
                raise LoginRefused("locked", wait, throttle.locked_until)
            raise LoginRefused("slowed", wait)
        account = Accounts(uow.session).by_email(email)
        password_ok = verify_password(account.password_hash if account else DUMMY_PASSWORD_HASH, password)
        if account is not None and password_ok and account.active:
            throttles.clear(keys[0])
            if password_needs_rehash(account.password_hash):  # stored with weaker parameters than today's
                account.password_hash = hash_password(password)
            uow.commit()
            return account
        for key in keys:
            throttle = throttles.get(key)
            if throttle is None:
                throttle = Throttle(key, 0, now)
                throttles.add(throttle)
            if throttle.failed(now) and account is not None:
                uow.publish(
                    events.LoginAttacked(
                        account.id,
                        account.email,
                        account.language,
                        throttle.failures,
                        throttle.window_started_at.isoformat(),
                    )
                )
        uow.commit()
    if account is not None and password_ok and account.status == AccountStatus.PENDING:
        raise LoginRefused("not_activated")
    raise LoginRefused("invalid")


def create_back_office_account(
    identity: Identity,
    *,
    email: str,
    role: str,
    institutions: list[str],
    language: str = "nl",
    password: str | None = None,
) -> Account:
    """Without a password the account is invited: its owner chooses one with the mailed link."""
    now = utcnow()
    account = Account.back_office(
        email=email,
        password=password,
        role=role,
        institutions=institutions,
        language=language,
        password_hash=hash_password,
        now=now,
    )
    with _new_account(identity, account) as uow:
        if account.invited:
            _invite(identity, uow, account, now)
    return account


def _invite(identity: Identity, uow, account: Account, now: dt.datetime) -> None:
    url, token = _one_time_link(
        identity, account, TokenPurpose.INVITATION, "/login/reset", identity.settings.activation_hours, now
    )
    AccountTokens(uow.session).add(token)
    uow.publish(
        events.AccountInvited(
            account.id, account.email, account.language, account.roles[0], url, token.expires_at.isoformat()
        )
    )


def resend_invitation(identity: Identity, account_id: str) -> Account:
    """A new link for an invited account; the links sent before stop working."""
    now = utcnow()
    with identity.unit_of_work() as uow:
        person = Accounts(uow.session).get(account_id, for_update=True)  # one resend at a time per account
        if person is None:
            raise AccountNotFound(account_id)
        if not person.invited:
            raise NotInvited(account_id)
        sent = AccountTokens(uow.session).of_account(person.id, TokenPurpose.INVITATION)
        check_resend([token.created_at for token in sent], now)
        for token in sent:
            token.used_at = token.used_at or now
        _invite(identity, uow, person, now)
        uow.commit()
        return person


def change_back_office_account(
    identity: Identity, account_id: str, *, role: str, institutions: list[str], language: str, by: str
) -> Account:
    """Rights taken away hold at once: the tokens the account holds are refused everywhere, and its login
    session gives new ones with the new rights."""
    now = utcnow()
    with identity.unit_of_work() as uow:
        person = Accounts(uow.session).get(account_id, for_update=True)
        if person is None:
            raise AccountNotFound(account_id)
        if person.change_back_office(role=role, institutions=institutions, language=language, by=by):
            sessions.revoke_subject(identity, uow, person.id, now, "rights_changed")
        uow.commit()
        return person


def account(identity: Identity, account_id: str) -> Account | None:
    with identity.unit_of_work() as uow:
        return Accounts(uow.session).get(account_id)


def search_accounts(
    identity: Identity, text: str | None, role: str | None, offset: int, limit: int, *, back_office: bool = False
):
    with identity.unit_of_work() as uow:
        return Accounts(uow.session).search(text, role, offset, limit, back_office=back_office)


def partner_linked(uow, envelope) -> None:
    """The partners service linked the account: its next tokens carry the partner id."""
    person = Accounts(uow.session).get(envelope.data["account_id"])
    if person is not None:
        person.partner_id = envelope.data["partner_id"]


def partner_unlinked(uow, envelope) -> None:
    person = Accounts(uow.session).get(envelope.data["account_id"])
    if person is not None and person.partner_id == envelope.data["partner_id"]:
        person.partner_id = None


class OwnAccount(Exception):
    """A moderator cannot deactivate their own account (the portal would be left without a way back)."""


def set_account_active(identity: Identity, account_id: str, active: bool, by: str) -> Account:
    """Deactivation ends every login session and refuses every token of the account in every service."""
    if not active and account_id == by:
        raise OwnAccount(account_id)
    now = utcnow()
    with identity.unit_of_work() as uow:
        person = Accounts(uow.session).get(account_id, for_update=True)
        if person is None:
            raise AccountNotFound(account_id)
        if person.set_active(active, now) and not active:
            sessions.end_all(identity, uow, person.id, "account_deactivated")
            sessions.revoke_subject(identity, uow, person.id, now, "account_deactivated")
        uow.commit()
        return person
