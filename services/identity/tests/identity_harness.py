"""The identity tests' harness: the service on a test database, clients made the way events make them."""

import base64
import hashlib
import json
import secrets
import uuid
from urllib.parse import parse_qs, urlparse

import sqlalchemy as sa
from joserfc import jwt

from portal_identity.adapters.repositories import Accounts
from portal_identity.bootstrap import FRONT_OFFICE_CLIENT
from portal_identity.service_layer import accounts, clients
from portalkit.testing import ISSUER, deliver

INTERNAL_TOKEN = "internal-test-token"
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def with_s(token: str, high: bool) -> str:
    """An ES256 JWS with its signature's s in the low (s <= n/2, what the server accepts) or the high form;
    both verify with the same key, so a client normalises to low S as Bitcoin and libsecp256k1 do."""
    head, body, signature = token.split(".")
    raw = _b64decode(signature)
    s = int.from_bytes(raw[32:], "big")
    if (s > P256_ORDER // 2) != high:
        s = P256_ORDER - s
    flipped = raw[:32] + s.to_bytes(32, "big")
    return f"{head}.{body}.{base64.urlsafe_b64encode(flipped).rstrip(b'=').decode()}"


def sign_assertion(header: dict, claims: dict, key) -> str:
    """A client assertion as a well-behaved client signs it (ES256: low S)."""
    token = jwt.encode(header, claims, key)
    return with_s(token, high=False) if header.get("alg") == "ES256" else token


class IdentityHarness:
    def __init__(self, app, runtime):
        self.app = app
        self.runtime = runtime
        self.identity = runtime.container
        self.client = app.test_client()

    def deliver(self, event_type: str, data: dict) -> None:
        deliver(self.runtime, event_type, data)

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


# -- the portal UIs' sign-in: authorization code + PKCE through the hosted login page -----------------
REDIRECT = f"{ISSUER}/"
PASSWORD = "Geheim-123!"


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def active_partner(harness, email="jan@agenda.example"):
    account = accounts.register(harness.identity, email=email, password=PASSWORD, accept_terms=True, language="nl")
    with harness.runtime.unit_of_work() as uow:
        Accounts(uow.session).get(account.id).activate(account.created_at)
        uow.commit()
    return account


def csrf_of(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('name="csrf" value="')[1].split('"')[0]


def log_in(harness, email, password=PASSWORD, next_url="/"):
    form = harness.client.get("/login")
    return harness.client.post(
        "/login", data={"csrf": csrf_of(form), "email": email, "password": password, "next": next_url}
    )


def authorize_url(challenge, method="S256", state="xyz"):
    return (
        f"/oauth/authorize?response_type=code&client_id={FRONT_OFFICE_CLIENT}&redirect_uri={REDIRECT}"
        f"&code_challenge={challenge}&code_challenge_method={method}&state={state}"
    )


def code_flow(harness, email):
    verifier, challenge = pkce()
    first = harness.client.get(authorize_url(challenge))
    assert first.status_code == 302 and first.headers["Location"].startswith("/login?next=")
    logged_in = log_in(harness, email, next_url=parse_qs(urlparse(first.headers["Location"]).query)["next"][0])
    assert logged_in.status_code == 302
    back = harness.client.get(logged_in.headers["Location"])
    assert back.status_code == 302 and back.headers["Location"].startswith(REDIRECT)
    query = parse_qs(urlparse(back.headers["Location"]).query)
    assert query["state"] == ["xyz"]
    return query["code"][0], verifier


def exchange(harness, code, verifier):
    return harness.client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": FRONT_OFFICE_CLIENT,
            "code_verifier": verifier,
        },
    )
