"""``make run``'s embedded mode as a newcomer meets it: one process, SQLite, in-process bus, /mail page."""

import signal
import time

import pytest
import requests

from tests.embedded import embedded_portal
from tests.signin import browser_login


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    with embedded_portal(tmp_path_factory.mktemp("embedded")) as running:
        yield running


def test_every_service_answers_through_the_dispatcher(embedded):
    base, _ = embedded
    for service in ("identity", "partners", "apps", "scopes", "notifier"):
        assert requests.get(f"{base}/_/{service}/healthz", timeout=5).json() == {"status": "ok", "service": service}


def test_the_activation_mail_is_readable_on_the_mail_page(embedded):
    base, _ = embedded
    registered = requests.post(
        f"{base}/api/v1/accounts",
        json={"email": "nieuw@agenda.example", "password": "Geheim-123!", "accept_terms": True},
        timeout=10,
    )
    assert registered.status_code == 202
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page = requests.get(f"{base}/mail", timeout=5).text
        if "Activeer je partneraccount" in page:
            break
        time.sleep(0.2)
    assert f'<a href="{base}/login/activate?lang=nl&amp;token=' in page


def test_a_revoked_token_is_refused_by_every_service_at_once(embedded):
    base, _ = embedded
    issued = browser_login(
        base, "moderator@partnerportaal.example", "Moderator-123!", "portal-back-office", f"{base}/backoffice/"
    )
    headers = {"Authorization": f"Bearer {issued['access_token']}"}
    probes = [f"{base}/api/v1/admin/{path}" for path in ("applications", "profiles", "mail/deliveries", "schools")]
    assert [requests.get(url, headers=headers, timeout=5).status_code for url in probes] == [200] * 4
    revoked = requests.post(
        f"{base}/oauth/revoke", data={"token": issued["access_token"], "client_id": "portal-back-office"}, timeout=5
    )
    assert revoked.ok
    deadline = time.monotonic() + 0.5  # the in-process bus delivers as the revocation commits
    while time.monotonic() < deadline and any(requests.get(url, headers=headers).ok for url in probes):
        time.sleep(0.01)
    assert [requests.get(url, headers=headers, timeout=5).status_code for url in probes] == [401] * 4


def test_demo_logins_work_and_ctrl_c_stops_cleanly(embedded):
    base, process = embedded
    form = requests.Session()
    page = form.get(f"{base}/login", timeout=5).text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    signed_in = form.post(
        f"{base}/login",
        data={"csrf": csrf, "email": "moderator@partnerportaal.example", "password": "Moderator-123!", "next": "/"},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Demo logins" in output and "Traceback" not in output
