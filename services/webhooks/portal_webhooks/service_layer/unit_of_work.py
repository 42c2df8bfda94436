"""The webhooks service's unit of work: its repositories on one transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal_webhooks.adapters.repositories import Applications, Deliveries, Endpoints
from portalkit.uow import UnitOfWork


class WebhooksUnitOfWork(UnitOfWork):
    applications: Applications
    endpoints: Endpoints
    deliveries: Deliveries

    def _open(self, session: Session) -> None:
        self.applications = Applications(session)
        self.endpoints = Endpoints(session)
        self.deliveries = Deliveries(session)
