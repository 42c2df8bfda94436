"""Cross-process cache invalidation: a change is announced in the writer's transaction and heard by every
process of the service right after the commit.

On PostgreSQL the announcement is a ``NOTIFY`` (transactional: delivered only if the change commits) and
each process ``LISTEN``s on its own connection; in the embedded mode (SQLite, one process) listeners in
the same process are told after the commit. Each time the listening connection is (re)established, listeners are
told "everything may have changed" (``None``), so a cache never keeps what changed before or between
connections.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from portalkit.backoff import back_off
from portalkit.db import Database

log = logging.getLogger("portalkit.changes")
Listener = Callable[[str | None], None]


class ChangeFeed:
    def __init__(self, database: Database, channel: str):
        self.database = database
        self.channel = channel
        self._listeners: list[Listener] = []
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        # Set while this process listens (PostgreSQL); in the embedded mode it always does.
        self.listening = threading.Event()
        if database.is_sqlite:
            self.listening.set()

    def announce(self, session: Session, key: str) -> None:
        """Inside the transaction that changes ``key``."""
        if not self.database.is_sqlite:
            session.execute(sa.select(sa.func.pg_notify(self.channel, key)))
        keys = session.info.setdefault(f"changes:{self.channel}", [])
        if not keys:
            sa.event.listen(
                session,
                "after_commit",
                lambda s: self._tell_local(s.info.pop(f"changes:{self.channel}", [])),
                once=True,
            )
        keys.append(key)

    def _tell_local(self, keys: list[str]) -> None:
        for key in keys:
            for listener in list(self._listeners):
                listener(key)

    def subscribe(self, listener: Listener) -> None:
        """``listener(key)`` after each committed change, from this process or (PostgreSQL) any other."""
        self._listeners.append(listener)
        if self.database.is_sqlite:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._listen, name=f"listen-{self.channel}", daemon=True)
                self._thread.start()

    def _listen(self) -> None:
        url = make_url(self.database.url).set(drivername="postgresql").render_as_string(hide_password=False)
        failures = 0
        while not self._stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
                    connection.execute(f'LISTEN "{self.channel}"')
                    failures = 0
                    # Anything may have changed before this connection listened (at start, or while it
                    # was lost): what was cached until now is dropped.
                    self._tell_local([None])
                    self.listening.set()
                    while not self._stop.is_set():
                        for notice in connection.notifies(timeout=0.2):
                            self._tell_local([notice.payload])
                return
            except psycopg.Error as error:
                self.listening.clear()
                failures += 1
                log.warning("change feed %s lost its connection (%s)", self.channel, error)
            self._stop.wait(back_off(failures, 0.5, 15))

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def announce_writes(sessions: sessionmaker, feed: ChangeFeed, tables: frozenset[str]) -> None:
    """Every transaction of ``sessions`` that writes one of ``tables`` announces the table on ``feed``: the
    ORM's flushes and insert, update and delete statements alike, so no use case has to remember to."""

    def flushed(session: Session, _context) -> None:
        written = {
            table.name
            for instance in (*session.new, *session.dirty, *session.deleted)
            for table in sa.inspect(instance).mapper.tables
        }
        for name in sorted(written & tables):
            feed.announce(session, name)

    def executed(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            name = getattr(state.statement.table, "name", None)
            if name is None or name in tables:
                feed.announce(state.session, name or "*")

    sa.event.listen(sessions, "after_flush", flushed)
    sa.event.listen(sessions, "do_orm_execute", executed)


class WorkFeed:
    """The signal that work was recorded (mail to send, a webhook to deliver): announced in the transaction
    that records it, it wakes the senders of every process of the service at commit."""

    def __init__(self, database: Database, channel: str):
        self._feed = ChangeFeed(database, channel)

    def announce(self, uow, key: str) -> None:
        """Inside the unit of work that recorded the work: heard only if it commits."""
        self._feed.announce(uow.session, key)

    def subscribe(self, wake: Callable[[], None]) -> None:
        self._feed.subscribe(lambda _key: wake())

    def close(self) -> None:
        self._feed.close()
