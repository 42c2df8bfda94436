"""Alembic per service, driven from code: no alembic.ini to keep in step with the environment.

A service keeps its revisions in ``<package>/migrations/versions`` and an ``env.py`` that calls
:func:`run_env` with its metadata.
"""

from __future__ import annotations

from alembic import command, context
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import make_url

from portalkit.db import Database


def alembic_config(database_url: str, package: str) -> Config:
    config = Config()
    config.set_main_option("script_location", f"{package}:migrations")
    # ConfigParser interpolation would read % in URLs (%2F) as a reference.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, package: str, revision: str = "head") -> None:
    Database(database_url).dispose()  # creates the SQLite folder if needed
    command.upgrade(alembic_config(database_url, package), revision)


def downgrade(database_url: str, package: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url, package), revision)


def revision(database_url: str, package: str, message: str) -> str:
    """Autogenerate the next revision against a database at head, numbered after the head; its path."""
    config = alembic_config(database_url, package)
    head = ScriptDirectory.from_config(config).get_current_head()
    script = command.revision(config, message=message, autogenerate=True, rev_id=f"{int(head) + 1:04d}")
    return script.path


def enable_trigrams(op) -> None:
    """pg_trgm on PostgreSQL, for :func:`portalkit.db.trigram_index` (a trusted extension: the database's
    owner may create it); nothing on SQLite."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's ``migrations/env.py``."""
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url")
    batch = make_url(url).get_backend_name() == "sqlite"  # SQLite alters tables by copying them
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, render_as_batch=batch)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=batch)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
