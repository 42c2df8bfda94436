"""Every service's migrations form one line and build exactly the tables its code maps; `portalctl db`
writes and undoes revisions."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner

from portalkit import migrations
from portalkit.cli import main
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


def test_a_new_revision_is_numbered_after_the_head_and_empty_when_nothing_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("APPS_DATABASE_URL", f"sqlite:///{tmp_path / 'apps.db'}")
    written = CliRunner().invoke(main, ["db", "revision", "apps", "-m", "nothing yet"])
    assert written.exit_code == 0, written.output
    path = Path(written.output.strip().splitlines()[-1])
    try:
        source = path.read_text()
        assert path.name == f"{int(_head('apps')):04d}_nothing_yet.py"
        body = source.split("def upgrade() -> None:")[1].split("def downgrade")[0].splitlines()
        assert [line.strip() for line in body if line.strip() and not line.strip().startswith("#")] == ["pass"]
    finally:
        path.unlink()
    upgraded = CliRunner().invoke(main, ["db", "upgrade", "apps"])
    assert upgraded.exit_code == 0, upgraded.output
    head = _head("apps")
    down = CliRunner().invoke(main, ["db", "downgrade", "apps", f"{int(head) - 1:04d}"])
    assert down.exit_code == 0, down.output
    with Database(f"sqlite:///{tmp_path / 'apps.db'}").engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == f"{int(head) - 1:04d}"


def _head(service: str) -> str:
    package = installed_services()[service].package
    return ScriptDirectory.from_config(migrations.alembic_config("sqlite://", package)).get_current_head()
