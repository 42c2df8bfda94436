"""docker-compose.yml run for real (`make test-compose`, started by tests/compose/run.sh, which brings the
topology up on an isolated Docker engine and tears it down). Everything goes through compose's nginx on
127.0.0.1; mails are read from the compose SMTP server (mailpit's API). Not collected by `make test`: the
file name is not test_*.py; run.sh names it.
"""

from __future__ import annotations

import collections
import email
import email.policy
import json
import os
import subprocess
import threading
import time
import uuid

import pytest
import requests

from tests.signin import browser_login
from tests.system.test_stack import APPLICATION, PROFILE, text_of, wait_for, wait_for_to

SERVICES = ("identity", "partners", "apps", "scopes", "notifier", "webhooks")
GATEWAY = f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8080')}"
MAILPIT = f"http://127.0.0.1:{os.environ.get('MAILPIT_PORT', '8025')}"
# The scale-out drive, bounded: token requests at most TOKEN_RATE a second (under nginx's 20/s per address)
# for DRIVE_SECONDS, and REGISTRATIONS accounts, each causing one activation mail.
TOKEN_RATE, DRIVE_SECONDS, REGISTRATIONS = 12, 24, 20


def compose(*args: str, input_text: str | None = None, check: bool = True) -> str:
    done = subprocess.run(
        ["docker-compose", *args], input=input_text, capture_output=True, text=True, check=False, timeout=300
    )
    if check and done.returncode != 0:
        raise AssertionError(f"docker-compose {' '.join(args)}: {done.stderr}{done.stdout}")
    return done.stdout


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True, timeout=120).stdout


def containers(service: str) -> list[str]:
    return compose("ps", "-q", service).split()


def ip_of(container: str) -> str:
    return docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container).strip()


def portalctl(service: str, *args: str, input_text: str | None = None) -> str:
    return compose("exec", "-T", service, "portalctl", *args, input_text=input_text)


class Mailpit:
    """The compose SMTP server's mails, parsed (the real mailpit's API, or its local equivalent's)."""

    def __init__(self):
        self._parsed: dict[str, email.message.EmailMessage] = {}

    def messages(self) -> list:
        listed = requests.get(f"{MAILPIT}/api/v1/messages", params={"limit": 1000}, timeout=10).json()["messages"]
        for summary in listed:
            if summary["ID"] not in self._parsed:
                raw = requests.get(f"{MAILPIT}/api/v1/message/{summary['ID']}/raw", timeout=10).content
                self._parsed[summary["ID"]] = email.message_from_bytes(raw, policy=email.policy.default)
        return [self._parsed[summary["ID"]] for summary in reversed(listed)]


class ComposeStack:
    """What the system tests' helpers need of a stack: its URL and its mails."""

    url = GATEWAY
    sink = Mailpit()


STACK = ComposeStack()
STATE: dict = {}


