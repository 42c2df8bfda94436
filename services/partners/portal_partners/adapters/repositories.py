"""Repositories: how the service layer reads and stores aggregates, without writing SQL itself."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal_partners.domain.directory import DirectoryEntry


class Directory:
    def __init__(self, session: Session):
        self.session = session

    def listed(self, text: str | None, category: str | None, offset: int, limit: int):
        """Listed entries only (the rule of :attr:`DirectoryEntry.listed`), in a stable order."""
        query = sa.select(DirectoryEntry).where(
            DirectoryEntry.active.is_(True), DirectoryEntry.public.is_(True), DirectoryEntry.approved_apps > 0
        )
        if category:
            query = query.where(DirectoryEntry.category == category)
        if text:
            pattern = f"%{text.strip().lower()}%"
            query = query.where(
                sa.or_(
                    sa.func.lower(DirectoryEntry.name).like(pattern),
                    sa.func.lower(DirectoryEntry.description).like(pattern),
                )
            )
        total = self.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        order = (sa.func.lower(DirectoryEntry.name), DirectoryEntry.partner_id)
        return list(self.session.scalars(query.order_by(*order).offset(offset).limit(limit))), total
