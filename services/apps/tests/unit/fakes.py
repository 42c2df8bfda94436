"""The apps service's unit of work in memory, for the service layer's unit tests."""

from __future__ import annotations

from portal_apps.adapters.repositories import ApplicationFilter
from portal_apps.domain.model import Application
from portalkit.testing import FakePeople, FakeUnitOfWork
from portalkit.uow import Repository


class FakeApplications(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored: dict[str, Application] = {}
        self.partner_names: dict[str, str] = {}

    def add(self, application: Application) -> None:
        self.stored[application.id] = self._seen(application)

    def get(self, application_id: str, *, for_update: bool = False) -> Application | None:
        return self._seen(self.stored.get(application_id))

    def of_partner(self, partner_id: str, application_id: str, *, for_update: bool = False) -> Application | None:
        found = self.get(application_id)
        return found if found is not None and found.partner_id == partner_id else None

    def by_client(self, client_id: str) -> Application | None:
        return next((app for app in self.stored.values() if app.client_id == client_id), None)

    def keep_partner_name(self, partner_id: str, name: str) -> None:
        self.partner_names[partner_id] = name

    def search(self, where: ApplicationFilter, offset: int, limit: int):
        found = [
            app
            for app in sorted(self.stored.values(), key=lambda app: app.created_at, reverse=not where.oldest_first)
            if (not where.status or app.status == where.status)
            and (not where.partner_id or app.partner_id == where.partner_id)
        ]
        return found[offset : offset + limit], len(found)


class FakeAppsUnitOfWork(FakeUnitOfWork):
    def __init__(self):
        super().__init__()
        self.applications = FakeApplications()
        self.people = FakePeople()
