"""The services as an operator runs them: a web server (granian) per service, workers, real nginx, PostgreSQL,
RabbitMQ and an SMTP sink. Everything goes over HTTP through the gateway, and the test reads the
mails that were really sent, also while the broker is stopped and a worker is killed.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests
import sqlalchemy as sa
from joserfc import jwt as jose_jwt
from joserfc.jwk import ECKey

from portal_gateway.routes import WEB_HEADERS, WEB_ROOT
from portal_gateway.stack import Stack
from portal_identity.adapters.sealing import KeyRing
from portalkit.changes import ChangeFeed
from portalkit.db import Database
from portalkit.events.envelope import utcnow
from portalkit.service import installed_services
from portalkit.testing import wait_for
from portalkit.trust import Trust
from tests.contracts_tool import OPENAPI_DIR
from tests.signin import browser_login
from tests.system.conftest import KEK, MODERATORS

pytestmark = pytest.mark.system

PROFILE = {
    "description": "Wij synchroniseren lesroosters.",
    "contact_person": "Jan Peeters",
    "address": {"street": "Kerkstraat", "number": "1", "postal_code": "9000", "city": "Gent", "country": "België"},
    "public": True,
    "categories": ["planning"],
    "website": "https://agenda.example",
    "logo": "data:image/png;base64,"  # a real 1x1 PNG: logos are decoded and written anew
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPgjlkLAAGKARUB8qvYAAAAAElFTkSuQmCC",
}
APPLICATION = {
    "name": "Agenda Plus",
    "description": "Synchroniseert lesroosters met de leerlingenadministratie.",
    "technical_contact": "Jan Peeters",
    "contact_email": "dev@agenda.example",
    "apis": ["leerlingen"],
}


def signing_key(stack: Stack) -> ECKey:
    """The identity service's current key, read from its database, to sign test users' tokens."""
    engine = sa.create_engine(stack.database_url("identity"))
    with engine.connect() as connection:
        kid, stored = connection.execute(
            sa.text("SELECT kid, private_jwk FROM signing_keys ORDER BY signs_from DESC")
        ).first()
    engine.dispose()
    stored = stored if isinstance(stored, dict) else json.loads(stored)
    return ECKey.import_key(KeyRing([KEK]).open(kid, stored))


def member_of(stack: Stack, account_id: str, partner_id: str) -> None:
    """Record the membership in every service that checks it, as ``partners.user.linked`` would."""
    for service in ("identity", "apps", "scopes", "webhooks"):
        definition = installed_services()[service]
        database = Database(stack.database_url(service))
        with database.session() as session:
            trust = Trust(database, definition.metadata, ChangeFeed(database, f"revocations_{service}"))
            trust.record_membership(session, account_id, partner_id, utcnow())
            session.commit()
        database.dispose()


def partner_headers(stack: Stack, partner_id: str = "partner-1") -> dict:
    key = signing_key(stack)
    account_id = f"user-of-{partner_id}"
    member_of(stack, account_id, partner_id)
    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {
        "iss": stack.url,
        "aud": "portal",
        "sub": account_id,
        "iat": now,
        "exp": now + 900,
        "roles": ["partner"],
        "partner_id": partner_id,
        "jti": uuid.uuid4().hex,
    }
    token = jose_jwt.encode({"alg": "ES256", "kid": key.kid, "typ": "at+jwt"}, claims, key)
    return {"Authorization": f"Bearer {token}"}


def text_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


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


def test_nginx_serves_the_web_uis_as_they_are_in_the_repository(stack):
    front = requests.get(f"{stack.url}/", timeout=5)
    assert front.status_code == 200 and front.headers["Content-Type"].startswith("text/html")
    assert 'src="/front/app.js"' in front.text
    assert front.headers["Content-Security-Policy"] == WEB_HEADERS["Content-Security-Policy"]
    assert front.headers["X-Frame-Options"] == "DENY"
    back = requests.get(f"{stack.url}/backoffice/", timeout=5)
    assert back.status_code == 200 and 'src="/backoffice/app.js"' in back.text
    script = requests.get(f"{stack.url}/assets/core.js", timeout=5)
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.content == (WEB_ROOT / "assets" / "core.js").read_bytes()
    missing = requests.get(f"{stack.url}/assets/missing.js", timeout=5)
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_under_the_operations_prefix_nginx_serves_only_health_and_the_contract(stack):
    link = requests.post(f"{stack.url}/_/identity/internal/v1/clients/link", json={}, timeout=5)
    assert link.status_code == 404 and link.headers["Content-Type"] == "application/problem+json"
    for path in ("/_/identity/login", "/_/identity/oauth/token", "/_/notifier/api/v1/admin/mail/deliveries"):
        assert requests.get(f"{stack.url}{path}", timeout=5).status_code == 404, path
    assert requests.post(f"{stack.url}/_/identity/oauth/token", timeout=5).status_code == 404


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
    assert f"{stack.url}/backoffice/#/applications/{created['id']}" in text_of(mails[0])
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


def test_a_killed_web_worker_is_replaced(stack):
    server = stack.processes["identity-web"]
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    before = set(children.read_text().split())
    killed = sorted(before)[0]
    os.kill(int(killed), signal.SIGKILL)
    wait_for(lambda: (now := set(children.read_text().split())) and killed not in now and len(now) == len(before))
    assert wait_for(lambda: requests.get(f"{stack.url}/.well-known/jwks.json", timeout=5).ok)


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


def test_a_partner_registers_activates_from_the_mail_and_signs_in(stack):
    email, password = f"jan-{uuid.uuid4().hex[:6]}@agenda.example", "Geheim-123!"
    registered = requests.post(
        f"{stack.url}/api/v1/accounts", json={"email": email, "password": password, "accept_terms": True}, timeout=10
    )
    assert registered.status_code == 202, registered.text
    [mail] = wait_for_to(stack, email, 1)
    assert mail["Subject"] == "Activeer je partneraccount"
    link = next(line for line in text_of(mail).splitlines() if "/login/activate?" in line).strip()
    token = link.split("token=")[1]
    assert (
        requests.post(f"{stack.url}/api/v1/accounts/activation", json={"token": token}, timeout=10).status_code == 200
    )
    issued = browser_login(stack.url, email, password, "portal-front-office", f"{stack.url}/")
    profile = requests.post(
        f"{stack.url}/api/v1/partner/profile",
        json=PROFILE | {"name": f"Partner {email}"},
        headers={"Authorization": f"Bearer {issued['access_token']}"},
        timeout=10,
    )
    assert profile.status_code == 201, profile.text

    refreshed(stack, issued)  # identity learned the link from the partners service's event
    claims = jwt.decode(issued["access_token"], options={"verify_signature": False})
    assert claims["partner_id"] == profile.json()["id"]
    me = requests.get(
        f"{stack.url}/api/v1/accounts/me", headers={"Authorization": f"Bearer {issued['access_token']}"}, timeout=10
    )
    assert me.status_code == 200 and me.json()["email"] == email


def wait_for_to(stack: Stack, recipient: str, count: int, timeout: float = 60) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in stack.sink.messages() if m["To"] == recipient]
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no mail to {recipient}")


def import_client(stack: Stack, folder, client_id: str, secret: str, api: str, institution: str) -> None:
    """An existing client of the old system, imported with its secret and one grant."""
    path = folder / f"{client_id}.json"
    grants = [{"api": api, "institution_number": institution}]
    path.write_text(
        json.dumps([{"client_id": client_id, "name": client_id, "client_secret": secret, "grants": grants}])
    )
    stack.portalctl("identity", "clients", "import", str(path))


def test_an_imported_client_gets_tokens_through_nginx_and_introspection_agrees(stack, tmp_path):
    import_client(stack, tmp_path, "legacy-sys", "Old-secret-123", "leerlingen", "012345")
    answer = requests.post(
        f"{stack.url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("legacy-sys", "Old-secret-123"),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["scope"] == "leerlingen" and answer.json()["expires_in"] == 900
    wrong = requests.post(
        f"{stack.url}/oauth/token", data={"grant_type": "client_credentials"}, auth=("legacy-sys", "wrong"), timeout=10
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    created = stack.portalctl("identity", "clients", "create-resource-server", "--name", "Leerlingen-API")
    server_id, server_secret = (line.split("=", 1)[1] for line in created.strip().splitlines())
    introspected = requests.post(
        f"{stack.url}/oauth/introspect",
        data={"token": answer.json()["access_token"]},
        auth=(server_id, server_secret),
        timeout=10,
    ).json()
    assert introspected["active"] is True and introspected["grants"] == {"leerlingen": ["012345"]}


def test_killing_one_of_two_identity_web_processes_fails_no_token_request(stack, tmp_path):
    import_client(stack, tmp_path, "kill-sys", "Kill-secret-123", "leerlingen", "012345")
    answers: list[tuple[str, int]] = []
    stop = threading.Event()

    def client() -> None:
        session = requests.Session()  # keep-alive, as API clients' pools do
        while not stop.is_set():
            for kind, send in (
                (
                    "token",
                    lambda: session.post(
                        f"{stack.url}/oauth/token",
                        data={"grant_type": "client_credentials"},
                        auth=("kill-sys", "Kill-secret-123"),
                        timeout=10,
                    ),
                ),
                ("jwks", lambda: session.get(f"{stack.url}/.well-known/jwks.json", timeout=10)),
            ):
                try:
                    answers.append((kind, send().status_code))
                except requests.RequestException:
                    answers.append((kind, 0))

    clients = [threading.Thread(target=client) for _ in range(6)]
    for thread in clients:
        thread.start()
    try:
        time.sleep(2)
        served_before = len(answers)
        web = stack.processes["identity-web-2"]
        os.killpg(web.pid, signal.SIGSTOP)  # it hangs with requests in flight, then dies (as under the OOM killer)
        time.sleep(0.5)
        stack.stop_process("identity-web-2", sig=signal.SIGKILL)  # the granian server and its worker
        time.sleep(3)
    finally:
        stop.set()
        for thread in clients:
            thread.join()
        stack.start_web("identity", 2)
    failed = [answer for answer in answers if answer[1] != 200]
    errors = (stack.run_dir / "logs" / "nginx-error.log").read_text()
    in_flight = errors.count("while reading response header from upstream")
    print(f"{len(answers)} requests ({served_before} before the kill), {in_flight} cut off in flight, failed: {failed}")
    assert " POST /oauth/token 200 " in (stack.run_dir / "logs" / "identity-web-2.log").read_text()  # it served
    assert len([a for a in answers if a[0] == "token"]) > 100 and failed == []


def moderator_token(stack: Stack) -> str:
    email = f"moderator-{uuid.uuid4().hex[:6]}@portal.example"
    stack.portalctl(
        "identity",
        "users",
        "create",
        "--email",
        email,
        "--role",
        "moderator",
        "--password-stdin",
        input_text="Moderator-123!\n",
    )
    return browser_login(stack.url, email, "Moderator-123!", "portal-back-office", f"{stack.url}/backoffice/")[
        "access_token"
    ]


def test_approved_application_gets_a_client_whose_secret_gives_tokens_until_archived(stack):
    created = request_application(stack, "Approved Journey")
    moderator = {"Authorization": f"Bearer {moderator_token(stack)}"}
    queue = requests.get(
        f"{stack.url}/api/v1/admin/applications?status=new&oldest_first=true&page_size=100",
        headers=moderator,
        timeout=10,
    ).json()
    assert created["id"] in [a["id"] for a in queue]
    approved = requests.post(
        f"{stack.url}/api/v1/admin/applications/{created['id']}/approve", headers=moderator, timeout=10
    )
    assert approved.status_code == 200, approved.text
    partner = partner_headers(stack)
    client_id = wait_for(
        lambda: requests.get(
            f"{stack.url}/api/v1/partner/applications/{created['id']}", headers=partner, timeout=10
        ).json()["client_id"]
    )
    secret = requests.post(f"{stack.url}/api/v1/partner/clients/{client_id}/secret", headers=partner, timeout=10)
    assert secret.status_code == 201, secret.text
    token = requests.post(
        f"{stack.url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret.json()["client_secret"],
        },
        timeout=10,
    )
    assert token.status_code == 200 and token.json()["scope"] == ""
    archived = requests.post(
        f"{stack.url}/api/v1/partner/applications/{created['id']}/archive", headers=partner, timeout=10
    )
    assert archived.json()["status"] == "archived"

    def refused():
        answer = requests.post(
            f"{stack.url}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret.json()["client_secret"],
            },
            timeout=10,
        )
        return answer.status_code == 400 and answer.json()["error"] == "invalid_client"

    wait_for(refused, timeout=30)  # every worker's client cache drops it when the archive commits


def test_linking_an_imported_client_works_at_once_and_only_once(stack, tmp_path):
    import_client(stack, tmp_path, "to-link", "Link-secret-123", "personeel", "067890")
    body = {**APPLICATION, "name": "Linked Journey", "client_id": "to-link", "client_secret": "Link-secret-123"}
    body.pop("apis")
    linked = requests.post(
        f"{stack.url}/api/v1/partner/applications/link", json=body, headers=partner_headers(stack), timeout=10
    )
    assert linked.status_code == 201, linked.text
    assert linked.json()["status"] == "approved" and linked.json()["apis"] == ["personeel"]
    token = requests.post(
        f"{stack.url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("to-link", "Link-secret-123"),
        timeout=10,
    )
    assert token.json()["scope"] == "personeel"
    again = requests.post(
        f"{stack.url}/api/v1/partner/applications/link",
        json=body,
        headers={**partner_headers(stack, "partner-2"), "Accept-Language": "en"},
        timeout=10,
    )
    assert again.status_code == 409
    assert again.json()["detail"].startswith("Sorry! This client is already linked to another application")


def test_a_school_admin_grants_and_revokes_and_tokens_follow(stack, tmp_path):
    """Journey steps 5 to 7: access request, the admin's grant, the next token, revocation, the mails."""
    schools = tmp_path / "schools.csv"
    schools.write_text("institution_number,name\n012345,Sint-Jozef\n067890,Atheneum\n")
    stack.portalctl("scopes", "schools", "import", str(schools))
    admin_email = f"directie-{uuid.uuid4().hex[:6]}@school.example"
    stack.portalctl(
        "identity",
        "users",
        "create",
        "--email",
        admin_email,
        "--role",
        "school-admin",
        "--institution",
        "012345",
        "--institution",
        "067890",
        "--password-stdin",
        input_text="Directie-123!\n",
    )
    created = request_application(stack, "Granted Journey")
    moderator = {"Authorization": f"Bearer {moderator_token(stack)}"}
    requests.post(f"{stack.url}/api/v1/admin/applications/{created['id']}/approve", headers=moderator, timeout=10)
    partner = partner_headers(stack)
    client_id = wait_for(
        lambda: requests.get(
            f"{stack.url}/api/v1/partner/applications/{created['id']}", headers=partner, timeout=10
        ).json()["client_id"]
    )
    secret = requests.post(
        f"{stack.url}/api/v1/partner/clients/{client_id}/secret", headers=partner, timeout=10
    ).json()["client_secret"]

    def token_scope():
        return requests.post(
            f"{stack.url}/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret), timeout=10
        ).json()

    assert token_scope()["scope"] == ""

    def asked():  # the scopes service learns of the approval from the event
        answer = requests.post(
            f"{stack.url}/api/v1/partner/access-requests",
            json={"application_id": created["id"], "emails": admin_email},
            headers=partner,
            timeout=10,
        )
        return answer if answer.status_code == 201 else None

    wait_for(asked)
    [mail] = wait_for_to(stack, admin_email, 1)
    assert mail["Subject"] == "Datatoegang voor applicatie Granted Journey"
    link = next(line.strip() for line in text_of(mail).splitlines() if "/backoffice/#/requests/" in line)
    request_id, token = link.split("/requests/")[1].split("?token=")
    admin = {
        "Authorization": "Bearer "
        + browser_login(stack.url, admin_email, "Directie-123!", "portal-back-office", f"{stack.url}/backoffice/")[
            "access_token"
        ]
    }
    page = requests.get(
        f"{stack.url}/api/v1/admin/access-requests/{request_id}?token={token}", headers=admin, timeout=10
    )
    assert page.status_code == 200 and [s["institution_number"] for s in page.json()["schools"]] == ["012345", "067890"]
    granted = requests.put(
        f"{stack.url}/api/v1/admin/grants/applications/{created['id']}",
        headers=admin,
        timeout=10,
        json={
            "request_id": request_id,
            "token": token,
            "schools": [{"institution_number": "012345", "apis": ["leerlingen"]}],
        },
    )
    assert granted.status_code == 200, granted.text
    assert wait_for(lambda: token_scope()["scope"] == "leerlingen")
    assert wait_for(lambda: len(wait_for_to(stack, "dev@agenda.example", 1)) >= 1)
    revoked = requests.put(
        f"{stack.url}/api/v1/admin/grants/applications/{created['id']}",
        headers=admin,
        timeout=10,
        json={"schools": [{"institution_number": "012345", "apis": []}]},
    )
    assert revoked.status_code == 200
    assert wait_for(lambda: token_scope()["scope"] == "")
    ledger = requests.get(f"{stack.url}/api/v1/admin/grants/export.csv?include_revoked=true", headers=admin, timeout=10)
    assert "Granted Journey" in ledger.text and "leerlingen" in ledger.text


