"""pytest fixtures shared by every service's tests: real PostgreSQL and RabbitMQ, test tokens.

Servers come from ``TEST_POSTGRES_URL`` / ``TEST_AMQP_URL`` (defaults: this machine's). Under ``CI=true``
a missing server fails the test run; elsewhere the tests that need it are skipped with the reason.

Every database and broker namespace a run creates carries the run's id (:data:`RUN`); each test deletes
its own, and at the end of the session a check fails the run when any of them is still there. Other runs
on the same servers are never looked at.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pika
import psycopg
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from sqlalchemy.engine import make_url

from portalkit import migrations
from portalkit.config import find_contracts_dir
from portalkit.events.transport import load_subscriptions
from portalkit.uow import Repository

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"
ISSUER = "https://portal.test"
AUDIENCE = "portal"


def _unavailable(what: str, error: Exception):
    message = f"{what} is not reachable ({error}); set TEST_{what.upper()}_URL or start it"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    admin = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except psycopg.Error as error:
        url = _unavailable("postgres", error)
    return url


@pytest.fixture(scope="session")
def amqp_server() -> str:
    url = os.environ.get("TEST_AMQP_URL", DEFAULT_AMQP)
    try:
        pika.BlockingConnection(pika.URLParameters(url)).close()
    except pika.exceptions.AMQPError as error:
        url = _unavailable("amqp", error)
    return url


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float = 60.0, interval: float = 0.1):
    """The first truthy value of ``condition()`` within ``timeout`` seconds; an AssertionError otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"not met within {timeout} s: {getattr(condition, '__qualname__', condition)}")
        time.sleep(interval)


class CountingApp:
    """A WSGI app wrapped to count the requests that reach it (the view behind a hot path)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.wsgi_app(environ, start_response)


def list_shortcut_of(app):
    """The ``portalkit.hot_paths.ListShortcut`` among ``app``'s WSGI middleware."""
    from portalkit.hot_paths import ListShortcut  # noqa: PLC0415

    wsgi = app.wsgi_app
    while not isinstance(wsgi, ListShortcut):
        wsgi = wsgi.wsgi_app
    return wsgi


def _admin_connection(server_url: str):
    admin = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(admin, autocommit=True)


class RunResources:
    """What this run (tests or a benchmark) creates on the shared servers: names carry the run's id."""

    def __init__(self):
        self.id = uuid.uuid4().hex[:8]
        self.postgres_servers: set[str] = set()
        self.namespaces: dict[str, tuple[str, tuple[str, ...]]] = {}  # namespace -> (broker URL, own queues)

    def database_name(self, postgres_url: str, label: str) -> str:
        """A name (or prefix) for databases of this run on ``postgres_url``."""
        self.postgres_servers.add(postgres_url)
        return f"{label}_{self.id}_{uuid.uuid4().hex[:6]}"

    def broker_namespace(self, amqp_url: str, label: str, queues: tuple[str, ...] = ()) -> str:
        """A namespace of this run; ``queues``: consuming queues beyond the services' (a test's own)."""
        namespace = f"{label}-{self.id}-{uuid.uuid4().hex[:6]}"
        self.namespaces[namespace] = (amqp_url, tuple(queues))
        return namespace

    def delete_broker_namespace(self, namespace: str) -> None:
        """Delete every queue and exchange of one of this run's namespaces, whichever process declared them."""
        amqp_url, queues = self.namespaces[namespace]
        queue_names, exchange_names = _broker_names(namespace, queues)
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        try:
            channel = connection.channel()
            for name in queue_names:
                channel.queue_delete(name)
            for name in exchange_names:
                channel.exchange_delete(name)
        finally:
            connection.close()

    def leftovers(self) -> list[str]:
        """Every database and broker name of this run that still exists."""
        found = []
        for server in self.postgres_servers:
            with _admin_connection(server) as connection:
                rows = connection.execute("SELECT datname FROM pg_database WHERE strpos(datname, %s) > 0", (self.id,))
                found += [f"database {name}" for (name,) in rows]
        broker = {
            name for namespace, (url, queues) in self.namespaces.items() for name in _existing(url, namespace, queues)
        }
        if self.namespaces:
            broker.update(_listed_broker_names(self.id))
        return found + [f"broker {name}" for name in sorted(broker)]