def test_the_images_run_as_non_root_with_a_healthcheck_and_no_compilers():
    for service in SERVICES:
        image = f"{os.environ.get('PORTAL_IMAGE_PREFIX', 'partner-portal/')}{service}:latest"
        config = json.loads(docker("image", "inspect", image))[0]["Config"]
        assert config["User"] == "10001:10001", service
        assert "/readyz" in " ".join(config["Healthcheck"]["Test"]), service
        found = subprocess.run(
            ["docker", "run", "--rm", image, "sh", "-c", "command -v gcc cc g++ make pip || true"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert found.strip() == "", (service, found)
        assert docker("run", "--rm", image, "id", "-u").strip() == "10001"


def test_every_container_is_up_and_every_service_ready_through_nginx():
    listing = compose("ps")
    for service in SERVICES:
        assert len(containers(service)) == 1 and len(containers(f"{service}-worker")) == 1, listing
        for probe in ("healthz", "readyz"):
            answer = requests.get(f"{GATEWAY}/_/{service}/{probe}", timeout=10)
            assert answer.status_code == 200, (service, probe, answer.text)
    assert "unhealthy" not in listing and "Exit" not in listing, listing


def test_the_migrations_ran_on_start_one_database_per_service():
    for service in SERVICES:
        tables = compose(
            "exec",
            "-T",
            "postgres",
            "psql",
            "-U",
            "portal",
            "-d",
            f"portal_{service}",
            "-Atc",
            "SELECT count(*) FROM alembic_version",
        )
        assert tables.strip() == "1", service


def test_nginx_serves_the_web_uis_index_pages():
    front = requests.get(f"{GATEWAY}/", timeout=10)
    assert front.status_code == 200 and 'src="/front/app.js"' in front.text
    back = requests.get(f"{GATEWAY}/backoffice/", timeout=10)
    assert back.status_code == 200 and 'src="/backoffice/app.js"' in back.text
    assert requests.get(f"{GATEWAY}/assets/core.js", timeout=10).status_code == 200


def test_the_kubernetes_web_ui_image_serves_the_uis_read_only_as_non_root():
    """deploy/web-ui/Dockerfile with the generated gateway/nginx/web-ui.conf, run as Kubernetes runs it
    (uid 10001, read-only root filesystem, /tmp writable, no capabilities)."""
    nginx_image = os.environ.get("NGINX_IMAGE", "nginxinc/nginx-unprivileged:1.27")
    subprocess.run(
        [
            "docker",
            "build",
            "-q",
            "-f",
            "deploy/web-ui/Dockerfile",
            "--build-arg",
            f"NGINX_IMAGE={nginx_image}",
            "-t",
            "partner-portal/web-ui:latest",
            ".",
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    container = docker(
        "run",
        "-d",
        "--read-only",
        "--tmpfs",
        "/tmp",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--user",
        "10001:10001",  # as the Kubernetes pod runs it
        "partner-portal/web-ui:latest",
    ).strip()
    try:

        def page(path: str) -> str:
            return subprocess.run(
                ["docker", "exec", container, "curl", "-sS", "-i", f"http://127.0.0.1:8080{path}"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout

        front = wait_for(lambda: (answer := page("/")).startswith("HTTP/1.1 200") and answer, timeout=30)
        assert 'src="/front/app.js"' in front and "Content-Security-Policy: default-src 'self'" in front
        assert page("/backoffice/").startswith("HTTP/1.1 200")
        assert page("/healthz").startswith("HTTP/1.1 200")
        assert page("/api/v1/accounts").startswith("HTTP/1.1 404")
    finally:
        docker("rm", "-f", container)


def test_the_partner_journey_through_compose():
    """register → mail → activate → sign in → profile → application → approval → secret → token →
    access request → grant → token with the grant."""
    suffix = uuid.uuid4().hex[:6]
    email_address, password = f"jan-{suffix}@journey.example", "Geheim-123!"
    registered = requests.post(
        f"{GATEWAY}/api/v1/accounts",
        json={"email": email_address, "password": password, "accept_terms": True},
        timeout=20,
    )
    assert registered.status_code == 202, registered.text  # the same answer whether or not the address is known
    [mail] = wait_for_to(STACK, email_address, 1)
    token = next(line for line in text_of(mail).splitlines() if "token=" in line).split("token=")[1].strip()
    assert requests.post(f"{GATEWAY}/api/v1/accounts/activation", json={"token": token}, timeout=10).ok
    session = browser_login(GATEWAY, email_address, password, "portal-front-office", f"{GATEWAY}/")
    profile = requests.post(
        f"{GATEWAY}/api/v1/partner/profile",
        json=PROFILE | {"name": f"Compose {suffix}"},
        headers={"Authorization": f"Bearer {session['access_token']}"},
        timeout=10,
    )
    assert profile.status_code == 201, profile.text

    def partner_token():  # identity learns the link from the partners service's event
        answer = requests.post(
            f"{GATEWAY}/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": session["refresh_token"],
                "client_id": "portal-front-office",
            },
            timeout=10,
        ).json()
        session.update(answer)
        return "partner_id" in json.loads(_jwt_payload(answer["access_token"]))

    wait_for(partner_token)
    partner = {"Authorization": f"Bearer {session['access_token']}"}
    wait_for(lambda: requests.get(f"{GATEWAY}/api/v1/partner/applications", headers=partner, timeout=10).ok)
    application = requests.post(
        f"{GATEWAY}/api/v1/partner/applications",
        headers=partner,
        json={**APPLICATION, "name": f"Compose App {suffix}", "contact_email": f"dev-{suffix}@journey.example"},
        timeout=10,
    )
    assert application.status_code == 201, application.text
    app_id = application.json()["id"]

    moderator_email = f"moderator-{suffix}@portal.example"
    portalctl(
        "identity",
        "users",
        "create",
        "--email",
        moderator_email,
        "--role",
        "moderator",
        "--password-stdin",
        input_text="Moderator-123!\n",
    )
    moderator = browser_login(
        GATEWAY, moderator_email, "Moderator-123!", "portal-back-office", f"{GATEWAY}/backoffice/"
    )
    approved = requests.post(
        f"{GATEWAY}/api/v1/admin/applications/{app_id}/approve",
        headers={"Authorization": f"Bearer {moderator['access_token']}"},
        timeout=10,
    )
    assert approved.status_code == 200, approved.text
    client_id = wait_for(
        lambda: requests.get(f"{GATEWAY}/api/v1/partner/applications/{app_id}", headers=partner, timeout=10).json()[
            "client_id"
        ]
    )
    secret = requests.post(f"{GATEWAY}/api/v1/partner/clients/{client_id}/secret", headers=partner, timeout=10)
    assert secret.status_code in (200, 201), secret.text
    secret = secret.json()["client_secret"]

    def client_token():
        return requests.post(
            f"{GATEWAY}/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret), timeout=10
        )

    first = client_token()
    assert first.status_code == 200 and first.json()["scope"] == "", first.text

    compose(
        "exec",
        "-T",
        "scopes",
        "sh",
        "-c",
        "cat > /tmp/schools.csv && portalctl schools import /tmp/schools.csv",
        input_text="institution_number,name\n012345,Sint-Jozef\n",
    )
    admin_email = f"directie-{suffix}@school.example"
    portalctl(
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
                f"{GATEWAY}/api/v1/partner/access-requests",
                headers=partner,
                json={"application_id": app_id, "emails": admin_email},
                timeout=10,
            ).status_code
            == 201
        )
    )
    [mail] = wait_for_to(STACK, admin_email, 1)
    link = next(line.strip() for line in text_of(mail).splitlines() if "/requests/" in line)
    request_id, link_token = link.split("/requests/")[1].split("?token=")
    admin = browser_login(GATEWAY, admin_email, "Directie-123!", "portal-back-office", f"{GATEWAY}/backoffice/")
    granted = requests.put(
        f"{GATEWAY}/api/v1/admin/grants/applications/{app_id}",
        headers={"Authorization": f"Bearer {admin['access_token']}"},
        json={
            "request_id": request_id,
            "token": link_token,
            "schools": [{"institution_number": "012345", "apis": ["leerlingen"]}],
        },
        timeout=10,
    )
    assert granted.status_code == 200, granted.text
    assert wait_for(lambda: client_token().json()["scope"] == "leerlingen")
    STATE["client"] = (client_id, secret)


def _jwt_payload(token: str) -> str:
    import base64

    payload = token.split(".")[1]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()


def test_scale_out_spreads_requests_and_survives_a_killed_replica_and_sender():
    """identity web ×3 and the notifier worker ×2; tokens and mails driven (bounded); one identity container
    and one notifier worker killed (SIGKILL) in the middle."""
    if "client" not in STATE:
        pytest.skip("needs the client of the journey test")
    client_id, secret = STATE["client"]
    compose("up", "-d", "--no-build", "--no-recreate", "--scale", "identity=3", "--scale", "notifier-worker=2")
    wait_for(lambda: compose("ps", "identity").count("(healthy)") == 3, timeout=120)
    compose(
        "exec", "-T", "nginx", "nginx", "-c", "/etc/portal/nginx.conf", "-s", "reload"
    )  # nginx resolves identity's replicas again
    identity, senders = containers("identity"), containers("notifier-worker")
    assert len(identity) == 3 and len(senders) == 2
    replica_of = {ip_of(container): container for container in identity}
    time.sleep(2)  # the reloaded nginx workers take over

    results: collections.Counter = collections.Counter()
    lock = threading.Lock()
    in_flight = [0]
    in_flight_at_kill: list[int] = []
    stop_at = time.monotonic() + DRIVE_SECONDS
    started = time.time()

    def drive_tokens(offset: float):
        tick = time.monotonic() + offset
        with requests.Session() as http:
            while time.monotonic() < stop_at:
                tick += 3 / TOKEN_RATE  # three threads
                with lock:
                    in_flight[0] += 1
                try:
                    answer = http.post(
                        f"{GATEWAY}/oauth/token",
                        data={"grant_type": "client_credentials"},
                        auth=(client_id, secret),
                        timeout=15,
                    )
                    outcome = "ok" if answer.status_code == 200 else f"http {answer.status_code}"
                except requests.RequestException as error:
                    outcome = type(error).__name__
                with lock:
                    in_flight[0] -= 1
                    results[outcome] += 1
                time.sleep(max(0.0, tick - time.monotonic()))

    suffix = uuid.uuid4().hex[:6]
    recipients = [f"load-{suffix}-{i}@mail.example" for i in range(REGISTRATIONS)]
    registered = collections.Counter()

    def drive_mails():
        pause = DRIVE_SECONDS * 0.8 / REGISTRATIONS
        for recipient in recipients:
            answer = requests.post(
                f"{GATEWAY}/api/v1/accounts",
                json={"email": recipient, "password": "Geheim-123!", "accept_terms": True},
                timeout=30,
            )
            registered[answer.status_code] += 1
            time.sleep(pause)

    threads = [threading.Thread(target=drive_tokens, args=(i / TOKEN_RATE,)) for i in range(3)]
    threads.append(threading.Thread(target=drive_mails))
    for thread in threads:
        thread.start()
    time.sleep(DRIVE_SECONDS / 3)
    with lock:
        in_flight_at_kill.append(in_flight[0])
    docker("kill", identity[1])
    time.sleep(1)
    docker("kill", senders[0])
    for thread in threads:
        thread.join()
    assert registered == {202: REGISTRATIONS}, registered

    # Every mail exactly once: one Message-ID per recipient, and no second copy of it.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        mails = [m for m in STACK.sink.messages() if m["To"] in recipients]
        if {m["To"] for m in mails} == set(recipients):
            break
        time.sleep(1)
    time.sleep(3)  # a duplicate would arrive now
    mails = [m for m in STACK.sink.messages() if m["To"] in recipients]
    per_recipient = collections.Counter(m["To"] for m in mails)
    message_ids = collections.Counter(m["Message-ID"] for m in mails)

    # Requests spread over the replicas: nginx's access log names the upstream of each token request.
    served: collections.Counter = collections.Counter()
    for line in compose("logs", "--no-color", "--no-log-prefix", "nginx").splitlines():
        try:
            entry = json.loads(line[line.index("{") :])
        except ValueError:
            continue
        if entry.get("uri") == "/oauth/token" and entry.get("upstream"):
            for upstream in entry["upstream"].split(", "):
                served[replica_of.get(upstream.split(":")[0], upstream)] += 1
    report = {
        "token_requests": dict(results),
        "in_flight_at_kill": in_flight_at_kill[0],
        "token_requests_per_identity_replica": {c[:12]: served[c] for c in identity},
        "mails": len(mails),
        "distinct_message_ids": len(message_ids),
        "duplicate_copies": sum(n - 1 for n in message_ids.values()),
        "seconds": round(time.time() - started, 1),
    }
    stats = docker("stats", "--no-stream", "--format", "{{.Name}} {{.CPUPerc}} {{.MemUsage}}")
    print("\nscale-out:", json.dumps(report), "\n" + stats)
    with open("var/compose-stats.txt", "w") as out:
        out.write(stats)
    with open("var/compose-scale-out.json", "w") as out:
        json.dump(report, out, indent=2)

    failed = sum(n for outcome, n in results.items() if outcome != "ok")
    assert results["ok"] >= TOKEN_RATE * DRIVE_SECONDS * 0.5, results
    assert failed <= in_flight_at_kill[0], report
    assert all(served[container] > 0 for container in identity), report
    assert set(per_recipient) == set(recipients), report
    assert all(len({m["Message-ID"] for m in mails if m["To"] == r}) == 1 for r in recipients), report
    assert max(message_ids.values()) == 1, report
