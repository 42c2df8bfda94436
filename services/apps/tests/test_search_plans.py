"""On PostgreSQL the moderators' search finds rare text through its trigram indexes, not by reading every
application, and does not count what its window cannot show: checked on the plans of the statements the
repository runs, over a table of 50,000."""

import datetime as dt
import random
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal_apps.adapters import orm
from portal_apps.adapters.repositories import SEARCH_WINDOW, ApplicationFilter, Applications
from portalkit.migrations import upgrade

ROWS = 50_000
PARTNERS = 10_000
WORDS = [
    "agenda",
    "rooster",
    "school",
    "leerling",
    "klas",
    "toets",
    "punten",
    "rapport",
    "ouder",
    "bericht",
    "examen",
    "cursus",
    "platform",
    "data",
]


@pytest.fixture(scope="module")
def engine(postgres_databases):
    database_url = postgres_databases.create("search_plans")
    upgrade(database_url, "portal_apps")
    rng = random.Random(17)
    engine = sa.create_engine(database_url)
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "partner_id": f"partner-{n % PARTNERS}",
            "name": f"Roosterplanner {n}",
            "description": " ".join(rng.choice(WORDS) for _ in range(20)),
            "technical_contact": "Jan Peeters",
            "contact_email": "dev@example.org",
            "apis": ["leerlingen"],
            "status": "new",
            "created_at": now - dt.timedelta(seconds=n),
            "updated_at": now,
        }
        for n in range(ROWS)
    ]
    rows[ROWS // 2] |= {"name": "Zeldzame Kalender", "description": "Een kalender voor zwemlessen."}
    with engine.begin() as connection:
        connection.execute(orm.applications.insert(), rows)
        names = [{"partner_id": f"partner-{n}", "name": f"Partner {n}"} for n in range(PARTNERS)]
        connection.execute(orm.partner_names.insert(), names)
        connection.execute(sa.text("ANALYZE"))
    yield engine
    engine.dispose()


def plans_of(engine: sa.Engine, search) -> tuple[list[str], object]:
    """The plans of the statements ``search(session)`` runs, and its answer."""
    statements = []

    def capture(_connection, _cursor, statement, parameters, _context, _many):
        if not statement.startswith("EXPLAIN"):  # the repository's own look at an estimate
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    with Session(engine) as session:
        answer = search(session)
    sa.event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as connection:
        plans = [
            "\n".join(connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars())
            for statement, parameters in statements
        ]
    return plans, answer


def test_rare_text_is_found_through_the_trigram_indexes(engine):
    plans, (found, total) = plans_of(
        engine, lambda session: Applications(session).search(ApplicationFilter(text="zwemles"), 0, 20)
    )
    assert [application.name for application in found] == ["Zeldzame Kalender"] and total == 1
    assert "ix_applications_description_trgm" in plans[0]
    assert all("Seq Scan on applications" not in plan for plan in plans), plans


def test_a_search_with_more_than_its_window_is_not_counted(engine):
    plans, (found, total) = plans_of(
        engine, lambda session: Applications(session).search(ApplicationFilter(text="rooster"), 0, 20)
    )
    assert len(found) == 20 and total == SEARCH_WINDOW
    assert not any("Aggregate" in plan for plan in plans), plans


def test_searches_of_one_shape_are_each_estimated_with_their_own_text(engine):
    """The estimate's SQL is kept per shape of search; each search still brings its own values."""
    with Session(engine) as session:
        applications = Applications(session)
        common = applications.search(ApplicationFilter(text="rooster"), SEARCH_WINDOW, 20)
        rare = applications.search(ApplicationFilter(text="zwemles"), SEARCH_WINDOW, 20)
        again = applications.search(ApplicationFilter(text="rooster"), SEARCH_WINDOW, 20)
    assert (common, rare, again) == (([], SEARCH_WINDOW), ([], 1), ([], SEARCH_WINDOW))
