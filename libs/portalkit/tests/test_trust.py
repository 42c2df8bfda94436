"""The rules by which every service refuses what was taken away (portalkit.trust)."""

import datetime as dt
import threading
import time

import pytest

from portalkit.changes import ChangeFeed
from portalkit.db import Database, new_metadata
from portalkit.testing import wait_for
from portalkit.trust import (
    Revocation,
    RevocationCache,
    RevocationKind,
    Trust,
    define_trust_tables,
    refuses,
    revocation_keys,
)

T = dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)


def test_a_token_is_looked_up_by_its_jti_its_session_and_its_subject():
    assert revocation_keys({"sub": "a", "jti": "j", "sid": "s"}) == ["subject:a", "token:j", "session:s"]
    assert revocation_keys({"sub": "client-1", "jti": "j"}) == ["subject:client-1", "token:j"]


def test_a_token_or_session_revocation_covers_tokens_of_any_age():
    claims = {"iat": int(T.timestamp()) + 3600}
    assert refuses(claims, {"token:j": T}) and refuses(claims, {"session:s": T})
    assert not refuses(claims, {})


def test_a_subject_revocation_covers_the_tokens_issued_up_to_its_second():
    found = {"subject:a": T + dt.timedelta(milliseconds=400)}
    assert refuses({"iat": int(T.timestamp()) - 10}, found)
    assert refuses({"iat": int(T.timestamp())}, found)  # the same second: issued before or after, unknown
    assert not refuses({"iat": int(T.timestamp()) + 1}, found)


@pytest.fixture
def trust(tmp_path):
    metadata = new_metadata()
    define_trust_tables(metadata)
    database = Database(f"sqlite:///{tmp_path / 'trust.db'}")
    metadata.create_all(database.engine)
    yield Trust(database, metadata, ChangeFeed(database, "revocations_test"))
    database.dispose()


def record(trust, method, *args):
    with trust.database.session() as session:
        getattr(trust, method)(session, *args)
        session.commit()


def test_a_late_linked_event_cannot_undo_a_newer_unlink(trust):
    record(trust, "record_membership", "a", None, T)
    record(trust, "record_membership", "a", "p1", T - dt.timedelta(seconds=1))
    assert trust.membership("a") is None
    record(trust, "record_membership", "a", "p2", T + dt.timedelta(seconds=1))
    assert trust.membership("a") == ("p2", True)


def test_a_deactivated_profile_is_known_as_such_until_a_newer_reactivation(trust):
    record(trust, "record_membership", "a", "p1", T)
    assert trust.partner_active("p1")  # nothing heard: active, as every new profile is
    record(trust, "record_partner_state", "p1", False, T)
    assert trust.membership("a") == ("p1", False) and not trust.partner_active("p1")
    record(trust, "record_partner_state", "p1", True, T - dt.timedelta(seconds=1))  # late, older
    assert not trust.partner_active("p1")
    record(trust, "record_partner_state", "p1", True, T + dt.timedelta(seconds=1))
    assert trust.membership("a") == ("p1", True)


def test_revocations_are_kept_until_no_token_they_cover_is_valid(trust):
    record(trust, "record_revocation", Revocation(RevocationKind.TOKEN, "old", T, T + dt.timedelta(seconds=1)))
    record(trust, "record_revocation", Revocation(RevocationKind.SESSION, "s", T, LATER))
    assert trust.revoked({"sub": "a", "jti": "j", "sid": "s", "iat": 0})
    assert not trust.revoked({"sub": "a", "jti": "old", "iat": 0})  # expired: gone at the next write
    with trust.database.session() as session:
        keys = session.execute(trust.revocations.select()).all()
    assert [row.key for row in keys] == ["session:s"]


