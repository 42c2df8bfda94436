"""Events become real e-mails over SMTP, once, with retries when the server is away."""

import socket
import time
import uuid

import pytest
from aiosmtpd.controller import Controller

from portal_gateway.mailsink import MailSink
from portal_notifier.adapters.smtp import SmtpMailer
from portal_notifier.bootstrap import SERVICE
from portal_notifier.service_layer.handlers import send_due
from portalkit.events.envelope import Envelope
from portalkit.events.transport import Outcome
from portalkit.testing import start_service

MODERATORS = ("mod1@partnerportaal.test", "mod2@partnerportaal.test")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def requested(name="Agenda Plus") -> Envelope:
    return Envelope(
        id=str(uuid.uuid4()),
        type="apps.application.requested",
        occurred_at="2026-11-23T12:00:00Z",
        version=1,
        data={
            "application_id": "app-1",
            "partner_id": "p1",
            "name": name,
            "contact_email": "dev@agenda.example",
            "apis": ["leerlingen", "rekeningen"],
            "requested_by": "u1",
        },
    )


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def service(database_url, tokens, smtp_port):
    return start_service(
        SERVICE, database_url, tokens, smtp_port=smtp_port, moderator_emails=MODERATORS, mail_retry_base_seconds=0.01
    )


@pytest.fixture
def sink(tmp_path, smtp_port):
    sink = MailSink(tmp_path / "mail", port=smtp_port).start()
    yield sink
    sink.stop()


def send(runtime):
    return send_due(runtime.unit_of_work, SmtpMailer(runtime.settings), limit=20, max_attempts=3, base_seconds=0.01)


def test_an_application_request_mails_every_moderator_once(service, sink):
    _, runtime = service
    event = requested()
    consumer = runtime.consumer()
    assert consumer(event.to_json()) is Outcome.ACK
    assert send(runtime) == 2
    assert consumer(event.to_json()) is Outcome.ACK  # redelivered
    assert send(runtime) == 0
    mails = sink.messages()
    assert sorted(mail["To"] for mail in mails) == sorted(MODERATORS)
    mail = mails[0]
    assert mail["Subject"] == "Nieuwe aanvraag voor een client ID: Agenda Plus"
    assert mail["X-Portal-Event"] == event.id
    body = mail.get_content()
    assert "leerlingen, rekeningen" in body
    assert f"{runtime.settings.public_url}/backoffice/#/applications/app-1" in body


def test_a_server_that_refuses_then_recovers_gets_each_mail_once(service, tmp_path, smtp_port):
    _, runtime = service
    runtime.consumer()(requested().to_json())
    assert send(runtime) == 2  # nobody listens: both attempts fail
    sink = MailSink(tmp_path / "mail", port=smtp_port).start()
    try:
        time.sleep(0.05)  # the back-off of the first attempt
        assert send(runtime) == 2
        assert send(runtime) == 0
        assert len(sink.messages()) == 2
    finally:
        sink.stop()


class RefuseEveryone:
    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        return "550 5.1.1 mailbox unavailable"


def test_a_permanent_refusal_is_recorded_and_visible(service, smtp_port, tokens):
    app, runtime = service
    controller = Controller(RefuseEveryone(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        runtime.consumer()(requested().to_json())
        assert send(runtime) == 2
        assert send(runtime) == 0  # permanent: not tried again
    finally:
        controller.stop()
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    failed = app.test_client().get("/api/v1/admin/mail/deliveries?status=failed", headers=moderator).get_json()
    assert len(failed) == 2
    assert all("550" in delivery["last_error"] and delivery["attempts"] == 1 for delivery in failed)


def test_deliveries_are_for_moderators_only(service, tokens):
    app, _ = service
    partner = {"Authorization": f"Bearer {tokens.token('p', roles=['partner'])}"}
    assert app.test_client().get("/api/v1/admin/mail/deliveries", headers=partner).status_code == 403
    assert app.test_client().get("/api/v1/admin/mail/deliveries?status=lost", headers=partner).status_code == 403
