"""Rights that end when they are taken away, as every service sees them.

A bearer token's claims are hints with a lifetime. Two facts owned by other services decide whether its
holder may still act: revocations (the identity service's: one token by ``jti``, a login session by
``sid``, every token issued to an account or client up to a moment) and partner memberships (the partners
service's: which profile an account belongs to, and whether that profile is active). Every service keeps
both in its own database as projections of the owners' events and consults them on each request; the
owner writes them in the transaction that changes the fact, so they hold there even while the broker is
down, and reach the other services as soon as it is back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from portalkit.auth import current_principal
from portalkit.changes import ChangeFeed
from portalkit.db import Database, UtcDateTime, new_metadata
from portalkit.events.envelope import Envelope, utcnow
from portalkit.problems import Problem

REVOKED = "identity.access.revoked"
MEMBERSHIP_EVENTS = (
    "partners.user.linked",
    "partners.user.unlinked",
    "partners.profile.deactivated",
    "partners.profile.reactivated",
)


class RevocationKind:
    TOKEN = "token"  # one access token, by jti
    SESSION = "session"  # every token of one login session, by sid
    SUBJECT = "subject"  # every token issued up to ``revoked_at`` to a subject (account or client), by sub


def define_trust_tables(metadata: sa.MetaData, *, memberships: bool = True) -> None:
    """``memberships``: the service acts for partners (apps, scopes, identity), so it keeps who belongs where."""
    sa.Table(
        "revocations",
        metadata,
        sa.Column("key", sa.String(200), primary_key=True),  # "<kind>:<id>"
        sa.Column("revoked_at", UtcDateTime(), nullable=False),
        # No token it covers is still valid after this: the row can go.
        sa.Column("expires_at", UtcDateTime(), nullable=False, index=True),
    )
    if not memberships:
        return
    sa.Table(
        "partner_memberships",
        metadata,
        sa.Column("account_id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36)),  # None: unlinked (kept, so a late "linked" cannot undo it)
        sa.Column("changed_at", UtcDateTime(), nullable=False),
    )
    sa.Table(
        "partner_states",
        metadata,
        sa.Column("partner_id", sa.String(36), primary_key=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
    )


def create_trust_tables(op, *, memberships: bool = True) -> None:
    """Alembic ``upgrade`` step: the projections, version 1."""
    metadata = new_metadata()
    define_trust_tables(metadata, memberships=memberships)
    metadata.create_all(op.get_bind())


def drop_trust_tables(op, *, memberships: bool = True) -> None:
    for name in ("partner_states", "partner_memberships")[: 2 if memberships else 0] + ("revocations",):
        op.drop_table(name)


@dataclasses.dataclass(frozen=True)
class Revocation:
    kind: str
    id: str
    revoked_at: dt.datetime
    expires_at: dt.datetime

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def from_event(cls, data: dict) -> Revocation:
        return cls(
            data["kind"],
            data["id"],
            dt.datetime.fromisoformat(data["revoked_at"]),
            dt.datetime.fromisoformat(data["expires_at"]),
        )

    def event_data(self, reason: str) -> dict:
        return {
            "kind": self.kind,
            "id": self.id,
            "revoked_at": self.revoked_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "reason": reason,
        }


def revocation_keys(claims: dict) -> list[str]:
    keys = [f"{RevocationKind.SUBJECT}:{claims.get('sub')}"]
    if claims.get("jti"):
        keys.append(f"{RevocationKind.TOKEN}:{claims['jti']}")
    if claims.get("sid"):
        keys.append(f"{RevocationKind.SESSION}:{claims['sid']}")
    return keys


def refuses(claims: dict, found: dict[str, dt.datetime]) -> bool:
    """Whether the revocations ``found`` (key -> revoked_at) cover a token with these claims.

    A token or session revocation covers the token whenever it was issued; a subject revocation covers
    the tokens issued up to that moment (a JWT's ``iat`` has whole seconds: the same second counts).
    """
    for key, revoked_at in found.items():
        if not key.startswith(f"{RevocationKind.SUBJECT}:"):
            return True
        if int(claims.get("iat", 0)) <= int(revoked_at.timestamp()):
            return True
    return False


_UNKNOWN = object()


class RevocationCache:
    """Revocations by key (``portalkit.trust``), cached while ``listening()`` says every change is heard.

    ``load(keys)`` gives the live revocations among ``keys`` (key -> revoked_at). A load that overlaps an
    invalidation is not cached, so what was read before a revocation committed cannot outlive it.
    """

    def __init__(
        self,
        load: Callable[[list[str]], dict[str, dt.datetime]],
        listening: Callable[[], bool],
        capacity: int = 20_000,
    ):
        self._load = load
        self._listening = listening
        self._capacity = capacity
        self._known: dict[str, dt.datetime | None] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def covers(self, claims: dict) -> bool:
        """Whether a revocation covers a token with these claims."""
        keys = revocation_keys(claims)
        if not self._listening():
            return refuses(claims, self._load(keys))
        known, found, missing = self._known, {}, []
        for key in keys:
            revoked_at = known.get(key, _UNKNOWN)
            if revoked_at is _UNKNOWN:
                missing.append(key)
            elif revoked_at is not None:
                found[key] = revoked_at
        if missing:
            generation = self._generation
            loaded = self._load(missing)
            with self._lock:
                if len(known) + len(missing) > self._capacity:
                    known.clear()
                if generation == self._generation:
                    known.update({key: loaded.get(key) for key in missing})
            found.update(loaded)
        return refuses(claims, found)

    def invalidate(self, key: str | None = None) -> None:
        with self._lock:
            self._generation += 1
            if key is None:
                self._known.clear()
            else:
                self._known.pop(key, None)


class Trust:
    """One service's view of revocations and memberships, in its own database.

    Each recorded revocation is announced on ``changes``. A process that listens to them (every web
    process, :meth:`listen`) keeps the revocations it looked up (:class:`RevocationCache`) and forgets a
    key the moment its revocation commits anywhere in the service, so a token is checked without a
    database round trip; any other process reads them on each check."""

    def __init__(self, database: Database, metadata: sa.MetaData, changes: ChangeFeed):
        self.database = database
        self.revocations = metadata.tables["revocations"]
        self.memberships = metadata.tables.get("partner_memberships")
        self.states = metadata.tables.get("partner_states")
        self.changes = changes
        self._subscribed = False
        self._known = RevocationCache(self.revocations_of, lambda: self._subscribed and changes.listening.is_set())

    def listen(self) -> None:
        """Keep revocations looked up in this process from now on, dropped as the change feed says."""
        if not self._subscribed:
            self.changes.subscribe(self._known.invalidate)
            self._subscribed = True

    # -- reading, per request ----------------------------------------------------------------------
    def revoked(self, claims: dict) -> bool:
        return self._known.covers(claims)

    def revocations_of(self, keys: list[str]) -> dict[str, dt.datetime]:
        """The live revocations among ``keys``: key -> revoked_at."""
        table = self.revocations
        with self.database.session() as session:
            rows = session.execute(
                sa.select(table.c.key, table.c.revoked_at).where(table.c.key.in_(keys), table.c.expires_at > utcnow())
            ).all()
        return dict(rows)

    def membership(self, account_id: str) -> tuple[str, bool] | None:
        """The profile the account belongs to now and whether that profile is active, or None."""
        members, states = self.memberships, self.states
        with self.database.session() as session:
            row = session.execute(
                sa.select(members.c.partner_id, sa.func.coalesce(states.c.active, sa.true()))
                .outerjoin(states, states.c.partner_id == members.c.partner_id)
                .where(members.c.account_id == account_id, members.c.partner_id.is_not(None))
            ).first()
        return (row[0], bool(row[1])) if row else None

    def partner_active(self, partner_id: str) -> bool:
        """False once the partners service said the profile was deactivated (and not reactivated since)."""
        with self.database.session() as session:
            active = session.scalar(sa.select(self.states.c.active).where(self.states.c.partner_id == partner_id))
        return active is not False

    # -- writing, in the caller's transaction ----------------------------------------------------
    def record_revocation(self, session, revocation: Revocation) -> None:
        """Idempotent and safe against a concurrent writer of the same key: the later moment wins."""
        table = self.revocations
        session.execute(sa.delete(table).where(table.c.expires_at < utcnow()))
        insert = _dialect_insert(session)(table).values(
            key=revocation.key, revoked_at=revocation.revoked_at, expires_at=revocation.expires_at
        )
        session.execute(
            insert.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "revoked_at": _later(table.c.revoked_at, insert.excluded.revoked_at),
                    "expires_at": _later(table.c.expires_at, insert.excluded.expires_at),
                },
            )
        )
        self.changes.announce(session, revocation.key)  # every process forgets the key once this commits

    def record_membership(self, session, account_id: str, partner_id: str | None, at: dt.datetime) -> None:
        """Events may arrive out of order: only a newer fact replaces the one kept."""
        self._newer(session, self.memberships, "account_id", account_id, {"partner_id": partner_id}, at)

    def record_partner_state(self, session, partner_id: str, active: bool, at: dt.datetime) -> None:
        self._newer(session, self.states, "partner_id", partner_id, {"active": active}, at)

    @staticmethod
    def _newer(session, table: sa.Table, key_column: str, key: str, values: dict, at: dt.datetime) -> None:
        insert = _dialect_insert(session)(table).values({key_column: key, **values, "changed_at": at})
        session.execute(
            insert.on_conflict_do_update(
                index_elements=[table.c[key_column]],
                set_={**values, "changed_at": at},
                where=table.c.changed_at <= insert.excluded.changed_at,
            )
        )

    # -- the owners' events ----------------------------------------------------------------------
    def handlers(self) -> dict:
        """Event handlers that keep these projections; every service's consumer runs them."""
        return {
            REVOKED: lambda uow, event: self.record_revocation(uow.session, Revocation.from_event(event.data)),
            "partners.user.linked": self._linked,
            "partners.user.unlinked": self._unlinked,
            "partners.profile.deactivated": lambda uow, event: self._state(uow, event, False),
            "partners.profile.reactivated": lambda uow, event: self._state(uow, event, True),
        }

    def _linked(self, uow, event: Envelope) -> None:
        self.record_membership(uow.session, event.data["account_id"], event.data["partner_id"], _when(event))

    def _unlinked(self, uow, event: Envelope) -> None:
        self.record_membership(uow.session, event.data["account_id"], None, _when(event))

    def _state(self, uow, event: Envelope, active: bool) -> None:
        self.record_partner_state(uow.session, event.data["partner_id"], active, _when(event))


def _dialect_insert(session):
    """INSERT with ON CONFLICT, in the session's dialect (both of ours have it)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _later(kept, offered):
    return sa.case((offered > kept, offered), else_=kept)


def _when(event: Envelope) -> dt.datetime:
    return dt.datetime.fromisoformat(event.occurred_at.replace("Z", "+00:00"))


def acting_partner_id(no_profile_text: str) -> str:
    """The profile the caller acts for: from the partners service's facts, never from the token alone.

    The token's ``partner_id`` is only a hint: an account that belongs to no profile now gets
    ``no_profile_text``, a member of a deactivated profile ``problem.profile_inactive``.
    """
    principal = current_principal()
    found = current_app.extensions["portal.runtime"].trust.membership(principal.subject)
    if found is None:
        raise Problem(403, no_profile_text)
    partner_id, active = found
    if not active:
        raise Problem(403, "problem.profile_inactive")
    return partner_id
