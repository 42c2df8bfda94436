"""Every notification of domain.md section 8 as a real mail over SMTP, with retries; a copy sent again
after a crash is the same message (same Message-ID)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
from aiosmtpd.controller import Controller

from portal_gateway.mailsink import MaildirHandler, MailSink, read_maildir
from portal_notifier.adapters.smtp import SmtpMailer
from portal_notifier.bootstrap import SERVICE
from portal_notifier.domain.mail import message_id
from portal_notifier.service_layer.handlers import send_due
from portalkit.events.envelope import Envelope
from portalkit.events.transport import Outcome
from portalkit.testing import start_service

MODERATORS = ("mod1@partnerportaal.example", "mod2@partnerportaal.example")
APP = {"application_id": "app-1", "partner_id": "p1", "name": "Agenda Plus", "contact_email": "dev@agenda.example"}

RESET_REQUESTED = (
    "identity.password_reset.requested",
    {
        "account_id": "a1",
        "email": "jan@agenda.example",
        "language": "nl",
        "reset_url": "https://portal.test/login/reset?token=xyz",
        "expires_at": "2026-11-23T14:00:00+00:00",
    },
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def event(event_type: str, data: dict) -> Envelope:
    return Envelope(str(uuid.uuid4()), event_type, "2026-11-23T12:00:00Z", 1, data)


REQUESTED = ("apps.application.requested", {**APP, "apis": ["leerlingen", "rekeningen"], "requested_by": "u1"})
ISSUED = ("identity.client.issued", {"client_id": "cl-agenda", "application_id": "app-1", "partner_id": "p1"})
PROFILE = (
    "partners.profile.created",
    {"partner_id": "p1", "name": "Agenda BV", "email": "info@agenda.example", "created_by": "u1"},
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
    return send_due(runtime.unit_of_work, SmtpMailer(runtime.settings), limit=50, max_attempts=3, base_seconds=0.01)


def deliver(runtime, *events):
    consumer = runtime.consumer()
    for event_type, data in events:
        assert consumer(event(event_type, data).to_json()) is Outcome.ACK


def mails_to(sink, recipient):
    return [mail for mail in sink.messages() if mail["To"] == recipient]


def text_of(mail):
    return mail.get_body(preferencelist=("plain",)).get_content()


def html_of(mail):
    return mail.get_body(preferencelist=("html",)).get_content()


def test_an_application_request_mails_every_moderator_once(service, sink):
    _, runtime = service
    envelope = event(*REQUESTED)
    consumer = runtime.consumer()
    assert consumer(envelope.to_json()) is Outcome.ACK
    assert send(runtime) == 2
    assert consumer(envelope.to_json()) is Outcome.ACK  # redelivered
    assert send(runtime) == 0
    mails = sink.messages()
    assert sorted(mail["To"] for mail in mails) == sorted(MODERATORS)
    mail = mails[0]
    assert mail["Subject"] == "Nieuwe aanvraag voor een client ID: Agenda Plus"
    assert mail["X-Portal-Event"] == envelope.id
    assert "Leerlingen, Rekeningen" in text_of(mail)
    assert f"{runtime.settings.public_url}/backoffice/#/applications/app-1" in text_of(mail)
    assert 'href="https://portal.test/backoffice/#/applications/app-1"' in html_of(mail)


def test_activation_mail_in_the_registrants_language(service, sink):
    _, runtime = service
    for language in ("nl", "en"):
        deliver(
            runtime,
            (
                "identity.account.registered",
                {
                    "account_id": "a1",
                    "email": f"{language}@agenda.example",
                    "language": language,
                    "activation_url": "https://portal.test/login/activate?token=abc",
                    "expires_at": "2026-11-26T12:00:00+00:00",
                },
            ),
        )
    send(runtime)
    [dutch] = mails_to(sink, "nl@agenda.example")
    [english] = mails_to(sink, "en@agenda.example")
    assert dutch["Subject"] == "Activeer je partneraccount" and english["Subject"] == "Activate your partner account"
    assert "https://portal.test/login/activate?token=abc" in text_of(dutch)
    assert "26/11/2026 13:00" in text_of(english)  # Brussels time


def test_an_invited_back_office_account_is_mailed_in_its_own_language(service, sink):
    _, runtime = service
    for language, role in (("nl", "school-admin"), ("en", "moderator")):
        data = {
            "account_id": f"a-{language}",
            "email": f"{language}@school.example",
            "language": language,
            "role": role,
            "password_url": f"https://portal.test/login/reset?token={language}",
            "expires_at": "2026-11-26T12:00:00+00:00",
        }
        deliver(runtime, ("identity.account.invited", data))
    send(runtime)
    [dutch] = mails_to(sink, "nl@school.example")
    [english] = mails_to(sink, "en@school.example")
    assert "schoolbeheerder" in text_of(dutch) and "login/reset?token=nl" in text_of(dutch)
    assert english["Subject"].startswith("Your account") and "as moderator" in text_of(english)
    assert "https://portal.test/backoffice/" in text_of(english)


def test_approval_and_rejection_reach_the_partner_and_the_app_contact(service, sink):
    _, runtime = service
    deliver(
        runtime,
        PROFILE,
        REQUESTED,
        ("apps.application.approved", {**APP, "approved_by": "m"}),
        ISSUED,
        ("apps.application.rejected", {**APP, "reason": "Beschrijving <b>vaag</b>", "rejected_by": "m"}),
    )
    send(runtime)
    for recipient in ("info@agenda.example", "dev@agenda.example"):
        subjects = sorted(mail["Subject"] for mail in mails_to(sink, recipient))
        assert subjects == ["Je applicatie Agenda Plus is afgewezen", "Je applicatie Agenda Plus is goedgekeurd"]
    rejected = next(m for m in mails_to(sink, "dev@agenda.example") if "afgewezen" in m["Subject"])
    assert "Beschrijving <b>vaag</b>" in text_of(rejected)
    assert "Beschrijving &lt;b&gt;vaag&lt;/b&gt;" in html_of(rejected)  # escaped in HTML


def test_a_client_issued_before_its_application_is_known_waits(service, sink):
    _, runtime = service
    consumer = runtime.consumer()
    early = event(*ISSUED)
    assert consumer(early.to_json()) is Outcome.RETRY  # nothing sent about an application not known yet
    deliver(runtime, PROFILE, ("apps.application.approved", {**APP, "approved_by": "m"}))
    assert consumer(early.to_json()) is Outcome.ACK
    send(runtime)
    assert [m["Subject"] for m in mails_to(sink, "dev@agenda.example")] == ["Je applicatie Agenda Plus is goedgekeurd"]


def test_a_server_that_refuses_then_recovers_gets_each_mail_once(service, tmp_path, smtp_port):
    _, runtime = service
    deliver(runtime, REQUESTED)
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


def test_a_permanent_refusal_is_recorded_visible_and_can_be_retried(service, smtp_port, tokens, tmp_path):
    app, runtime = service
    controller = Controller(RefuseEveryone(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        deliver(runtime, REQUESTED)
        assert send(runtime) == 2
        assert send(runtime) == 0  # permanent: not tried again
    finally:
        controller.stop()
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    client = app.test_client()
    failed = client.get("/api/v1/admin/mail/deliveries?status=failed", headers=moderator).get_json()
    assert len(failed) == 2
    assert all("550" in delivery["last_error"] and delivery["attempts"] == 1 for delivery in failed)
    sink = MailSink(tmp_path / "mail2", port=smtp_port).start()
    try:
        retried = client.post(f"/api/v1/admin/mail/deliveries/{failed[0]['id']}/retry", headers=moderator)
        assert retried.status_code == 200 and retried.get_json()["status"] == "pending"
        assert send(runtime) == 1 and len(sink.messages()) == 1
    finally:
        sink.stop()
    again = client.post(f"/api/v1/admin/mail/deliveries/{failed[0]['id']}/retry", headers=moderator)
    assert again.status_code == 409
    assert client.post("/api/v1/admin/mail/deliveries/999999/retry", headers=moderator).status_code == 404


def test_moderators_find_the_mails_to_one_address_with_a_preview_that_holds_no_one_time_link(service, sink, tokens):
    app, runtime = service
    registered = {
        "account_id": "a1",
        "email": "Jan.Peeters@Agenda.example",
        "language": "nl",
        "activation_url": "https://portal.test/login/activate?lang=nl&token=geheim-123",
        "expires_at": "2026-11-26T12:00:00+00:00",
    }
    deliver(runtime, ("identity.account.registered", registered), REQUESTED)
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    client = app.test_client()
    found = client.get("/api/v1/admin/mail/deliveries?recipient=jan.peeters", headers=moderator)
    [mail] = found.get_json()
    assert mail["recipient"] == "Jan.Peeters@Agenda.example" and json.loads(found.headers["X-Pagination"])["total"] == 1
    assert "token=redacted" in mail["preview"] and "geheim-123" not in mail["preview"]  # not sent yet, still hidden
    assert client.get("/api/v1/admin/mail/deliveries?recipient=%25", headers=moderator).get_json() == []  # literal


def test_a_poison_event_is_dead_lettered(service):
    _, runtime = service
    assert runtime.consumer()(b'{"type": "apps.application.approved"}') is Outcome.DEAD


def test_deliveries_are_for_moderators_only(service, tokens):
    app, _ = service
    partner = {"Authorization": f"Bearer {tokens.token('p', roles=['partner'])}"}
    assert app.test_client().get("/api/v1/admin/mail/deliveries", headers=partner).status_code == 403
    assert app.test_client().get("/api/v1/admin/mail/deliveries").status_code == 401


def test_every_mail_carries_the_message_id_of_its_event_and_recipient(service, sink):
    _, runtime = service
    envelope = event(*REQUESTED)
    assert runtime.consumer()(envelope.to_json()) is Outcome.ACK
    send(runtime)
    ids = {mail["To"]: mail["Message-ID"] for mail in sink.messages()}
    assert ids == {
        moderator: message_id(envelope.id, moderator, "partnerportaal.localhost") for moderator in MODERATORS
    }


MARKER = {"account_id": "a2", "email": "marker@agenda.example"}


def start_sender(database_url: str, smtp_port: int, log_path) -> subprocess.Popen:
    """A real notifier worker process (its mail sender) on the test database."""
    env = {
        **os.environ,
        "NOTIFIER_DATABASE_URL": database_url,
        "NOTIFIER_BROKER_URL": f"memory://{uuid.uuid4().hex}",
        "NOTIFIER_SMTP_PORT": str(smtp_port),
        "NOTIFIER_MAIL_POLL_SECONDS": "2",
        "NOTIFIER_LOG_FORMAT": "text",
    }
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "portalkit.cli", "worker", "notifier"], env=env, stdout=log, stderr=subprocess.STDOUT
        )


def wait_for(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


class CrashAfterAccept(MaildirHandler):
    """Accepts the first mail, starts a standby sender, then SIGKILLs the first sender before it hears the
    answer to QUIT: after the server accepted the mail, before the sender recorded it as sent."""

    def __init__(self, folder, start_standby):
        super().__init__(folder)
        self.start_standby = start_standby
        self.sender: subprocess.Popen | None = None
        self.standby: subprocess.Popen | None = None
        self.killed_at: float | None = None
        self.arrivals: list[float] = []
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.arrivals.append(time.monotonic())
        self.recipients += envelope.rcpt_tos
        if self.standby is None:
            self.standby = self.start_standby()  # running while the first sender holds the mail's lock
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.killed_at is None:
            os.kill(self.sender.pid, signal.SIGKILL)
            self.killed_at = time.monotonic()
        return "221 Bye"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_sender_killed_before_its_commit_is_replaced_within_seconds_by_the_same_message(
    service, database_url, smtp_port, tmp_path
):
    _, runtime = service
    handler = CrashAfterAccept(tmp_path / "mail", lambda: start_sender(database_url, smtp_port, tmp_path / "b.log"))
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    handler.sender = start_sender(database_url, smtp_port, tmp_path / "a.log")
    try:
        assert wait_for(lambda: "worker of notifier started" in (tmp_path / "a.log").read_text())
        deliver(
            runtime,
            RESET_REQUESTED,
        )
        assert handler.sender.wait(30) == -signal.SIGKILL
        assert wait_for(lambda: len(handler.arrivals) == 2, timeout=20), (tmp_path / "b.log").read_text()
        first, again = read_maildir(tmp_path / "mail")
        assert first["Message-ID"] == again["Message-ID"] and first["X-Portal-Event"] == again["X-Portal-Event"]
        resent_after = handler.arrivals[1] - handler.killed_at
        print(f"resent {resent_after:.2f}s after the sender was killed")
        assert resent_after < 10
        # A mail recorded later is sent after every one due before it: had the standby not recorded the resent
        # mail as sent, it would send it a third time before this one.
        deliver(runtime, ("identity.account.registration_repeated", {**MARKER, "language": "nl"}))
        assert wait_for(lambda: len(handler.arrivals) == 3, timeout=20), (tmp_path / "b.log").read_text()
        assert handler.recipients == ["jan@agenda.example", "jan@agenda.example", MARKER["email"]]
    finally:
        controller.stop()
        for process in (handler.sender, handler.standby):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(15)


def test_once_sent_a_stored_mail_keeps_no_usable_one_time_link(service, sink):
    """The recipient gets the link; the delivery record keeps the mail without the token (a database or backup
    reader cannot activate, reset or answer with it), and still shows what went out, to whom and when."""
    _, runtime = service
    links = {
        "identity.account.registered": ("activation_url", "https://portal.test/login/activate?token=act-123"),
        "identity.password_reset.requested": ("reset_url", "https://portal.test/login/reset?token=res-456"),
    }
    for event_type, (field, url) in links.items():
        deliver(
            runtime,
            (
                event_type,
                {
                    "account_id": "a1",
                    "email": "jan@agenda.example",
                    "language": "nl",
                    field: url,
                    "expires_at": "2026-11-26T12:00:00+00:00",
                },
            ),
        )
    assert send(runtime) == 2
    received = " ".join(text_of(mail) + html_of(mail) for mail in mails_to(sink, "jan@agenda.example"))
    assert "token=act-123" in received and "token=res-456" in received
    with runtime.unit_of_work() as uow:
        stored = uow.deliveries.recent(None, None, 0, 10)[0]
        assert len(stored) == 2
        for delivery in stored:
            assert delivery.status == "sent" and delivery.sent_at is not None
            assert delivery.recipient == "jan@agenda.example" and delivery.subject
            for secret in ("act-123", "res-456"):
                assert secret not in delivery.body and secret not in delivery.html
            assert "token=redacted" in delivery.body and "token=redacted" in delivery.html


def test_mails_sent_before_redaction_existed_lose_their_one_time_links_on_upgrade(database_url):
    import datetime as dt

    import sqlalchemy as sa

    from portalkit import migrations
    from portalkit.db import Database

    migrations.upgrade(database_url, "portal_notifier", "0005")
    now = dt.datetime.now(dt.UTC)
    row = {"event_type": "identity.account.registered", "recipient": "jan@agenda.example", "subject": "Activeer"}
    row |= {"language": "nl", "attempts": 1, "created_at": now}
    link = "https://portal.test/login/activate?token=old-secret"
    database = Database(database_url)
    deliveries = sa.table(
        "deliveries", *(sa.column(name) for name in [*row, "event_id", "status", "body", "html", "sent_at"])
    )
    with database.session() as session:
        session.execute(
            sa.insert(deliveries),
            [
                row | {"event_id": "e1", "status": "sent", "body": link, "html": f'<a href="{link}">', "sent_at": now},
                row | {"event_id": "e2", "status": "failed", "body": link, "html": link, "sent_at": None},
            ],
        )
        session.commit()
    migrations.upgrade(database_url, "portal_notifier")
    with database.session() as session:
        stored = dict(session.execute(sa.select(deliveries.c.event_id, deliveries.c.body)).all())
    database.dispose()
    assert stored["e1"] == "https://portal.test/login/activate?token=redacted"
    assert stored["e2"] == link  # not sent: kept for the retry
