"""The test session's check that a run leaves nothing behind on the shared PostgreSQL and RabbitMQ."""

import psycopg
import pytest
from sqlalchemy.engine import make_url

from portalkit.events.rabbitmq import RabbitTransport
from portalkit.events.transport import Subscription
from portalkit.testing import RunResources

pytestmark = pytest.mark.integration

SUBSCRIPTION = Subscription("demo", ("apps.application.*",))


def test_the_session_check_finds_what_its_own_run_left_behind_and_nothing_else(amqp_server, postgres_server):
    run = RunResources()  # a run of its own: the session's other tests still hold theirs
    namespace = run.broker_namespace(amqp_server, "leak", (SUBSCRIPTION.queue,))
    database = run.database_name(postgres_server, "leak")
    transport = RabbitTransport(amqp_server, namespace)
    admin = make_url(postgres_server).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        transport.declare([SUBSCRIPTION])
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        left = run.leftovers()
        assert f"database {database}" in left
        assert {f"broker {namespace}.demo", f"broker {namespace}.demo.dead", f"broker {namespace}.events"} <= set(left)
        assert all(run.id in name for name in left)
    finally:
        transport.close()
        run.delete_broker_namespace(namespace)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    assert run.leftovers() == []
