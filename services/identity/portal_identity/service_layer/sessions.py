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
from portalkit.events.envelope import utcnow
from portalkit.trust import Revocation, RevocationKind

# Verifiers accept a token up to 30 s past its exp; a revocation outlives that, with room for clock skew.
VERIFIER_LEEWAY = dt.timedelta(seconds=60)


def start(identity: Identity, account: Account) -> LoginSession:
    now = utcnow()
    login = LoginSession(
        str(uuid.uuid4()), account.id, now, now + dt.timedelta(hours=identity.settings.login_session_hours)
    )
    with identity.unit_of_work() as uow:
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
    if not login.end(now):
        return
    uow.session.execute(
        sa.update(orm.refresh_tokens)
        .where(orm.refresh_tokens.c.session_id == login.id, orm.refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    lifetime = dt.timedelta(seconds=identity.settings.person_access_token_seconds)
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