def test_nginx_rate_limits_the_login_page_with_a_json_429(stack):
    answers = [requests.get(f"{stack.url}/login", timeout=5) for _ in range(40)]
    limited = [answer for answer in answers if answer.status_code == 429]
    assert limited, "40 requests at once should pass the login zone's burst"
    assert limited[0].headers["Retry-After"] == "1"
    assert limited[0].headers["Content-Type"] == "application/problem+json"
    assert limited[0].json()["status"] == 429
    assert all(answer.headers.get("X-Content-Type-Options") == "nosniff" for answer in answers)


def test_the_services_see_the_client_address_not_nginx(stack):
    """Failed logins are counted per address: behind nginx that must be the client's, and not one it claims."""
    for method, path, body in (("GET", "/.well-known/jwks.json", None), ("POST", "/oauth/token", "grant_type=x")):
        connection = http.client.HTTPConnection(
            "127.0.0.1", stack.settings.port, timeout=10, source_address=("127.0.0.9", 0)
        )
        headers = {"X-Forwarded-For": "203.0.113.66", "Content-Type": "application/x-www-form-urlencoded"}
        connection.request(method, path, body=body, headers=headers)
        assert connection.getresponse().status in (200, 400)
        connection.close()
    logs = [stack.run_dir / "logs" / name for name in ("identity-web.log", "identity-web-2.log")]

    def logged(line_start: str) -> list[str]:
        lines = [line for log in logs for line in log.read_text().splitlines()]
        return [line for line in lines if f'"message": "{line_start}' in line]

    assert wait_for(lambda: logged("127.0.0.9 GET /.well-known/jwks.json 200"))
    assert wait_for(lambda: logged("127.0.0.9 POST /oauth/token 400"))
    assert all("203.0.113.66" not in log.read_text() for log in logs)


