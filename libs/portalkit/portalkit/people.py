"""Who an account id is, as one service knows it: the person's e-mail address, to show instead of the id
wherever the service records that someone acted (history, ledger).

A projection like those of :mod:`portalkit.trust`, kept in the service's own database from what it learns:
the identity service's ``identity.account.registered`` and ``identity.account.activated`` events (every
partner account), and the verified access token of each person who changes something through the
service's API (back-office accounts, which are made without an event). Reading it never calls the
identity service.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask, current_app, g, request
from sqlalchemy.exc import IntegrityError

from portalkit.db import UtcDateTime
from portalkit.events.envelope import Envelope, utcnow
from portalkit.uow import Repository

PEOPLE_EVENTS = ("identity.account.registered", "identity.account.activated")
_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def define_people_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "people",
        metadata,
        sa.Column("account_id", sa.String(36), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
    )


def create_people_table(op) -> None:
    """Alembic ``upgrade`` step."""
    metadata = sa.MetaData()
    define_people_table(metadata)
    metadata.create_all(op.get_bind())


def drop_people_table(op) -> None:
    op.drop_table("people")


class People:
    """Account id -> e-mail address, in one service's database."""

    def __init__(self, table: sa.Table):
        self.table = table

    def record(self, session, account_id: str, email: str, at: dt.datetime) -> None:
        """In the caller's transaction; only a newer fact replaces the one kept (events may come late)."""
        table = self.table
        kept = session.execute(sa.select(table.c.email, table.c.changed_at).where(table.c.account_id == account_id))
        kept = kept.first()
        if kept is None:
            session.execute(sa.insert(table).values(account_id=account_id, email=email, changed_at=at))
        elif kept.email != email and kept.changed_at <= at:
            session.execute(sa.update(table).where(table.c.account_id == account_id).values(email=email, changed_at=at))

    def emails(self, session, account_ids) -> dict[str, str]:
        wanted = sorted({account_id for account_id in account_ids if account_id})
        if not wanted:
            return {}
        table = self.table
        rows = session.execute(sa.select(table.c.account_id, table.c.email).where(table.c.account_id.in_(wanted)))
        return dict(rows.all())

    def known(self, session) -> KnownPeople:
        """This projection as a repository of a unit of work."""
        return KnownPeople(session, self)

    def handlers(self) -> dict:
        """The identity service's events that name a person."""
        return dict.fromkeys(PEOPLE_EVENTS, self._from_event)

    def _from_event(self, uow, event: Envelope) -> None:
        at = dt.datetime.fromisoformat(event.occurred_at.replace("Z", "+00:00"))
        self.record(uow.session, event.data["account_id"], event.data["email"], at)

    def learn_from_requests(self, app: Flask) -> None:
        """After each successful change made by a person, keep who that person is (their token's e-mail)."""

        @app.after_request
        def remember(response):
            principal = g.get("principal")
            if (
                request.method in _CHANGING
                and response.status_code < 400
                and principal is not None
                and principal.email  # a person's token (a client's has no e-mail)
            ):
                database = current_app.extensions["portal.runtime"].database
                try:
                    with database.session() as session:
                        self.record(session, principal.subject, principal.email, utcnow())
                        session.commit()
                except IntegrityError:  # the same person's parallel request recorded them first
                    pass
            return response


class KnownPeople(Repository):
    """Who acted, for the service layer: e-mail addresses by account id (missing: not known here)."""

    def __init__(self, session, people: People):
        super().__init__(session)
        self._people = people

    def emails(self, account_ids) -> dict[str, str]:
        return self._people.emails(self.session, account_ids)
