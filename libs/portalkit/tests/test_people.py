"""Who an account id is, as a service keeps it (portalkit.people)."""

import datetime as dt

import pytest

from portalkit.db import Database, new_metadata
from portalkit.people import People, define_people_table

T = dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(tmp_path):
    metadata = new_metadata()
    kept = People(define_people_table(metadata))
    database = Database(f"sqlite:///{tmp_path / 'people.db'}")
    metadata.create_all(database.engine)
    yield kept, database
    database.dispose()


def record(people, *args):
    kept, database = people
    with database.session() as session:
        kept.record(session, *args)
        session.commit()


def emails(people, ids):
    kept, database = people
    with database.session() as session:
        return kept.emails(session, ids)


def test_only_a_newer_fact_replaces_the_address_kept(people):
    record(people, "a", "an@agenda.example", T)
    record(people, "a", "oud@agenda.example", T - dt.timedelta(seconds=1))  # a late event
    assert emails(people, ["a"]) == {"a": "an@agenda.example"}
    record(people, "a", "nieuw@agenda.example", T + dt.timedelta(seconds=1))
    assert emails(people, ["a", "b", None, "system"]) == {"a": "nieuw@agenda.example"}
    assert emails(people, []) == {}