def register_and_sign_in(stack: Stack, email: str, password: str, browser: requests.Session | None = None) -> dict:
    """Journey step 1: register, activate from the mail that was really sent, sign in with PKCE."""
    registered = requests.post(
        f"{stack.url}/api/v1/accounts", json={"email": email, "password": password, "accept_terms": True}, timeout=10
    )
    assert registered.status_code == 202, registered.text
    [mail] = wait_for_to(stack, email, 1)
    token = next(line for line in text_of(mail).splitlines() if "token=" in line).split("token=")[1].strip()
    assert requests.post(f"{stack.url}/api/v1/accounts/activation", json={"token": token}, timeout=10).ok
    return browser_login(stack.url, email, password, "portal-front-office", f"{stack.url}/", browser)


def refreshed(stack: Stack, session: dict) -> dict:
    """A fresh access token for the session, once the identity service knows the partner link."""

    def with_partner():
        answer = requests.post(
            f"{stack.url}/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": session["refresh_token"],
                "client_id": "portal-front-office",
            },
            timeout=10,
        ).json()
        session.update(answer)
        return jwt.decode(answer["access_token"], options={"verify_signature": False}).get("partner_id")

    wait_for(with_partner)
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    # The apps and scopes services learn the link from the same event, maybe a moment later.
    wait_for(lambda: requests.get(f"{stack.url}/api/v1/partner/applications", headers=headers, timeout=10).ok)
    return headers


