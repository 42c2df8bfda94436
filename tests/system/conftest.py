"""The local stack the system tests share: every service as its own web process and worker behind real
nginx, with PostgreSQL, RabbitMQ and an SMTP sink, on ports and names of its own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from portal_gateway.mailsink import MailSink
from portal_gateway.stack import Stack, StackSettings
from portal_identity.adapters.sealing import new_key_encryption_key
from portalkit.testing import RUN

MODERATORS = ("moderator1@partnerportaal.test", "moderator2@partnerportaal.test")
KEK = new_key_encryption_key()  # the identity service's signing keys are sealed with it


def _require(tool: str) -> None:
    if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{tool} is missing: .ci/run installs it", pytrace=False)
        pytest.skip(f"{tool} is not installed")


@pytest.fixture(scope="session")
def stack(postgres_server, amqp_server, tmp_path_factory):
    _require("nginx")
    run_dir = tmp_path_factory.mktemp("stack")
    namespace = RUN.broker_namespace(amqp_server, "systest")
    settings = StackSettings(
        port=18080,
        port_offset=10000,
        postgres_url=postgres_server,
        database_prefix=RUN.database_name(postgres_server, "systest") + "_",
        broker_url=amqp_server,
        broker_namespace=namespace,
        smtp_port=18025,
        run_dir=run_dir,
        web_workers=1,
        web_processes={"identity": 2},  # nginx retries on the other one when one dies
        # Token requests in a loop from one address (the test's) stay under this; the real limit is 20/s.
        nginx_limits={"token_rate": "2000r/s", "token_burst": 2000},
        extra_env={
            "KEY_ENCRYPTION_KEY": KEK,
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
        RUN.delete_broker_namespace(namespace)
