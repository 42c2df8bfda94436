"""On PostgreSQL the moderators' search finds rare text through its trigram indexes, not by reading every
application: checked on the plans of the statements the repository runs, over a table of 50,000."""

import datetime as dt
import random
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal_apps.adapters import orm
from portal_apps.adapters.repositories import ApplicationFilter, Applications
from portalkit.migrations import upgrade

ROWS = 50_000
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


def seeded(database_url: str) -> sa.Engine:
    upgrade(database_url, "portal_apps")
    random.seed(17)
    engine = sa.create_engine(database_url)
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "partner_id": f"partner-{n % 500}",
            "name": f"Roosterplanner {n}",
            "description": " ".join(random.choice(WORDS) for _ in range(20)),
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
        names = [{"partner_id": f"partner-{n}", "name": f"Partner {n}"} for n in range(500)]
        connection.execute(orm.partner_names.insert(), names)
        connection.execute(sa.text("ANALYZE"))
    return engine


def plans_of(engine: sa.Engine, search) -> tuple[list[str], object]:
    """The plans of every statement ``search(session)`` runs, and its answer."""
    statements = []

    def capture(_connection, _cursor, statement, parameters, _context, _many):
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


def test_rare_text_is_found_through_the_trigram_indexes(postgres_databases):
    engine = seeded(postgres_databases.create("search_plans"))
    plans, (found, total) = plans_of(
        engine, lambda session: Applications(session).search(ApplicationFilter(text="zwemles"), 0, 20)
    )
    engine.dispose()
    assert [application.name for application in found] == ["Zeldzame Kalender"] and total == 1
    assert "ix_applications_description_trgm" in plans[0]
    assert all("Seq Scan on applications" not in plan for plan in plans), plans
