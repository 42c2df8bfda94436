"""The partners service's unit of work in memory, for the service layer's unit tests."""

from __future__ import annotations

import datetime as dt

from portal_partners.domain.invitations import Invitation
from portal_partners.domain.profiles import AuditEntry, Membership, Profile
from portalkit.testing import FakePeople, FakeUnitOfWork
from portalkit.uow import Conflict, Repository


class FakeApprovedApplications(Repository):
    def __init__(self):
        super().__init__(None)
        self.partners: dict[str, str] = {}  # application id -> partner id

    def approved(self, application_id: str, partner_id: str) -> None:
        self.partners.setdefault(application_id, partner_id)

    def withdrawn(self, application_id: str) -> None:
        self.partners.pop(application_id, None)


class FakeProfiles(Repository):
    def __init__(self, approved: FakeApprovedApplications):
        super().__init__(None)
        self.stored: dict[str, Profile] = {}
        self._approved = approved

    def add(self, profile: Profile) -> None:
        self.stored[profile.id] = self._seen(profile)

    def get(self, partner_id: str, *, for_update: bool = False, with_logo: bool = False) -> Profile | None:
        return self._seen(self.stored.get(partner_id))

    def by_name_key(self, key: str) -> Profile | None:
        return next((profile for profile in self.stored.values() if profile.name_key == key), None)

    def is_listed(self, partner_id: str) -> bool:
        profile = self.stored.get(partner_id)
        return (
            profile is not None and profile.active and profile.public and partner_id in self._approved.partners.values()
        )

    def listed(self, text, category, offset: int, limit: int):
        return self._page([p for p in self.stored.values() if self.is_listed(p.id)], text, category, offset, limit)

    def search(self, text, category, active, offset: int, limit: int):
        found = [p for p in self.stored.values() if active is None or p.active == active]
        return self._page(found, text, category, offset, limit)

    @staticmethod
    def _page(profiles, text, category, offset, limit):
        found = sorted(
            (
                p
                for p in profiles
                if (not category or category in p.categories)
                and (not text or text.lower() in f"{p.name} {p.description}".lower())
            ),
            key=lambda p: (p.name.lower(), p.id),
        )
        return found[offset : offset + limit], len(found)


class FakeMemberships(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored: dict[str, Membership] = {}

    def of_account(self, account_id: str) -> Membership | None:
        return self.stored.get(account_id)

    def add(self, membership: Membership) -> None:
        self.stored[membership.account_id] = self._seen(membership)

    def remove(self, membership: Membership) -> None:
        del self.stored[self._seen(membership).account_id]

    def of_partner(self, partner_id: str) -> list[Membership]:
        return sorted((m for m in self.stored.values() if m.partner_id == partner_id), key=lambda m: m.linked_at)


class FakeInvitations(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored: dict[str, Invitation] = {}
        self.failures: list[tuple[str, dt.datetime]] = []

    def add(self, invitation: Invitation) -> None:
        self.stored[invitation.code_hash] = invitation

    def get(self, code_hash: str) -> Invitation | None:
        return self.stored.get(code_hash)

    def by_id(self, partner_id: str, invitation_id: str) -> Invitation | None:
        return next(
            (i for i in self.stored.values() if i.partner_id == partner_id and i.id == invitation_id),
            None,
        )

    def open_of_partner(self, partner_id: str, now: dt.datetime, *, for_update: bool = False) -> list[Invitation]:
        found = (i for i in self.stored.values() if i.partner_id == partner_id and i.is_open(now))
        return sorted(found, key=lambda i: (i.expires_at, i.id))

    def failures_since(self, account_id: str, since: dt.datetime) -> int:
        return sum(1 for who, when in self.failures if who == account_id and when >= since)

    def record_failure(self, account_id: str, now: dt.datetime) -> None:
        self.failures.append((account_id, now))


class FakeAuditLog(Repository):
    def __init__(self):
        super().__init__(None)
        self.entries: list[AuditEntry] = []

    def add(self, entries: list[AuditEntry]) -> None:
        for entry in entries:
            entry.id = len(self.entries) + 1
            self.entries.append(entry)

    def of_partner(self, partner_id: str, offset: int, limit: int) -> tuple[list[AuditEntry], int]:
        found = sorted(
            (e for e in self.entries if e.partner_id == partner_id), key=lambda e: (e.changed_at, e.id), reverse=True
        )
        return found[offset : offset + limit], len(found)


class FakePartnersUnitOfWork(FakeUnitOfWork):
    def __init__(self):
        super().__init__()
        approved = FakeApprovedApplications()
        self.profiles = FakeProfiles(approved)  # before memberships, as in the real unit of work
        self.memberships = FakeMemberships()
        self.invitations = FakeInvitations()
        self.audit_log = FakeAuditLog()
        self.approved_applications = approved
        self.people = FakePeople()
        self.collision: str | None = None  # "flush" or "commit": a concurrent request took the same key first

    def flush(self) -> None:
        if self.collision == "flush":
            raise Conflict("unique key taken")

    def commit(self) -> None:
        if self.collision == "commit":
            raise Conflict("unique key taken")
        super().commit()
