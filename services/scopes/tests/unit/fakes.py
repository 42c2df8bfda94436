"""The scopes service's unit of work in memory, for the service layer's unit tests."""

from __future__ import annotations

import dataclasses
import datetime as dt

from portal_scopes.adapters.repositories import LedgerFilter
from portal_scopes.domain.access import AccessRequest, Grant, PartnerName, RenewalLink, ScopesApplication
from portal_scopes.domain.schools import School
from portalkit.testing import FakePeople, FakeUnitOfWork
from portalkit.uow import Repository


class FakeSchools(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored: dict[str, School] = {}

    def get(self, institution_number: str) -> School | None:
        return self.stored.get(institution_number)

    def add(self, school: School) -> None:
        self.stored[school.institution_number] = school

    def names(self, numbers) -> dict[str, str]:
        return {number: self.stored[number].name for number in numbers if number in self.stored}

    def search(self, text: str | None, offset: int, limit: int) -> tuple[list[School], int]:
        wanted = (text or "").strip().lower()
        found = sorted(
            (s for s in self.stored.values() if wanted in s.name.lower() or wanted in s.institution_number),
            key=lambda school: (school.name, school.institution_number),
        )
        return found[offset : offset + limit], len(found)


class FakeApplications(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored: dict[str, ScopesApplication] = {}
        self.partners: dict[str, PartnerName] = {}

    def get(self, application_id: str, *, for_update: bool = False) -> ScopesApplication | None:
        return self._seen(self.stored.get(application_id))

    def keep(self, application: ScopesApplication) -> ScopesApplication:
        existing = self.get(application.application_id)
        if existing is None:
            self.stored[application.application_id] = application
            return self._seen(application)
        for field in ("partner_id", "name", "description", "apis", "status", "contact_email"):
            setattr(existing, field, getattr(application, field))
        return existing

    def partner(self, partner_id: str) -> PartnerName | None:
        return self.partners.get(partner_id)

    def partner_name(self, partner_id: str) -> str | None:
        found = self.partners.get(partner_id)
        return found.name if found else None

    def keep_partner(self, partner: PartnerName) -> None:
        self.partners[partner.partner_id] = partner


class FakeAccessRequests(Repository):
    def __init__(self, applications: FakeApplications):
        super().__init__(None)
        self.stored: dict[str, AccessRequest] = {}
        self.applications = applications

    def add(self, request: AccessRequest) -> None:
        self.stored[request.id] = request

    def get(self, request_id: str, *, for_update: bool = False) -> AccessRequest | None:
        return self.stored.get(request_id)

    def sent_since(self, since: dt.datetime, *, partner_id: str, application_id: str | None = None):
        return [
            request.created_at
            for request in self.stored.values()
            if request.partner_id == partner_id
            and request.created_at >= since
            and (not application_id or request.application_id == application_id)
        ]

    def of_partner(self, partner_id: str, application_id: str | None) -> list[AccessRequest]:
        return [
            request
            for request in self.stored.values()
            if request.partner_id == partner_id and (not application_id or request.application_id == application_id)
        ]

    def unanswered(self) -> list[AccessRequest]:
        return [r for r in self.stored.values() if r.answered_at is None and r.expired_at is None]

    def open_for(self, email: str, now: dt.datetime, text: str | None, offset: int, limit: int):
        rows = []
        for request in sorted(self.stored.values(), key=lambda r: (r.created_at, r.id), reverse=True):
            application = self.applications.stored[request.application_id]
            partner_name = self.applications.partner_name(request.partner_id)
            names = f"{application.name} {partner_name or ''}".lower()
            if request.state(now) == "open" and request.addressed_to(email) and (text or "").lower() in names:
                rows.append(
                    {
                        "id": request.id,
                        "application_id": request.application_id,
                        "application_name": application.name,
                        "partner_name": partner_name,
                        "created_at": request.created_at,
                        "expires_at": request.expires_at,
                    }
                )
        return rows[offset : offset + limit], len(rows)


class FakeGrants(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored: list[Grant] = []

    def add(self, grant: Grant) -> None:
        self.stored.append(grant)

    def active(self, application_id: str) -> list[Grant]:
        return sorted(
            (g for g in self.stored if g.application_id == application_id and g.revoked_at is None),
            key=lambda grant: grant.key,
        )

    def applications_ending_before(self, day: dt.date) -> list[str]:
        return sorted({g.application_id for g in self.stored if g.revoked_at is None and g.ends_on < day})

    def applications_to_remind(self, last_day: dt.date) -> list[str]:
        return sorted(
            {
                g.application_id
                for g in self.stored
                if g.revoked_at is None and g.reminded_at is None and g.ends_on <= last_day
            }
        )

    def ledger(self, where: LedgerFilter, offset: int | None, limit: int | None):
        rows = [
            dataclasses.asdict(grant)
            for grant in sorted(self.stored, key=lambda grant: (grant.institution_number, grant.api))
            if (where.include_revoked or grant.revoked_at is None)
            and (where.institutions is None or grant.institution_number in where.institutions)
        ]
        return rows, len(rows)


class FakeRenewalLinks(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored: dict[str, RenewalLink] = {}

    def add(self, link: RenewalLink) -> None:
        self.stored[link.id] = link

    def get(self, link_id: str, *, for_update: bool = False) -> RenewalLink | None:
        return self.stored.get(link_id)


class FakeScopesUnitOfWork(FakeUnitOfWork):
    def __init__(self):
        super().__init__()
        self.schools = FakeSchools()
        self.applications = FakeApplications()
        self.requests = FakeAccessRequests(self.applications)
        self.grants = FakeGrants()
        self.renewals = FakeRenewalLinks()
        self.people = FakePeople()
