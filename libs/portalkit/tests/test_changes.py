"""The change feed: committed changes reach every listener (other processes on PostgreSQL); rolled-back
changes reach none."""

import queue
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import registry

from portalkit.changes import ChangeFeed, announce_writes
from portalkit.db import Database


@pytest.fixture
def feeds():
    made = []
    yield made
    for feed in made:
        feed.close()


def collect(feed, feeds):
    heard = queue.Queue()
    feed.subscribe(heard.put)
    feeds.append(feed)
    return heard


def wait_for_key(heard, key, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if heard.get(timeout=0.1) == key:
                return True
        except queue.Empty:
            pass
    return False


def test_a_committed_change_is_heard_and_a_rolled_back_one_is_not(database_url, feeds):
    database = Database(database_url)
    writer, reader = ChangeFeed(database, "test_changes"), ChangeFeed(Database(database_url), "test_changes")
    listener = writer if database.is_sqlite else reader
    heard = collect(listener, feeds)
    assert listener.listening.wait(5)
    with database.session() as session:
        writer.announce(session, "rolled-back")
        session.execute(sa.text("SELECT 1"))
        session.rollback()
    with database.session() as session:
        writer.announce(session, "client-1")
        session.commit()
    assert wait_for_key(heard, "client-1")
    remaining = []
    while not heard.empty():
        remaining.append(heard.get())
    assert "rolled-back" not in remaining


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_another_process_hears_it_on_postgresql(database_url, feeds):
    """Two feeds on two engines stand for two web workers: the reader never saw the writer's session."""
    writer = ChangeFeed(Database(database_url), "test_changes_2")
    reader = ChangeFeed(Database(database_url), "test_changes_2")
    heard = collect(reader, feeds)
    assert reader.listening.wait(5)
    with writer.database.session() as session:
        writer.announce(session, "client-2")
        session.commit()
    assert wait_for_key(heard, "client-2")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_cache_filled_before_the_feed_listened_is_dropped_once_it_listens(database_url, feeds):
    """A change committed between a process filling its cache and its LISTEN would otherwise be missed."""
    reader = ChangeFeed(Database(database_url), "test_changes_3")
    heard = collect(reader, feeds)
    assert reader.listening.wait(5)
    assert heard.get(timeout=1) is None


def heard_after(heard, database: Database) -> set:
    """What reached the listener by now: after the commit in this process; on PostgreSQL also the notice
    the listening connection hears a moment later (the same key twice makes one)."""
    if not database.is_sqlite:
        time.sleep(0.3)
    keys = set()
    while not heard.empty():
        keys.add(heard.get())
    return keys


def test_every_write_to_a_watched_table_is_announced_at_commit(database_url, feeds):
    """ORM flushes (add, change, delete) and DML statements alike; other tables and rolled-back writes not."""
    database = Database(database_url)
    metadata = sa.MetaData()
    watched = sa.Table(
        "watched_rows", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer)
    )
    other = sa.Table("other_rows", metadata, sa.Column("id", sa.Integer, primary_key=True))
    metadata.create_all(database.engine)

    class Row:
        def __init__(self, **values):
            for name, value in values.items():
                setattr(self, name, value)

    registry().map_imperatively(Row, watched)
    feed = ChangeFeed(database, "test_writes")
    announce_writes(database.sessions, feed, frozenset({"watched_rows"}))
    heard = collect(feed, feeds)
    assert feed.listening.wait(5)
    heard_after(heard, database)

    def written(change) -> set:
        with database.session() as session:
            change(session)
            session.commit()
        return heard_after(heard, database)

    assert written(lambda s: s.execute(sa.insert(other).values(id=1))) == set()
    assert written(lambda s: s.execute(sa.insert(watched).values(id=1, x=1))) == {"watched_rows"}
    assert written(lambda s: s.execute(sa.update(watched).values(x=2))) == {"watched_rows"}
    assert written(lambda s: s.add(Row(id=2, x=1))) == {"watched_rows"}
    assert written(lambda s: setattr(s.get(Row, 2), "x", 5)) == {"watched_rows"}
    assert written(lambda s: s.delete(s.get(Row, 2))) == {"watched_rows"}
    assert written(lambda s: s.execute(sa.delete(watched))) == {"watched_rows"}
    with database.session() as session:
        session.execute(sa.insert(watched).values(id=3, x=1))
        session.rollback()
    assert heard_after(heard, database) == set()
    database.dispose()
