"""Repositories: how the service layer reads and stores aggregates, without writing SQL itself."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session, undefer

from portal_partners.adapters import orm
from portal_partners.domain.invitations import Invitation
from portal_partners.domain.profiles import AuditEntry, Membership, Profile
from portalkit.db import search_total
from portalkit.uow import Repository

SEARCH_WINDOW = 1_000
"""How far a search reaches: its total goes up to here and its pages end here, so no request reads more
rows than this however large the directory grows (narrow the search to see more)."""


_profiles = orm.profiles.c  # table columns, not mapped attributes: the same SQL, built without the ORM


def _listed():
    """Manual 3: active AND public AND at least one approved application."""
    approved = sa.select(orm.approved_applications.c.partner_id).where(
        orm.approved_applications.c.partner_id == _profiles.id
    )
    return sa.and_(_profiles.active.is_(True), _profiles.public.is_(True), approved.exists())


def _matching(query, text: str | None, category: str | None):
    if category:  # any of the profile's categories (ix_profile_categories_category)
        table = orm.profile_categories
        query = query.where(sa.exists().where(table.c.category == category, table.c.partner_id == _profiles.id))
    if text:
        pattern = f"%{text.strip()}%"
        query = query.where(sa.or_(_profiles.name.ilike(pattern), _profiles.description.ilike(pattern)))  # trigrams
    return query


class Profiles(Repository):
    session: Session

    def add(self, profile: Profile) -> None:
        self.session.add(self._seen(profile))

    def get(self, partner_id: str, *, for_update: bool = False, with_logo: bool = False) -> Profile | None:
        options = [undefer(Profile.logo)] if with_logo else []
        return self._seen(self.session.get(Profile, partner_id, with_for_update=for_update or None, options=options))

    def by_name_key(self, key: str) -> Profile | None:
        return self.session.scalar(sa.select(Profile).where(Profile.name_key == key))

    def _page(self, query, offset: int, limit: int):
        """One page in name order (``ix_profiles_listing_order``), and the total as far as :data:`SEARCH_WINDOW`."""
        asked = max(0, min(limit, SEARCH_WINDOW - offset))
        page = query.order_by(sa.func.lower(Profile.name), Profile.id).offset(offset).limit(asked)
        found = list(self.session.scalars(page)) if asked else []
        return found, search_total(self.session, query, offset, len(found), asked, SEARCH_WINDOW)

    def listed(self, text: str | None, category: str | None, offset: int, limit: int):
        return self._page(_matching(sa.select(Profile).where(_listed()), text, category), offset, limit)

    def listed_entries(self, text: str | None, category: str | None, offset: int, limit: int):
        """The page :meth:`listed` reads, as plain rows of the directory's public fields (with ``categories``
        in the partner's order), without loading profiles: the directory's hot path reads no more."""
        table = orm.profiles
        columns = (table.c.id, table.c.name, table.c.description, table.c.website, table.c.extra_info)
        matching = _matching(sa.select(table.c.id).where(_listed()), text, category)
        asked = max(0, min(limit, SEARCH_WINDOW - offset))
        found = []
        if asked:
            page = matching.with_only_columns(*columns).order_by(sa.func.lower(table.c.name), table.c.id)
            found = [dict(row) for row in self.session.execute(page.offset(offset).limit(asked)).mappings().all()]
        if found:
            categories = orm.profile_categories
            owned = {entry["id"]: entry.setdefault("categories", []) for entry in found}
            rows = self.session.execute(
                sa.select(categories.c.partner_id, categories.c.category)
                .where(categories.c.partner_id.in_(owned))
                .order_by(categories.c.partner_id, categories.c.position)
            )
            for partner_id, name in rows.all():
                owned[partner_id].append(name)
        return found, search_total(self.session, matching, offset, len(found), asked, SEARCH_WINDOW)

    def is_listed(self, partner_id: str) -> bool:
        return self.session.scalar(sa.select(sa.literal(1)).where(Profile.id == partner_id, _listed())) is not None

    def search(self, text: str | None, category: str | None, active: bool | None, offset: int, limit: int):
        query = _matching(sa.select(Profile), text, category)
        if active is not None:
            query = query.where(Profile.active.is_(active))
        return self._page(query, offset, limit)


class Memberships(Repository):
    session: Session

    def of_account(self, account_id: str) -> Membership | None:
        return self.session.get(Membership, account_id)

    def add(self, membership: Membership) -> None:
        self.session.add(self._seen(membership))

    def remove(self, membership: Membership) -> None:
        self.session.delete(self._seen(membership))

    def of_partner(self, partner_id: str) -> list[Membership]:
        query = sa.select(Membership).where(Membership.partner_id == partner_id).order_by(Membership.linked_at)
        return list(self.session.scalars(query))


class Invitations(Repository):
    session: Session

    def add(self, invitation: Invitation) -> None:
        self.session.add(invitation)

    def get(self, code_hash: str) -> Invitation | None:
        return self.session.get(Invitation, code_hash, with_for_update=True)

    def by_id(self, partner_id: str, invitation_id: str) -> Invitation | None:
        query = sa.select(Invitation).where(Invitation.partner_id == partner_id, Invitation.id == invitation_id)
        return self.session.scalar(query.with_for_update())

    def open_of_partner(self, partner_id: str, now: dt.datetime, *, for_update: bool = False) -> list[Invitation]:
        query = sa.select(Invitation).where(
            Invitation.partner_id == partner_id,
            Invitation.used_at.is_(None),
            Invitation.withdrawn_at.is_(None),
            Invitation.expires_at > now,
        )
        if for_update:
            query = query.with_for_update()
        return list(self.session.scalars(query.order_by(Invitation.expires_at, Invitation.id)))

    def failures_since(self, account_id: str, since: dt.datetime) -> int:
        table = orm.redeem_failures
        return self.session.scalar(
            sa.select(sa.func.count())
            .select_from(table)
            .where(table.c.account_id == account_id, table.c.failed_at >= since)
        )

    def record_failure(self, account_id: str, now: dt.datetime) -> None:
        self.session.execute(sa.insert(orm.redeem_failures).values(account_id=account_id, failed_at=now))


class AuditLog(Repository):
    session: Session

    def add(self, entries: list[AuditEntry]) -> None:
        self.session.add_all(entries)

    def of_partner(self, partner_id: str, offset: int, limit: int) -> tuple[list[AuditEntry], int]:
        query = sa.select(AuditEntry).where(AuditEntry.partner_id == partner_id)
        total = self.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        page = query.order_by(AuditEntry.changed_at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
        return list(self.session.scalars(page)), total


class ApprovedApplications(Repository):
    """The apps service's approvals, as far as the directory needs them."""

    session: Session

    def approved(self, application_id: str, partner_id: str) -> None:
        table = orm.approved_applications
        exists = self.session.scalar(sa.select(sa.literal(1)).where(table.c.application_id == application_id))
        if not exists:
            self.session.execute(sa.insert(table).values(application_id=application_id, partner_id=partner_id))

    def withdrawn(self, application_id: str) -> None:
        table = orm.approved_applications
        self.session.execute(sa.delete(table).where(table.c.application_id == application_id))
