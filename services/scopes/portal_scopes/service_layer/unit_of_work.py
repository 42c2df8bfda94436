"""The scopes service's unit of work: its repositories on one transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal_scopes.adapters import orm
from portal_scopes.adapters.repositories import AccessRequests, Applications, Grants, RenewalLinks, Schools
from portalkit.people import KnownPeople
from portalkit.uow import UnitOfWork


class ScopesUnitOfWork(UnitOfWork):
    schools: Schools
    applications: Applications
    requests: AccessRequests
    grants: Grants
    renewals: RenewalLinks
    people: KnownPeople

    def _open(self, session: Session) -> None:
        self.schools = Schools(session)
        self.applications = Applications(session)
        self.requests = AccessRequests(session)
        self.grants = Grants(session)
        self.renewals = RenewalLinks(session)
        self.people = orm.people.known(session)
