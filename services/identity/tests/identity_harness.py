"""The identity tests' harness: the service on a test database, clients made the way events make them."""

import base64
import json
import uuid

import sqlalchemy as sa

from portal_identity.service_layer import clients
from portal_identity.service_layer.context import build_identity
from portalkit.events.envelope import Envelope

INTERNAL_TOKEN = "internal-test-token"


class IdentityHarness:
    def __init__(self, app, runtime):
        self.app = app
        self.runtime = runtime
        self.identity = build_identity(runtime)
        self.client = app.test_client()

    def deliver(self, event_type: str, data: dict) -> None:
        envelope = Envelope(str(uuid.uuid4()), event_type, "2026-11-23T12:00:00Z", 1, data)
        assert self.runtime.consumer()(envelope.to_json()).value == "ack"

    def published(self, event_type: str) -> list[dict]:
        """The events of ``event_type`` in the outbox, oldest first."""
        with self.runtime.database.session() as session:
            payloads = [json.loads(p) for p in session.execute(sa.select(self.runtime.outbox.c.payload)).scalars()]
        return [payload for payload in payloads if payload["type"] == event_type]

    def approved_client(self, partner_id="partner-1", grants=()) -> tuple[str, str]:
        """An application approved by a moderator, with a secret, and the given (api, institution) grants."""
        application_id = str(uuid.uuid4())
        self.deliver(
            "apps.application.approved",
            {
                "application_id": application_id,
                "partner_id": partner_id,
                "name": "Agenda",
                "contact_email": "dev@agenda.example",
                "approved_by": "moderator-1",
            },
        )
        client_id = self.client_of(application_id)
        secret = clients.rotate_secret(self.identity, client_id, partner_id, "user-1").client_secret
        if grants:
            self.grant(application_id, grants, version=1)
        return client_id, secret

    def client_of(self, application_id: str) -> str:
        from portal_identity.adapters.repositories import Clients

        with self.runtime.unit_of_work() as uow:
            return Clients(uow.session).by_application(application_id).client_id

    def application_of(self, client_id: str) -> str:
        from portal_identity.adapters.repositories import Clients

        with self.runtime.unit_of_work() as uow:
            return Clients(uow.session).get(client_id).application_id

    def grant(self, application_id: str, grants, version: int) -> None:
        self.deliver(
            "scopes.grants.changed",
            {
                "application_id": application_id,
                "grants_version": version,
                "grants": [{"api": api, "institution_number": inst} for api, inst in grants],
                "added": [],
                "removed": [],
            },
        )

    def token(self, client_id, secret, basic=False, **form):
        data = {"grant_type": "client_credentials", **form}
        headers = {}
        if basic:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        else:
            data.update(client_id=client_id, client_secret=secret)
        return self.client.post("/oauth/token", data=data, headers=headers)
