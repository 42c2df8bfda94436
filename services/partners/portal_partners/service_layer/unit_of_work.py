"""The partners service's unit of work: its repositories on one transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal_partners.adapters import orm
from portal_partners.adapters.repositories import ApprovedApplications, AuditLog, Invitations, Memberships, Profiles
from portalkit.people import KnownPeople
from portalkit.uow import UnitOfWork


class PartnersUnitOfWork(UnitOfWork):
    profiles: Profiles
    memberships: Memberships
    invitations: Invitations
    audit_log: AuditLog
    approved_applications: ApprovedApplications
    people: KnownPeople

    def _open(self, session: Session) -> None:
        # Events leave in the order of these repositories: a new profile's before its first membership's.
        self.profiles = Profiles(session)
        self.memberships = Memberships(session)
        self.invitations = Invitations(session)
        self.audit_log = AuditLog(session)
        self.approved_applications = ApprovedApplications(session)
        self.people = orm.people.known(session)
