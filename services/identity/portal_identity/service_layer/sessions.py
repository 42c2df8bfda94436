"""Login sessions and revocations: the identity service owns who is signed in and which tokens stand.

Whatever ends a session or a token is written here in the transaction that ends it (so it holds in this
service even while the broker is down) and published as ``identity.access.revoked`` for every other
service's verifier.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from portal_identity.adapters import orm
from portal_identity.adapters.repositories import Accounts
from portal_identity.domain import events
from portal_identity.domain.accounts import Account
from portal_identity.domain.tokens import LoginSession, SessionPerson
from portal_identity.service_layer.context import Identity
from portalkit.auth import LEEWAY
from portalkit.events.envelope import utcnow
from portalkit.trust import Revocation, RevocationKind

# Verifiers accept a token up to LEEWAY past its exp; a revocation outlives that, with room for clock skew.
VERIFIER_LEEWAY = dt.timedelta(seconds=2 * LEEWAY)
# Ended and expired sessions are kept this long (who was signed in when), then deleted.
_KEPT = dt.timedelta(days=30)


def start(identity: Identity, account: Account) -> LoginSession | None:
    """A session for the account just authenticated, or None when its password changed (a reset) or it
    was deactivated since: the account row is locked, so a reset's ending of sessions comes before or
    after this one, never beside it."""
    now = utcnow()
    login = LoginSession(
        str(uuid.uuid4()), account.id, now, now + dt.timedelta(hours=identity.settings.login_session_hours)
    )
    with identity.unit_of_work() as uow:
        current = Accounts(uow.session).get(account.id, for_update=True)
        if current is None or not current.active or current.password_hash != account.password_hash:
            return None
        uow.session.execute(sa.delete(orm.login_sessions).where(orm.login_sessions.c.expires_at < now - _KEPT))
        uow.session.add(login)
        uow.commit()
    return login


def signed_in(identity: Identity, session_id: str | None) -> SessionPerson | None:
    """The person of a live login session whose account is still active."""
    if not session_id:
        return None
    with identity.unit_of_work() as uow:
        login = uow.session.get(LoginSession, session_id)
        if login is None or not login.live(utcnow()):
            return None
        person = Accounts(uow.session).get(login.account_id)
        return SessionPerson(person, login.id) if person is not None and person.active else None


def end(identity: Identity, session_id: str | None) -> None:
    """Sign-out: the session, its refresh tokens and its access tokens end now."""
    if not session_id:
        return
    with identity.unit_of_work() as uow:
        login = uow.session.get(LoginSession, session_id, with_for_update=True)
        if login is not None:
            _end(identity, uow, login, "signed_out", utcnow())
            uow.commit()


def end_all(identity: Identity, uow, account_id: str, reason: str) -> None:
    """Inside the caller's transaction: every live session of the account ends (password reset)."""
    now = utcnow()
    live = uow.session.scalars(
        sa.select(LoginSession)
        .where(LoginSession.account_id == account_id, LoginSession.ended_at.is_(None))
        .with_for_update()
    ).all()
    for login in live:
        _end(identity, uow, login, reason, now)
    uow.session.execute(
        sa.update(orm.refresh_tokens)
        .where(orm.refresh_tokens.c.account_id == account_id, orm.refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def _end(identity: Identity, uow, login: LoginSession, reason: str, now: dt.datetime) -> None:
    lifetime = dt.timedelta(seconds=identity.settings.person_access_token_seconds)
    if not login.end(now) and login.expires_at + lifetime < now:
        return  # over, and nothing it issued can still be valid
    uow.session.execute(
        sa.update(orm.refresh_tokens)
        .where(orm.refresh_tokens.c.session_id == login.id, orm.refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    revoke(identity, uow, Revocation(RevocationKind.SESSION, login.id, now, now + lifetime + VERIFIER_LEEWAY), reason)


def revoke(identity: Identity, uow, revocation: Revocation, reason: str) -> None:
    """Refused here at once; announced to every other service."""
    identity.trust.record_revocation(uow.session, revocation)
    uow.publish(events.AccessRevoked(**revocation.event_data(reason)))


def revoke_subject(identity: Identity, uow, subject: str, now: dt.datetime, reason: str) -> None:
    """Every token issued up to now to ``subject`` (an account, or a client), also those no session names."""
    longest = max(identity.settings.access_token_seconds, identity.settings.person_access_token_seconds)
    until = now + dt.timedelta(seconds=longest) + VERIFIER_LEEWAY
    revoke(identity, uow, Revocation(RevocationKind.SUBJECT, subject, now, until), reason)
