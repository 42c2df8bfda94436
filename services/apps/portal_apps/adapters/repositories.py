"""Repositories: how the service layer reads and stores aggregates, without writing SQL itself."""

from sqlalchemy.orm import Session

from portal_apps.domain.model import Application


class Applications:
    def __init__(self, session: Session):
        self.session = session

    def add(self, application: Application) -> None:
        self.session.add(application)

    def of_partner(self, partner_id: str, application_id: str) -> Application | None:
        application = self.session.get(Application, application_id)
        return application if application is not None and application.partner_id == partner_id else None
