"""One SQLAlchemy engine and session factory per service, on SQLite or PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    MetaData,
    Select,
    TypeDecorator,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    """Metadata with stable constraint names, so Alembic migrations are the same on both databases."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def trigram_index(name: str, column: Column) -> Index:
    """An index that serves ``ILIKE '%text%'``: GIN over trigrams on PostgreSQL (pg_trgm, which
    :func:`portalkit.migrations.enable_trigrams` installs), a plain one on SQLite, whose tables stay small."""
    return Index(name, column, postgresql_using="gin", postgresql_ops={column.name: "gin_trgm_ops"})


def search_total(session: Session, matching: Select, offset: int, shown: int, asked: int, window: int) -> int:
    """How many results a search has, as far as its pages reach (``window``), without counting them when
    cheaper: ``shown`` of the ``asked`` rows on the page from ``offset``. Exact when the page shows the end;
    ``window`` when PostgreSQL's planner estimates at least that many (a page towards the window's end may
    then come back short or empty, and that page's total is exact); else counted up to ``window``."""
    if shown < asked and (shown or offset == 0):
        return offset + shown
    if session.get_bind().dialect.name == "postgresql" and _estimated_rows(session, matching) >= window:
        return window
    return session.scalar(select(func.count()).select_from(matching.limit(window).subquery()))


_EXPLAINED_SHAPES = 256
_explain_statements: dict = {}


def _estimated_rows(session: Session, matching: Select) -> float:
    """PostgreSQL's estimate of the rows ``matching`` finds. Its SQL is compiled once per shape of statement
    (SQLAlchemy's cache key, values left out) and kept, as SQLAlchemy keeps the statements it executes."""
    dialect = session.get_bind().dialect
    cache_key = matching._generate_cache_key()
    compiled = _explain_statements.get(cache_key.key) if cache_key is not None else None
    if compiled is None:
        compiled = matching.compile(dialect=dialect, cache_key=cache_key)
        if cache_key is None or compiled.post_compile_params:  # not reusable: written out with its values
            compiled = matching.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
            return _explained_rows(session, str(compiled), compiled.params)
        if len(_explain_statements) < _EXPLAINED_SHAPES:
            _explain_statements[cache_key.key] = compiled
    parameters = compiled.construct_params(extracted_parameters=cache_key.bindparams)
    return _explained_rows(session, str(compiled), parameters)


def _explained_rows(session: Session, sql: str, parameters: dict) -> float:
    [[plan]] = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", parameters)
    return plan[0]["Plan"]["Plan Rows"]


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # WAL lets readers and a writer work at once; the busy timeout makes writers queue, not fail.
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below drive transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # pysqlite defers BEGIN; an immediate write lock avoids upgrade deadlocks between threads.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    def __init__(self, url: str, *, pool_size: int = 5):
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(url, connect_args={"check_same_thread": False})
            _tune_sqlite(self.engine)
        else:
            self.engine = create_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.url = url

    @contextlib.contextmanager
    def session(self):
        """A session that rolls back whatever was not committed."""
        session: Session = self.sessions()
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both databases (SQLite keeps no zone, so it is restored here)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value
