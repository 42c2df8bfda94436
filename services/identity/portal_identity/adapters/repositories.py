"""Repositories: how the service layer reads and stores aggregates, without writing SQL itself."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal_identity.domain.keys import SigningKey


class SigningKeys:
    def __init__(self, session: Session):
        self.session = session

    def all(self) -> list[SigningKey]:
        return list(self.session.scalars(sa.select(SigningKey).order_by(SigningKey.signs_from)))

    def add(self, key: SigningKey) -> None:
        self.session.add(key)
