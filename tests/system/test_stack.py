"""The services as an operator runs them: gunicorn per service, workers, real nginx, PostgreSQL,
RabbitMQ and an SMTP sink. Everything goes over HTTP through the gateway, and the test reads the
mails that were really sent, also while the broker is stopped and a worker is killed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import ECKey

from portal_gateway.mailsink import MailSink
from portal_gateway.stack import Stack, StackSettings
from portalkit.testing import delete_broker_namespace
from tests.contracts_tool import OPENAPI_DIR

pytestmark = pytest.mark.system

MODERATORS = ("moderator1@partnerportaal.test", "moderator2@partnerportaal.test")
APPLICATION = {
    "name": "Agenda Plus",
    "description": "Synchroniseert lesroosters met de leerlingenadministratie.",
    "technical_contact": "Jan Peeters",
    "contact_email": "dev@agenda.example",
    "apis": ["leerlingen"],
}


def _require(tool: str) -> None:
    if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{tool} is missing: .ci/run installs it", pytrace=False)
        pytest.skip(f"{tool} is not installed")


@pytest.fixture(scope="module")
def stack(postgres_server, amqp_server, tmp_path_factory):
    _require("nginx")
    run_dir = tmp_path_factory.mktemp("stack")
    namespace = f"systest-{uuid.uuid4().hex[:8]}"
    settings = StackSettings(
        port=18080,
        port_offset=10000,
        postgres_url=postgres_server,
        database_prefix=f"systest_{uuid.uuid4().hex[:6]}_",
        broker_url=amqp_server,
        broker_namespace=namespace,
        smtp_port=18025,
        run_dir=run_dir,
        web_workers=1,
        extra_env={
            "MODERATOR_EMAILS": ",".join(MODERATORS),
            "RELAY_POLL_SECONDS": "0.1",
            "MAIL_POLL_SECONDS": "0.2",
            "MAIL_RETRY_BASE_SECONDS": "0.5",
            "CONSUMER_RETRY_BASE_SECONDS": "0.2",
        },
    )
    sink = MailSink(run_dir / "mail", port=settings.smtp_port).start()
    stack = Stack(settings, with_mail_sink=False)
    stack.sink = sink
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        sink.stop()
        stack.drop_databases()
        delete_broker_namespace(amqp_server, namespace, ["notifier"])


def signing_key(stack: Stack) -> ECKey:
    """The identity service's current key, read from its database, to sign test users' tokens."""
    engine = sa.create_engine(stack.database_url("identity"))
    with engine.connect() as connection:
        jwk = connection.execute(sa.text("SELECT private_jwk FROM signing_keys ORDER BY signs_from DESC")).scalar()
    engine.dispose()
    return ECKey.import_key(jwk if isinstance(jwk, dict) else json.loads(jwk))


def partner_headers(stack: Stack, partner_id: str = "partner-1") -> dict:
    key = signing_key(stack)
    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {
        "iss": stack.url,
        "aud": "portal",
        "sub": "user-1",
        "iat": now,
        "exp": now + 900,
        "roles": ["partner"],
        "partner_id": partner_id,
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode({"alg": "ES256", "kid": key.kid, "typ": "at+jwt"}, claims, key)
    return {"Authorization": f"Bearer {token}"}


def mails_about(stack: Stack, name: str) -> list:
    return [m for m in stack.sink.messages() if m["Subject"].endswith(f": {name}")]


def wait_for_mails(stack: Stack, name: str, count: int, timeout: float = 60) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = mails_about(stack, name)
        if len(found) >= count:
            time.sleep(1)  # anything extra (a duplicate) would arrive now
            return mails_about(stack, name)
        time.sleep(0.2)
    raise AssertionError(f"expected {count} mails about {name}, got {len(mails_about(stack, name))}")


def request_application(stack: Stack, name: str) -> dict:
    response = requests.post(
        f"{stack.url}/api/v1/partner/applications",
        json={**APPLICATION, "name": name},
        headers=partner_headers(stack),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_every_service_is_healthy_through_nginx(stack):
    for service in stack.services:
        for probe in ("healthz", "readyz"):
            response = requests.get(f"{stack.url}/_/{service}/{probe}", headers={"X-Request-ID": "sys-1"}, timeout=5)
            assert response.status_code == 200, (service, probe, response.text)
            assert response.headers["X-Request-ID"] == "sys-1"


def test_the_gateway_serves_the_committed_contracts(stack):
    for service in stack.services:
        served = requests.get(f"{stack.url}/_/{service}/openapi.json", timeout=5).json()
        assert served == json.loads((OPENAPI_DIR / f"{service}.json").read_text())


def test_nginx_answers_its_own_errors_as_problems(stack):
    missing = requests.get(f"{stack.url}/no/such/page", timeout=5)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.json()["request_id"] == missing.headers["X-Request-ID"]
    too_big = requests.post(
        f"{stack.url}/api/v1/partner/applications",
        data=b"x" * (3 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert too_big.status_code == 413
    assert too_big.json()["status"] == 413


def test_an_application_request_reaches_the_moderators_by_mail(stack):
    created = request_application(stack, "Journey One")
    mails = wait_for_mails(stack, "Journey One", len(MODERATORS))
    assert sorted(mail["To"] for mail in mails) == sorted(MODERATORS)
    assert f"{stack.url}/backoffice/#/applications/{created['id']}" in mails[0].get_content()
    other_partner = requests.get(
        f"{stack.url}/api/v1/partner/applications/{created['id']}",
        headers=partner_headers(stack, "partner-2"),
        timeout=5,
    )
    assert other_partner.status_code == 404


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs rabbitmqctl to stop the broker")
def test_a_broker_outage_delays_mail_but_loses_none(stack):
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True)
    try:
        names = [f"Outage {i}" for i in range(3)]
        for name in names:
            request_application(stack, name)  # the API keeps taking requests
        time.sleep(1)
        assert not any(mails_about(stack, name) for name in names)
    finally:
        subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True)
    for name in names:
        assert len(wait_for_mails(stack, name, len(MODERATORS), timeout=90)) == len(MODERATORS)


def test_a_killed_worker_loses_nothing(stack):
    stack.stop_process("notifier-worker", sig=signal.SIGKILL)
    request_application(stack, "While Down")
    time.sleep(1)
    assert mails_about(stack, "While Down") == []
    stack.start_worker("notifier")
    assert len(wait_for_mails(stack, "While Down", len(MODERATORS))) == len(MODERATORS)


def test_two_notifier_workers_send_each_mail_once(stack):
    stack.start_process("notifier-worker-2", [*stack.processes["notifier-worker"].args], stack.env("notifier"))
    try:
        names = [f"Twice {i}" for i in range(5)]
        for name in names:
            request_application(stack, name)
        for name in names:
            assert len(wait_for_mails(stack, name, len(MODERATORS))) == len(MODERATORS)
    finally:
        stack.stop_process("notifier-worker-2")
