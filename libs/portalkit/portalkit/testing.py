"""pytest fixtures shared by every service's tests: real PostgreSQL and RabbitMQ, test tokens.

Servers come from ``TEST_POSTGRES_URL`` / ``TEST_AMQP_URL`` (defaults: this machine's), else from
testcontainers where a Docker engine exists. Under ``CI=true`` a missing server fails the test run;
elsewhere the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pika
import psycopg
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"
ISSUER = "https://portal.test"
AUDIENCE = "portal"


def _unavailable(what: str, error: Exception):
    message = f"{what} is not reachable ({error}); set TEST_{what.upper()}_URL or start it"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _container_url(kind: str) -> str | None:
    """A testcontainers server when Docker runs here; None otherwise."""
    try:
        import docker  # noqa: PLC0415

        docker.from_env().ping()
    except Exception:  # noqa: BLE001 - no engine: fall back to configured servers
        return None
    if kind == "postgres":
        from testcontainers.postgres import PostgresContainer  # noqa: PLC0415

        container = PostgresContainer("postgres:16", driver="psycopg").start()
        return container.get_connection_url()
    from testcontainers.rabbitmq import RabbitMqContainer  # noqa: PLC0415

    container = RabbitMqContainer("rabbitmq:3.13").start()
    params = container.get_connection_params()
    return f"amqp://guest:guest@{params.host}:{params.port}/%2F"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    admin = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except psycopg.Error as error:
        url = _container_url("postgres") or _unavailable("postgres", error)
    return url


@pytest.fixture(scope="session")
def amqp_server() -> str:
    url = os.environ.get("TEST_AMQP_URL", DEFAULT_AMQP)
    try:
        pika.BlockingConnection(pika.URLParameters(url)).close()
    except pika.exceptions.AMQPError as error:
        url = _container_url("rabbitmq") or _unavailable("amqp", error)
    return url


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them afterwards."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.created: list[str] = []

    def _admin(self):
        admin = make_url(self.server_url).set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(admin, autocommit=True)

    def create(self, label: str) -> str:
        name = f"test_{label}_{uuid.uuid4().hex[:10]}"
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self._admin() as connection:
            for name in self.created:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_databases(postgres_server):
    databases = PostgresDatabases(postgres_server)
    yield databases
    databases.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """Each test that takes this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'service.db'}"
    return request.getfixturevalue("postgres_databases").create(request.node.name[:20].lower().replace("[", "_"))


def delete_broker_namespace(amqp_url: str, namespace: str, services) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    for service in services:
        for suffix in ("", ".retry", ".dead"):
            channel.queue_delete(f"{namespace}.{service}{suffix}")
    channel.exchange_delete(f"{namespace}.events")
    channel.exchange_delete(f"{namespace}.events.dead")
    connection.close()


class TokenFactory:
    """Signs access tokens the way the identity server does, for tests of the resource servers."""

    def __init__(self):
        self.key = ECKey.generate_key("P-256", parameters={"kid": uuid.uuid4().hex, "use": "sig", "alg": "ES256"})
        self.key_set = KeySet([self.key])
        self.services: list = []  # runtimes started with this factory (start_service)

    def jwks(self) -> dict:
        return self.key_set.as_dict(private=False)

    def token(self, subject: str = "user-1", *, lifetime: int = 900, key: ECKey | None = None, **claims) -> str:
        now = int(dt.datetime.now(dt.UTC).timestamp())
        payload = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            **claims,
        }
        signer = key or self.key
        return jwt.encode({"alg": "ES256", "kid": signer.kid, "typ": "at+jwt"}, payload, signer)

    def partner_token(self, subject: str, partner_id: str, **claims) -> str:
        """A partner user's token, with the membership behind it recorded in every service started with
        this factory, as the partners service's ``partners.user.linked`` would have."""
        for runtime in self.services:
            with runtime.database.session() as session:
                runtime.trust.record_membership(session, subject, partner_id, dt.datetime.now(dt.UTC))
                session.commit()
        return self.token(subject, roles=["partner"], partner_id=partner_id, **claims)


@pytest.fixture
def tokens() -> TokenFactory:
    return TokenFactory()


def prepared_runtime(definition, database_url: str, **overrides):
    """A migrated and prepared runtime of ``definition`` with a private in-process broker.

    Settings come from the arguments only, never from the environment.
    """
    defaults = {
        "broker_url": f"memory://{uuid.uuid4().hex}",
        "token_issuer": ISSUER,
        "token_audience": AUDIENCE,
        "public_url": ISSUER,
    }
    settings = definition.settings({}, database_url=database_url, **{**defaults, **overrides})
    runtime = definition.runtime(settings)
    runtime.migrate()
    definition.prepare(runtime)
    _open_runtimes.append(runtime)
    return runtime


_open_runtimes: list = []


@pytest.fixture(autouse=True)
def _close_runtimes():
    """Runtimes made during a test release their connections and listeners when it ends."""
    yield
    while _open_runtimes:
        _open_runtimes.pop().close()


def deliver(runtime, event_type: str, data: dict, event_id: str | None = None) -> None:
    """An event of another service, consumed by ``runtime`` as its worker would, occurring now."""
    from portalkit.events.envelope import Envelope, utcnow  # noqa: PLC0415

    occurred = utcnow().isoformat().replace("+00:00", "Z")
    envelope = Envelope(event_id or str(uuid.uuid4()), event_type, occurred, 1, data)
    assert runtime.consumer()(envelope.to_json()).value == "ack"


def start_service(definition, database_url: str, tokens: TokenFactory, **overrides):
    """A service on ``database_url`` trusting ``tokens``' key; returns (flask app, runtime)."""
    from portalkit.auth import JwksCache, TokenVerifier  # noqa: PLC0415

    runtime = prepared_runtime(definition, database_url, **overrides)
    tokens.services.append(runtime)
    app = definition.create_app(runtime=runtime)
    app.extensions["portal.verifier"] = TokenVerifier(JwksCache(tokens.jwks), ISSUER, AUDIENCE)
    return app, runtime