def test_the_whole_partner_journey(stack):
    """Steps 1 to 7 and 9 of the journey, every person signed in for real, every mail really sent."""
    suffix = uuid.uuid4().hex[:6]
    jan_email, an_email = f"jan-{suffix}@journey.example", f"an-{suffix}@journey.example"
    admin_email = f"admin-{suffix}@school.example"
    # 1-2: Jan registers, creates the profile, invites An, who registers and links with the code
    jan = register_and_sign_in(stack, jan_email, "Geheim-123!")
    profile = requests.post(
        f"{stack.url}/api/v1/partner/profile",
        json=PROFILE | {"name": f"Journey {suffix}"},
        headers={"Authorization": f"Bearer {jan['access_token']}"},
        timeout=10,
    )
    assert profile.status_code == 201, profile.text
    jan_headers = refreshed(stack, jan)
    code = requests.post(f"{stack.url}/api/v1/partner/profile/invitations", headers=jan_headers, timeout=10).json()[
        "code"
    ]
    an = register_and_sign_in(stack, an_email, "Geheim-456!")
    linked = requests.post(
        f"{stack.url}/api/v1/partner/profile/link",
        json={"code": code},
        headers={"Authorization": f"Bearer {an['access_token']}"},
        timeout=10,
    )
    assert linked.status_code == 200 and linked.json()["id"] == profile.json()["id"]
    an_headers = refreshed(stack, an)
    # 3: Jan requests a client ID, a moderator approves, An makes the secret
    app = requests.post(
        f"{stack.url}/api/v1/partner/applications",
        headers=jan_headers,
        timeout=10,
        json={
            **APPLICATION,
            "name": f"Journey App {suffix}",
            "contact_email": f"dev-{suffix}@journey.example",
            "apis": ["leerlingen", "personeel"],
        },
    ).json()
    moderator = {"Authorization": f"Bearer {moderator_token(stack)}"}
    assert (
        requests.post(
            f"{stack.url}/api/v1/admin/applications/{app['id']}/approve", headers=moderator, timeout=10
        ).status_code
        == 200
    )
    client_id = wait_for(
        lambda: requests.get(
            f"{stack.url}/api/v1/partner/applications/{app['id']}", headers=an_headers, timeout=10
        ).json()["client_id"]
    )
    first_secret = requests.post(
        f"{stack.url}/api/v1/partner/clients/{client_id}/secret", headers=an_headers, timeout=10
    ).json()["client_secret"]

    # 4: a token without school scopes; a wrong secret is invalid_client
    def token(secret=first_secret, **form):
        return requests.post(
            f"{stack.url}/oauth/token",
            data={"grant_type": "client_credentials", **form},
            auth=(client_id, secret),
            timeout=10,
        )

    assert token().json()["scope"] == ""
    assert token("wrong").json()["error"] == "invalid_client"
    # 5: an access request to a school admin, who grants two APIs at one school from the mail's link
    stack.portalctl(
        "identity",
        "users",
        "create",
        "--email",
        admin_email,
        "--role",
        "school-admin",
        "--institution",
        "012345",
        "--password-stdin",
        input_text="Directie-123!\n",
    )
    wait_for(
        lambda: (
            requests.post(
                f"{stack.url}/api/v1/partner/access-requests",
                headers=jan_headers,
                timeout=10,
                json={"application_id": app["id"], "emails": admin_email},
            ).status_code
            == 201
        )
    )
    [mail] = wait_for_to(stack, admin_email, 1)
    link = next(line.strip() for line in text_of(mail).splitlines() if "/requests/" in line)
    request_id, link_token = link.split("/requests/")[1].split("?token=")
    admin = {
        "Authorization": "Bearer "
        + browser_login(stack.url, admin_email, "Directie-123!", "portal-back-office", f"{stack.url}/backoffice/")[
            "access_token"
        ]
    }
    granted = requests.put(
        f"{stack.url}/api/v1/admin/grants/applications/{app['id']}",
        headers=admin,
        timeout=10,
        json={
            "request_id": request_id,
            "token": link_token,
            "schools": [{"institution_number": "012345", "apis": ["leerlingen", "personeel"]}],
        },
    )
    assert granted.status_code == 200, granted.text
    # 6: the next token and introspection carry the grant; mails went out; the partner is listed
    assert wait_for(lambda: token().json()["scope"] == "leerlingen personeel")
    created = stack.portalctl("identity", "clients", "create-resource-server", "--name", f"API {suffix}")
    resource_server = tuple(line.split("=", 1)[1] for line in created.strip().splitlines())

    def introspected(access_token):
        return requests.post(
            f"{stack.url}/oauth/introspect", data={"token": access_token}, auth=resource_server, timeout=10
        ).json()

    access_token = token().json()["access_token"]
    assert introspected(access_token)["grants"] == {"leerlingen": ["012345"], "personeel": ["012345"]}
    wait_for(lambda: any("Datatoegang" in m["Subject"] for m in wait_for_to(stack, jan_email, 1)))
    wait_for(lambda: any("Datatoegang" in m["Subject"] for m in wait_for_to(stack, f"dev-{suffix}@journey.example", 1)))
    directory = requests.get(f"{stack.url}/api/v1/public/partners?q=Journey {suffix}", timeout=10).json()
    assert [p["id"] for p in directory] == [profile.json()["id"]] and "email" not in directory[0]
    # 7: the admin revokes one API; the next token at once, and introspection of the old token, reflect it
    requests.put(
        f"{stack.url}/api/v1/admin/grants/applications/{app['id']}",
        headers=admin,
        timeout=10,
        json={"schools": [{"institution_number": "012345", "apis": ["leerlingen"]}]},
    )
    assert wait_for(lambda: token().json()["scope"] == "leerlingen")
    assert introspected(access_token)["grants"] == {"leerlingen": ["012345"]}
    wait_for(lambda: sum("Datatoegang" in m["Subject"] for m in wait_for_to(stack, jan_email, 1)) >= 2)
    # 9: a rotation: old and new secret both work in the window, the old one fails after it
    second_secret = requests.post(
        f"{stack.url}/api/v1/partner/clients/{client_id}/secret", headers=jan_headers, timeout=10
    ).json()["client_secret"]
    assert token(second_secret).ok and token(first_secret).ok
    assert wait_for(lambda: token(first_secret).status_code == 401, timeout=30)
    assert token(second_secret).ok
