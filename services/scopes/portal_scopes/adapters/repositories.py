"""Repositories: how the service layer reads and stores aggregates, without writing SQL itself."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal_scopes.adapters import orm
from portal_scopes.domain.access import AccessRequest, Grant, PartnerName, RenewalLink, ScopesApplication
from portal_scopes.domain.schools import School
from portalkit.uow import Repository


class Schools(Repository):
    session: Session

    def get(self, institution_number: str) -> School | None:
        return self.session.get(School, institution_number)

    def add(self, school: School) -> None:
        self.session.add(school)

    def names(self, numbers) -> dict[str, str]:
        rows = self.session.scalars(sa.select(School).where(School.institution_number.in_(list(numbers))))
        return {school.institution_number: school.name for school in rows}

    def search(self, text: str | None, offset: int, limit: int) -> tuple[list[School], int]:
        query = sa.select(School)
        if text:
            pattern = f"%{text.strip().lower()}%"
            query = query.where(
                sa.or_(sa.func.lower(School.name).like(pattern), School.institution_number.like(pattern))
            )
        total = self.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        page = self.session.scalars(query.order_by(School.name, School.institution_number).offset(offset).limit(limit))
        return list(page), total


class Applications(Repository):
    session: Session

    def get(self, application_id: str, *, for_update: bool = False) -> ScopesApplication | None:
        return self._seen(self.session.get(ScopesApplication, application_id, with_for_update=for_update or None))

    def keep(self, application: ScopesApplication) -> ScopesApplication:
        """Store what another service said of the application: a new one, or the known one updated."""
        existing = self.get(application.application_id, for_update=True)
        if existing is None:
            self.session.add(application)
            return self._seen(application)
        for field in ("partner_id", "name", "description", "apis", "status", "contact_email"):
            setattr(existing, field, getattr(application, field))
        return existing

    def partner(self, partner_id: str) -> PartnerName | None:
        return self.session.get(PartnerName, partner_id)

    def partner_name(self, partner_id: str) -> str | None:
        found = self.partner(partner_id)
        return found.name if found else None

    def keep_partner(self, partner: PartnerName) -> None:
        self.session.merge(partner)


class AccessRequests(Repository):
    session: Session

    def add(self, request: AccessRequest) -> None:
        self.session.add(request)

    def get(self, request_id: str, *, for_update: bool = False) -> AccessRequest | None:
        return self.session.get(AccessRequest, request_id, with_for_update=for_update or None)

    def sent_since(self, since: dt.datetime, *, partner_id: str, application_id: str | None = None):
        """When the partner's (or one application's) requests since ``since`` were made."""
        query = sa.select(AccessRequest.created_at).where(
            AccessRequest.partner_id == partner_id, AccessRequest.created_at >= since
        )
        if application_id:
            query = query.where(AccessRequest.application_id == application_id)
        return list(self.session.scalars(query))

    def of_partner(self, partner_id: str, application_id: str | None) -> list[AccessRequest]:
        query = sa.select(AccessRequest).where(AccessRequest.partner_id == partner_id)
        if application_id:
            query = query.where(AccessRequest.application_id == application_id)
        return list(self.session.scalars(query.order_by(AccessRequest.created_at.desc(), AccessRequest.email)))

    def unanswered(self) -> list[AccessRequest]:
        """Requests nobody answered and the sweep has not marked expired: those it may remind or expire."""
        query = sa.select(AccessRequest).where(AccessRequest.answered_at.is_(None), AccessRequest.expired_at.is_(None))
        return list(self.session.scalars(query.order_by(AccessRequest.created_at)))

    def open_for(self, email: str, now: dt.datetime, text: str | None, offset: int, limit: int):
        """The open requests mailed to ``email``, newest first, with application and partner names."""
        r, a, p = orm.access_requests, orm.applications, orm.partner_names
        query = (
            sa.select(
                r.c.id,
                r.c.application_id,
                a.c.name.label("application_name"),
                p.c.name.label("partner_name"),
                r.c.created_at,
                r.c.expires_at,
            )
            .join(a, a.c.application_id == r.c.application_id)
            .outerjoin(p, p.c.partner_id == r.c.partner_id)
            .where(
                sa.func.lower(r.c.email) == email.lower(),
                r.c.answered_at.is_(None),
                r.c.expired_at.is_(None),
                r.c.expires_at > now,
            )
        )
        if text:
            pattern = f"%{text.strip().lower()}%"
            query = query.where(sa.or_(sa.func.lower(a.c.name).like(pattern), sa.func.lower(p.c.name).like(pattern)))
        total = self.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        page = query.order_by(r.c.created_at.desc(), r.c.id).offset(offset).limit(limit)
        return [dict(row._mapping) for row in self.session.execute(page)], total


@dataclasses.dataclass(frozen=True)
class LedgerFilter:
    institutions: frozenset[str] | None = None  # None: every school (moderators)
    application_id: str | None = None
    api: str | None = None
    text: str | None = None
    include_revoked: bool = False


class Grants(Repository):
    session: Session

    def add(self, grant: Grant) -> None:
        self.session.add(grant)

    def active(self, application_id: str) -> list[Grant]:
        query = sa.select(Grant).where(Grant.application_id == application_id, Grant.revoked_at.is_(None))
        return list(self.session.scalars(query.order_by(Grant.institution_number, Grant.api)))

    def applications_ending_before(self, day: dt.date) -> list[str]:
        """Applications with an active grant whose end date is before ``day``."""
        query = sa.select(Grant.application_id).where(Grant.revoked_at.is_(None), Grant.ends_on < day)
        return list(self.session.scalars(query.distinct().order_by(Grant.application_id)))

    def applications_to_remind(self, last_day: dt.date) -> list[str]:
        """Applications with an active grant ending on or before ``last_day`` whose reminder is not sent."""
        query = sa.select(Grant.application_id).where(
            Grant.revoked_at.is_(None), Grant.reminded_at.is_(None), Grant.ends_on <= last_day
        )
        return list(self.session.scalars(query.distinct().order_by(Grant.application_id)))

    def ledger(self, where: LedgerFilter, offset: int | None, limit: int | None):
        """Grants joined with application, partner and school names, for the back-office and its CSV."""
        g, a, p, s = orm.grants, orm.applications, orm.partner_names, orm.schools
        people = orm.people.table
        granter, revoker, renewer = people.alias("granter"), people.alias("revoker"), people.alias("renewer")
        query = (
            sa.select(
                g,
                a.c.name.label("application_name"),
                p.c.name.label("partner_name"),
                s.c.name.label("school_name"),
                granter.c.email.label("granted_by_email"),
                revoker.c.email.label("revoked_by_email"),
                renewer.c.email.label("renewed_by_email"),
            )
            .join(a, a.c.application_id == g.c.application_id)
            .outerjoin(p, p.c.partner_id == a.c.partner_id)
            .outerjoin(s, s.c.institution_number == g.c.institution_number)
            .outerjoin(granter, granter.c.account_id == g.c.granted_by)
            .outerjoin(revoker, revoker.c.account_id == g.c.revoked_by)
            .outerjoin(renewer, renewer.c.account_id == g.c.renewed_by)
        )
        if not where.include_revoked:
            query = query.where(g.c.revoked_at.is_(None))
        if where.institutions is not None:
            query = query.where(g.c.institution_number.in_(sorted(where.institutions)))
        if where.application_id:
            query = query.where(g.c.application_id == where.application_id)
        if where.api:
            query = query.where(g.c.api == where.api)
        if where.text:
            pattern = f"%{where.text.strip().lower()}%"
            query = query.where(sa.or_(sa.func.lower(a.c.name).like(pattern), sa.func.lower(p.c.name).like(pattern)))
        total = self.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        query = query.order_by(g.c.institution_number, a.c.name, g.c.api, g.c.granted_at)
        if limit is not None:
            query = query.offset(offset or 0).limit(limit)
        return [dict(row._mapping) for row in self.session.execute(query)], total


class RenewalLinks(Repository):
    session: Session

    def add(self, link: RenewalLink) -> None:
        self.session.add(link)

    def get(self, link_id: str, *, for_update: bool = False) -> RenewalLink | None:
        return self.session.get(RenewalLink, link_id, with_for_update=for_update or None)
