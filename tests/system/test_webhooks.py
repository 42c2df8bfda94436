"""Webhooks through the local stack: a partner registers an endpoint through nginx, a moderator approves the
application, and the webhooks worker delivers a signed ``application.approved`` (checked with the
standardwebhooks package) to a receiver in this process; a secret rotation becomes ``client_secret.expiring``."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from standardwebhooks import Webhook

from portalkit.testing import free_port, wait_for
from tests.system.test_stack import moderator_token, partner_headers, request_application

pytestmark = pytest.mark.system


@pytest.fixture
def receiver():
    received: list[tuple[dict, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/portal-hook", received
    finally:
        server.shutdown()
        server.server_close()


def of_type(received, webhook_type: str) -> list[tuple[dict, bytes]]:
    return [(headers, body) for headers, body in received if json.loads(body)["type"] == webhook_type]


def test_an_approval_reaches_the_partners_endpoint_signed(stack, receiver):
    url, received = receiver
    partner = partner_headers(stack)
    created = request_application(stack, "Webhook Journey")
    endpoints = f"{stack.url}/api/v1/webhooks/applications/{created['id']}/endpoints"
    # The webhooks service learns the application from the apps service's event a moment later.
    wait_for(lambda: requests.get(endpoints, headers=partner, timeout=10).status_code == 200, timeout=30)
    answer = requests.post(
        endpoints,
        json={"url": url, "event_types": ["application.approved", "client_secret.expiring"]},
        headers=partner,
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    endpoint = answer.json()

    moderator = {"Authorization": f"Bearer {moderator_token(stack)}"}
    approved = requests.post(
        f"{stack.url}/api/v1/admin/applications/{created['id']}/approve", headers=moderator, timeout=10
    )
    assert approved.status_code == 200, approved.text
    wait_for(lambda: of_type(received, "application.approved"), timeout=30)
    [(headers, body)] = of_type(received, "application.approved")
    payload = Webhook(endpoint["secret"]).verify(body, headers)
    assert payload["data"] == {"application_id": created["id"], "name": "Webhook Journey"}

    client_id = wait_for(
        lambda: requests.get(
            f"{stack.url}/api/v1/partner/applications/{created['id']}", headers=partner, timeout=10
        ).json()["client_id"]
    )
    first = requests.post(f"{stack.url}/api/v1/partner/clients/{client_id}/secret", headers=partner, timeout=10)
    second = requests.post(f"{stack.url}/api/v1/partner/clients/{client_id}/secret", headers=partner, timeout=10)
    assert first.status_code == second.status_code == 201
    first_last4 = first.json()["client_secret"][-4:]

    def told_first_expires():
        for headers, body in of_type(received, "client_secret.expiring"):
            data = Webhook(endpoint["secret"]).verify(body, headers)["data"]
            if data["client_id"] == client_id and first_last4 in [s["last4"] for s in data["secrets"]]:
                return data
        return None

    assert wait_for(told_first_expires, timeout=30)["application_id"] == created["id"]

    deliveries = f"{stack.url}/api/v1/webhooks/endpoints/{endpoint['id']}/deliveries"
    log = requests.get(deliveries, headers=partner, timeout=10)
    assert log.status_code == 200
    delivered = {(d["event_type"], d["status"], d["last_status_code"]) for d in log.json()}
    assert ("application.approved", "delivered", 204) in delivered
