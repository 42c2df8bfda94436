"""Repositories: how the service layer reads and stores aggregates, without writing SQL itself."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload

from portal_apps.adapters import orm
from portal_apps.domain.model import Application, PendingChange, Status
from portalkit.db import search_total
from portalkit.uow import Repository

_applications = orm.applications.c  # table columns, not mapped attributes: the same SQL, built without the ORM

SEARCH_WINDOW = 1_000
"""How far a search reaches: its total goes up to here and its pages end here, so no request reads more
rows than this however many applications there are (narrow the search to see more)."""


@dataclasses.dataclass(frozen=True)
class ApplicationFilter:
    text: str | None = None
    status: str | None = None
    partner_id: str | None = None
    api: str | None = None
    created_from: dt.datetime | None = None
    created_to: dt.datetime | None = None
    oldest_first: bool = False


class Applications(Repository):
    session: Session

    def add(self, application: Application) -> None:
        self.session.add(self._seen(application))

    def get(self, application_id: str, *, for_update: bool = False) -> Application | None:
        return self._seen(self.session.get(Application, application_id, with_for_update=for_update or None))

    def of_partner(self, partner_id: str, application_id: str, *, for_update: bool = False) -> Application | None:
        application = self.get(application_id, for_update=for_update)
        return application if application is not None and application.partner_id == partner_id else None

    def by_client(self, client_id: str) -> Application | None:
        return self._seen(self.session.scalar(sa.select(Application).where(Application.client_id == client_id)))

    def keep_partner_name(self, partner_id: str, name: str) -> None:
        table = orm.partner_names
        self.session.execute(sa.delete(table).where(table.c.partner_id == partner_id))
        self.session.execute(sa.insert(table).values(partner_id=partner_id, name=name))

    def _rows(self, query, offset: int, limit: int) -> list[Application]:
        """One page of (application, partner name) rows, as applications that know their partner's name."""
        found = []
        for application, partner_name in self.session.execute(query.offset(offset).limit(limit)):
            application.partner_name = partner_name
            found.append(application)
        return found

    def _page(self, query, offset: int, limit: int) -> tuple[list[Application], int]:
        """One page, and how many there are in all."""
        total = self.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        return self._rows(query, offset, limit), total

    def with_pending_change(self, offset: int, limit: int) -> tuple[list[Application], int]:
        """The moderators' queue of changes: the longest waiting first."""
        names = orm.partner_names
        query = (
            sa.select(Application, names.c.name)
            .join(PendingChange, PendingChange.application_id == Application.id)
            .outerjoin(names, names.c.partner_id == Application.partner_id)
        )
        return self._page(query.order_by(PendingChange.requested_at, Application.id), offset, limit)

    def _partner_named(self, pattern: str):
        named = sa.select(orm.partner_names.c.partner_id).where(orm.partner_names.c.name.ilike(pattern))
        if self.session.get_bind().dialect.name == "postgresql":
            # An array computed once, which PostgreSQL looks up in ix_applications_partner_id beside the trigram
            # indexes; with ``IN (subquery)`` it reads every application instead.
            return _applications.partner_id == sa.any_(sa.func.array(named.scalar_subquery()))
        return _applications.partner_id.in_(named)

    def _conditions(self, where: ApplicationFilter) -> list:
        conditions = []
        if where.text:
            pattern = f"%{where.text.strip()}%"
            conditions.append(  # each part on its own index, no join needed to filter
                sa.or_(
                    _applications.name.ilike(pattern),
                    _applications.description.ilike(pattern),
                    self._partner_named(pattern),
                )
            )
        if where.status:
            conditions.append(_applications.status == where.status)
        if where.partner_id:
            conditions.append(_applications.partner_id == where.partner_id)
        if where.api:
            conditions.append(sa.cast(_applications.apis, sa.String).like(f'%"{where.api}"%'))
        if where.created_from:
            conditions.append(_applications.created_at >= where.created_from)
        if where.created_to:
            conditions.append(_applications.created_at < where.created_to)
        return conditions

    @staticmethod
    def _order(where: ApplicationFilter) -> tuple:
        created = _applications.created_at
        return (created.asc() if where.oldest_first else created.desc(), _applications.id)

    def search(self, where: ApplicationFilter, offset: int, limit: int) -> tuple[list[Application], int]:
        """Newest (or oldest) first; the total as far as :data:`SEARCH_WINDOW`, where the pages end."""
        names = orm.partner_names
        conditions = self._conditions(where)
        query = (
            sa.select(Application, names.c.name)
            .outerjoin(names, names.c.partner_id == Application.partner_id)
            .where(*conditions)
            .order_by(*self._order(where))
            .options(lazyload(Application.history))  # a listing shows no history: no query for it
        )
        asked = max(0, min(limit, SEARCH_WINDOW - offset))
        found = self._rows(query, offset, asked) if asked else []
        matching = sa.select(Application.id).where(*conditions)
        return found, search_total(self.session, matching, offset, len(found), asked, SEARCH_WINDOW)

    def search_entries(self, where: ApplicationFilter, offset: int, limit: int) -> tuple[list[dict], int]:
        """The page :meth:`search` reads, as plain rows (``partner_name`` and ``pending_change`` included, the
        change as a row of its own or None), without loading applications: the moderators' hot path."""
        table, names, changes = orm.applications, orm.partner_names, orm.pending_changes
        conditions = self._conditions(where)
        asked = max(0, min(limit, SEARCH_WINDOW - offset))
        found = []
        if asked:
            query = (
                sa.select(*table.c, names.c.name.label("partner_name"))
                .outerjoin(names, names.c.partner_id == table.c.partner_id)
                .where(*conditions)
                .order_by(*self._order(where))
            )
            found = [dict(row) for row in self.session.execute(query.offset(offset).limit(asked)).mappings().all()]
        if found:
            waiting = {entry["id"]: entry for entry in found}
            for entry in found:
                entry["pending_change"] = None
            columns = (changes.c.application_id, changes.c.id, changes.c.name, changes.c.apis_added)
            query = sa.select(*columns, changes.c.requested_by, changes.c.requested_at)
            for change in self.session.execute(query.where(changes.c.application_id.in_(waiting))).mappings().all():
                waiting[change["application_id"]]["pending_change"] = dict(change)
        matching = sa.select(_applications.id).where(*conditions)
        return found, search_total(self.session, matching, offset, len(found), asked, SEARCH_WINDOW)


QUEUE = ApplicationFilter(status=Status.NEW, oldest_first=True)