RUN = RunResources()


class PostgresDatabases:
    """Databases of this run on the test server, lent to one test at a time and emptied between tests.

    Creating and dropping a PostgreSQL database per test costs a second or more (a drop forces a
    checkpoint); emptying the ``public`` schema of a lent one costs milliseconds. They are dropped at the
    end of the session.
    """

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.created: list[str] = []
        self.free: list[str] = []

    def create(self, label: str) -> str:
        name = RUN.database_name(self.server_url, f"test_{label}")
        with _admin_connection(self.server_url) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self._url(name)

    def lend(self) -> str:
        """An empty database for one test; give it back with :meth:`give_back`."""
        if self.free:
            return self._url(self.free.pop())
        return self.create("pool")

    def give_back(self, url: str) -> None:
        """Close what the test left connected and empty the database for the next one."""
        name = make_url(url).database
        with _admin_connection(self.server_url) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
        with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as db:
            db.execute("DROP SCHEMA public CASCADE")
            db.execute("CREATE SCHEMA public")
        self.free.append(name)

    def _url(self, name: str) -> str:
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with _admin_connection(self.server_url) as connection:
            for name in self.created:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_databases(postgres_server):
    databases = PostgresDatabases(postgres_server)
    yield databases
    databases.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each test that takes this runs on SQLite and on PostgreSQL, on an empty database of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    databases = request.getfixturevalue("postgres_databases")
    url = databases.lend()
    yield url
    close_open_runtimes()
    databases.give_back(url)


