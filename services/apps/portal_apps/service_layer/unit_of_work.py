"""The apps service's unit of work: its repositories on one transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal_apps.adapters import orm
from portal_apps.adapters.repositories import Applications
from portalkit.people import KnownPeople
from portalkit.uow import UnitOfWork


class AppsUnitOfWork(UnitOfWork):
    applications: Applications
    people: KnownPeople

    def _open(self, session: Session) -> None:
        self.applications = Applications(session)
        self.people = orm.people.known(session)
