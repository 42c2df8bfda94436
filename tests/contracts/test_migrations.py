"""Every service's migrations form one line and build exactly the tables its code maps."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from portalkit import migrations
from portalkit.db import Database
from portalkit.service import installed_services

SERVICES = sorted(installed_services())


@pytest.mark.parametrize("service", SERVICES)
def test_one_head(service):
    definition = installed_services()[service]
    script = ScriptDirectory.from_config(migrations.alembic_config("sqlite://", definition.package))
    assert len(script.get_heads()) == 1, f"{service} has migration heads {script.get_heads()}: chain them"


@pytest.mark.parametrize("service", SERVICES)
def test_the_migrated_schema_is_the_mapped_one(service, tmp_path):
    definition = installed_services()[service]
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    migrations.upgrade(url, definition.package)
    database = Database(url)
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), definition.metadata)
    database.dispose()
    assert differences == []