def _broker_names(namespace: str, queues: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The queues and exchanges of a namespace: every consuming service's (every process declares them all)
    and ``queues``, each with its retry and dead-letter queue."""
    services = tuple(load_subscriptions(find_contracts_dir())) + tuple(queues)
    names = [f"{namespace}.{queue}{suffix}" for queue in dict.fromkeys(services) for suffix in ("", ".retry", ".dead")]
    return names, [f"{namespace}.events", f"{namespace}.events.dead"]


def _existing(amqp_url: str, namespace: str, queues: tuple[str, ...]) -> list[str]:
    queue_names, exchange_names = _broker_names(namespace, queues)
    found = []
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        checks = [(name, "queue_declare") for name in queue_names]
        checks += [(name, "exchange_declare") for name in exchange_names]
        for name, declare in checks:
            channel = connection.channel()  # a passive declare of a missing name closes its channel (404)
            with contextlib.suppress(pika.exceptions.ChannelClosedByBroker):
                getattr(channel, declare)(name, passive=True)
                found.append(name)
                channel.close()
    finally:
        connection.close()
    return found


def _listed_broker_names(run_id: str) -> list[str]:
    """Queues and exchanges named with the run's id, as ``rabbitmqctl`` lists them where it can (a broker on
    this machine): it also finds queues no test registered; elsewhere the known names are checked one by one."""
    if shutil.which("rabbitmqctl") is None:
        return []
    found = []
    for command in ("list_queues", "list_exchanges"):
        listed = subprocess.run(["rabbitmqctl", command, "-q", "name"], capture_output=True, text=True, check=False)
        found += [name for name in listed.stdout.split() if f"-{run_id}-" in name]
    return found


def pytest_sessionfinish(session, exitstatus) -> None:
    """Fail the run when it left a database or broker name of its own behind (after every fixture ended)."""
    leftovers = RUN.leftovers()
    if leftovers:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"this test run left behind on the shared servers: {', '.join(leftovers)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
        for runtime in (started for started in self.services if started.trust.memberships is not None):
            with runtime.database.session() as session:
                runtime.trust.record_membership(session, subject, partner_id, dt.datetime.now(dt.UTC))
                session.commit()
        return self.token(subject, roles=["partner"], partner_id=partner_id, **claims)


@pytest.fixture
def tokens() -> TokenFactory:
    return TokenFactory()


def prepared_runtime(definition, database_url: str, **overrides):
    """A migrated and prepared runtime of ``definition`` with a private in-process broker.

    Settings come from the arguments only, never from the environment. A new SQLite file starts as a copy
    of the service's schema migrated once per session.
    """
    defaults = {
        "broker_url": f"memory://{uuid.uuid4().hex}",
        "token_issuer": ISSUER,
        "token_audience": AUDIENCE,
        "public_url": ISSUER,
    }
    settings = definition.settings({}, database_url=database_url, **{**defaults, **overrides})
    _copy_migrated_sqlite(definition, database_url)
    runtime = definition.runtime(settings)
    runtime.migrate()
    definition.prepare(runtime)
    _open_runtimes.append(runtime)
    return runtime


_open_runtimes: list = []
_migrated_sqlite: dict[str, Path] = {}


def _copy_migrated_sqlite(definition, database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or Path(url.database).exists():
        return
    if definition.name not in _migrated_sqlite:
        folder = Path(tempfile.mkdtemp(prefix=f"migrated-{definition.name}-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "service.db"
        migrations.upgrade(f"sqlite:///{template}", definition.package)
        _migrated_sqlite[definition.name] = template
    shutil.copyfile(_migrated_sqlite[definition.name], url.database)


def close_open_runtimes() -> None:
    while _open_runtimes:
        _open_runtimes.pop().close()


@pytest.fixture(autouse=True)
def _close_runtimes():
    """Runtimes made during a test release their connections and listeners when it ends."""
    yield
    close_open_runtimes()


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


class FakePeople(Repository):
    """``portalkit.people.KnownPeople`` in memory: e-mail addresses by account id (``known``)."""

    def __init__(self, emails: dict[str, str] | None = None):
        super().__init__(None)
        self.known = dict(emails or {})

    def emails(self, account_ids) -> dict[str, str]:
        return {account_id: self.known[account_id] for account_id in account_ids if account_id in self.known}


class FakeUnitOfWork:
    """The unit of work of unit tests: no database, every published event kept in :attr:`published`.

    A service's fake subclasses it and sets its in-memory repositories (subclasses of
    :class:`portalkit.uow.Repository` without a session) in ``__init__``; commit collects the events of
    the aggregates they saw exactly as the real unit of work does, and checks them against the contracts.
    """

    def __init__(self):
        self.committed = False
        self.published: list = []

    def __call__(self):
        """The fake is its own factory: every use case call gets the same in-memory store."""
        self.committed = False
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        pass

    def publish(self, event):
        from portalkit.events.envelope import Envelope  # noqa: PLC0415

        envelope = event if isinstance(event, Envelope) else event.envelope()
        _event_contracts().validate(envelope.as_dict())
        self.published.append(envelope)
        return envelope

    def flush(self) -> None:
        pass

    def commit(self) -> None:
        from portalkit.uow import new_events  # noqa: PLC0415

        for event in new_events(self):
            self.publish(event)
        self.committed = True

    def rollback(self) -> None:
        pass

    def events(self, event_type: str) -> list[dict]:
        """The data of every published event of ``event_type``."""
        return [envelope.data for envelope in self.published if envelope.type == event_type]


@functools.cache
def _event_contracts():
    from portalkit.events.contracts import EventContracts  # noqa: PLC0415

    return EventContracts(f"{find_contracts_dir()}/events")


@pytest.fixture(autouse=True)
def _unit_tests_do_no_io(request, monkeypatch):
    """A test under a ``unit`` folder fails when it opens a network connection (database, broker, HTTP)."""
    if "unit" not in request.node.path.parts:
        return

    def refuse(*args, **kwargs):
        raise AssertionError("a unit test opened a network connection; it belongs in the service tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
