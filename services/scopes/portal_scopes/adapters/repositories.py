"""Repositories: how the service layer reads and stores aggregates, without writing SQL itself."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal_scopes.domain.schools import School


class Schools:
    def __init__(self, session: Session):
        self.session = session

    def get(self, institution_number: str) -> School | None:
        return self.session.get(School, institution_number)

    def add(self, school: School) -> None:
        self.session.add(school)

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
