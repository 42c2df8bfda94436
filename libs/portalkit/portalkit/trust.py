"""Rights that end when they are taken away, as every service sees them.

A bearer token's claims are hints with a lifetime. Two facts owned by other services decide whether its
holder may still act: revocations (the identity service's: one token by ``jti``, a login session by
``sid``, every token of an account issued up to a moment) and partner memberships (the partners
service's: which profile an account belongs to, and whether that profile is active). Every service keeps
both in its own database as projections of the owners' events and consults them on each request; the
owner writes them in the transaction that changes the fact, so they hold there even while the broker is
down, and reach the other services as soon as it is back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask import current_app

from portalkit.auth import current_principal
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
    ACCOUNT = "account"  # every token of an account issued up to ``revoked_at``, by sub


def define_trust_tables(metadata: sa.MetaData) -> None:
    sa.Table(
        "revocations",
        metadata,
        sa.Column("key", sa.String(200), primary_key=True),  # "<kind>:<id>"
        sa.Column("revoked_at", UtcDateTime(), nullable=False),
        # No token it covers is still valid after this: the row can go.
        sa.Column("expires_at", UtcDateTime(), nullable=False, index=True),
    )
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


def create_trust_tables(op) -> None:
    """Alembic ``upgrade`` step: the projections, version 1."""
    metadata = new_metadata()
    define_trust_tables(metadata)
    metadata.create_all(op.get_bind())


def drop_trust_tables(op) -> None:
    for name in ("partner_states", "partner_memberships", "revocations"):
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
    keys = [f"{RevocationKind.ACCOUNT}:{claims.get('sub')}"]
    if claims.get("jti"):
        keys.append(f"{RevocationKind.TOKEN}:{claims['jti']}")
    if claims.get("sid"):
        keys.append(f"{RevocationKind.SESSION}:{claims['sid']}")
    return keys


def refuses(claims: dict, found: dict[str, dt.datetime]) -> bool:
    """Whether the revocations ``found`` (key -> revoked_at) cover a token with these claims.

    A token or session revocation covers the token whenever it was issued; an account revocation covers
    the tokens issued up to that moment (a JWT's ``iat`` has whole seconds: the same second counts).
    """
    for key, revoked_at in found.items():
        if not key.startswith(f"{RevocationKind.ACCOUNT}:"):
            return True
        if int(claims.get("iat", 0)) <= int(revoked_at.timestamp()):
            return True
    return False


class Trust:
    """One service's view of revocations and memberships, in its own database."""

    def __init__(self, database: Database, metadata: sa.MetaData):
        self.database = database
        self.revocations = metadata.tables["revocations"]
        self.memberships = metadata.tables["partner_memberships"]
        self.states = metadata.tables["partner_states"]

    # -- reading, per request ----------------------------------------------------------------------
    def revoked(self, claims: dict) -> bool:
        table = self.revocations
        with self.database.session() as session:
            rows = session.execute(
                sa.select(table.c.key, table.c.revoked_at).where(
                    table.c.key.in_(revocation_keys(claims)), table.c.expires_at > utcnow()
                )
            ).all()
        return refuses(claims, dict(rows))

    def partner_of(self, account_id: str) -> str | None:
        """The active profile the account belongs to now, or None."""
        members, states = self.memberships, self.states
        with self.database.session() as session:
            return session.scalar(
                sa.select(members.c.partner_id)
                .outerjoin(states, states.c.partner_id == members.c.partner_id)
                .where(members.c.account_id == account_id, sa.func.coalesce(states.c.active, sa.true()))
            )

    # -- writing, in the caller's transaction ----------------------------------------------------
    def record_revocation(self, session, revocation: Revocation) -> None:
        table = self.revocations
        now = utcnow()
        session.execute(sa.delete(table).where(table.c.expires_at < now))
        current = session.execute(
            sa.select(table.c.revoked_at, table.c.expires_at).where(table.c.key == revocation.key)
        ).first()
        if current is None:
            session.execute(
                sa.insert(table).values(
                    key=revocation.key, revoked_at=revocation.revoked_at, expires_at=revocation.expires_at
                )
            )
        else:
            session.execute(
                sa.update(table)
                .where(table.c.key == revocation.key)
                .values(
                    revoked_at=max(current.revoked_at, revocation.revoked_at),
                    expires_at=max(current.expires_at, revocation.expires_at),
                )
            )

    def record_membership(self, session, account_id: str, partner_id: str | None, at: dt.datetime) -> None:
        """Events may arrive out of order: only a newer fact replaces the one kept."""
        self._newer(session, self.memberships, "account_id", account_id, {"partner_id": partner_id}, at)

    def record_partner_state(self, session, partner_id: str, active: bool, at: dt.datetime) -> None:
        self._newer(session, self.states, "partner_id", partner_id, {"active": active}, at)

    @staticmethod
    def _newer(session, table: sa.Table, key_column: str, key: str, values: dict, at: dt.datetime) -> None:
        key_col = table.c[key_column]
        kept = session.scalar(sa.select(table.c.changed_at).where(key_col == key))
        if kept is None:
            session.execute(sa.insert(table).values({key_column: key, **values, "changed_at": at}))
        elif kept <= at:
            session.execute(sa.update(table).where(key_col == key).values(**values, changed_at=at))

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


def _when(event: Envelope) -> dt.datetime:
    return dt.datetime.fromisoformat(event.occurred_at.replace("Z", "+00:00"))


def acting_partner_id(no_profile_text: str) -> str:
    """The profile the caller acts for: from the partners service's facts, never from the token alone.

    The token's ``partner_id`` is only a hint: when it names no profile the account belongs to now
    (unlinked, profile deactivated), the request is refused.
    """
    principal = current_principal()
    partner_id = current_app.extensions["portal.runtime"].trust.partner_of(principal.subject)
    if not partner_id:
        raise Problem(403, no_profile_text)
    return partner_id
