"""The local stack the system tests share: every service as its own web process and worker behind real
nginx, with PostgreSQL, RabbitMQ and an SMTP sink, on ports and names of its own."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from portal_gateway.mailsink import MailSink
from portal_gateway.stack import Stack, StackSettings
from portalkit.testing import delete_broker_namespace

MODERATORS = ("moderator1@partnerportaal.test", "moderator2@partnerportaal.test")


def _require(tool: str) -> None:
    if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{tool} is missing: .ci/run installs it", pytrace=False)
        pytest.skip(f"{tool} is not installed")


@pytest.fixture(scope="session")
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
            "MAIL_RETRY_BASE_SECONDS": "0.5",
            "CONSUMER_RETRY_BASE_SECONDS": "0.2",
            "SECRET_ROTATION_SECONDS": "3",
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