def test_the_same_revocation_twice_keeps_the_later_moment(trust):
    record(trust, "record_revocation", Revocation(RevocationKind.SUBJECT, "a", T, LATER))
    record(trust, "record_revocation", Revocation(RevocationKind.SUBJECT, "a", T + dt.timedelta(hours=1), LATER))
    assert trust.revoked({"sub": "a", "iat": int(T.timestamp()) + 60})


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_writers_of_one_revocation_all_succeed_and_the_latest_moment_stays(database_url):
    metadata = new_metadata()
    define_trust_tables(metadata)
    database = Database(database_url)
    metadata.create_all(database.engine)
    trust = Trust(database, metadata, ChangeFeed(database, "revocations_test"))
    start, failures = threading.Barrier(4), []

    def revoke(offset: int) -> None:
        with database.session() as session:
            start.wait()
            try:
                trust.record_revocation(
                    session, Revocation(RevocationKind.SUBJECT, "a", T + dt.timedelta(seconds=offset), LATER)
                )
                time.sleep(0.1)  # hold the row while the others arrive
                session.commit()
            except Exception as error:  # noqa: BLE001 - collected for the assertion
                failures.append(error)

    threads = [threading.Thread(target=revoke, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert trust.revoked({"sub": "a", "iat": int(T.timestamp()) + 3})
    assert not trust.revoked({"sub": "a", "iat": int(T.timestamp()) + 4})
    database.dispose()


def test_a_process_that_does_not_listen_reads_the_revocations_on_every_check(trust):
    """A worker or a command never hears the change feed, so it keeps nothing it could miss a change of."""
    claims = {"sub": "a", "jti": "j", "iat": int(T.timestamp())}
    assert trust.changes.listening.is_set()  # the embedded mode's feed always "listens"; nothing subscribed
    assert not trust.revoked(claims)
    with trust.database.engine.begin() as connection:  # written behind the feed's back
        connection.execute(trust.revocations.insert().values(key="token:j", revoked_at=T, expires_at=LATER))
    assert trust.revoked(claims)


def test_a_revocation_recorded_anywhere_in_the_service_is_refused_in_a_listening_process(database_url):
    """The web process keeps what it looked up; the worker (another process on PostgreSQL; the same one in
    the embedded mode) records the revocation from the event; the web process refuses the token within a
    second."""
    metadata = new_metadata()
    define_trust_tables(metadata)
    web_database = Database(database_url)
    worker_database = web_database if web_database.is_sqlite else Database(database_url)
    metadata.create_all(web_database.engine)
    web = Trust(web_database, metadata, ChangeFeed(web_database, "revocations_test"))
    worker = (
        web
        if web_database.is_sqlite
        else Trust(worker_database, metadata, ChangeFeed(worker_database, "revocations_test"))
    )
    web.listen()
    assert web.changes.listening.wait(5)
    claims = {"sub": "a", "jti": "j", "iat": int(T.timestamp())}
    assert not web.revoked(claims) and not web.revoked(claims)
    record(worker, "record_revocation", Revocation(RevocationKind.TOKEN, "j", T, LATER))
    wait_for(lambda: web.revoked(claims), timeout=1.0, interval=0.02)  # within a second
    web.changes.close()
    for database in {web_database, worker_database}:
        database.dispose()


def counting(found: dict, on_load=lambda: None):
    loads = []

    def load(keys):
        loads.append(list(keys))
        on_load()
        return {key: found[key] for key in keys if key in found}

    return loads, load


CLAIMS = {"sub": "c", "jti": "j1", "iat": 100}


def test_revocations_are_read_once_until_one_is_announced():
    found = {}
    loads, load = counting(found)
    cache = RevocationCache(load, listening=lambda: True)
    assert not cache.covers(CLAIMS) and not cache.covers(CLAIMS)
    assert len(loads) == 1
    found["token:j1"] = T
    cache.invalidate("token:j1")
    assert cache.covers(CLAIMS)
    assert loads[-1] == ["token:j1"]


def test_a_lookup_overlapping_a_revocation_is_not_kept():
    cache = None
    loads, load = counting({}, lambda: len(loads) == 1 and cache.invalidate("token:j1"))
    cache = RevocationCache(load, listening=lambda: True)
    cache.covers(CLAIMS)
    cache.covers(CLAIMS)
    cache.covers(CLAIMS)
    assert len(loads) == 2


def test_nothing_comes_from_the_cache_while_revocations_are_not_heard():
    loads, load = counting({})
    cache = RevocationCache(load, listening=lambda: False)
    cache.covers(CLAIMS)
    cache.covers(CLAIMS)
    assert len(loads) == 2
