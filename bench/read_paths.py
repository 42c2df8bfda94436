"""Read paths at scale: the public partner directory and the moderators' application search, through
nginx on the local stack, with 20,000 partner profiles and 100,000 applications in PostgreSQL.

Seeds the two databases straight through the services' tables (a realistic spread of names, categories,
statuses and APIs), then drives ``wrk`` at 16 keep-alive connections per scenario (200 different searches
of the scenario's kind, in turn) in ``BENCH_ROUNDS`` (3) rounds, and prints p50/p99 per run and their
medians and ranges. It does so twice, on a stack of its own each time: with the answers the web
processes keep (``portalkit.hot_paths.AnswerCache``), and with none kept, every request read from
PostgreSQL. Last, the query plans of the statements behind one request of each scenario (``EXPLAIN
ANALYZE``), so an index or pagination change can be judged on its plan as well as its figure.

Run: ``make bench-read`` (needs nginx, wrk, PostgreSQL and RabbitMQ on this machine).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import uuid
from collections.abc import Callable

import sqlalchemy as sa
from benchstack import Signer, load, local_stack, machine, require, spread, wrk
from sqlalchemy.orm import Session

from portal_apps.adapters.repositories import SEARCH_WINDOW, ApplicationFilter, Applications
from portal_apps.config import DATA_APIS as APIS
from portal_gateway.stack import Stack
from portal_partners.adapters.repositories import Profiles
from portal_partners.config import CATEGORIES
from portalkit.service import installed_services

PROFILES = int(os.environ.get("BENCH_PROFILES", 20_000))
APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", 100_000))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 16))
DURATION = os.environ.get("BENCH_DURATION", "10s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
WORDS = (
    "agenda",
    "rooster",
    "school",
    "leerling",
    "klas",
    "les",
    "toets",
    "punten",
    "rapport",
    "ouder",
    "contact",
    "bericht",
    "planning",
    "examen",
    "cursus",
    "digitaal",
    "platform",
    "cloud",
    "data",
    "sync",
    "portaal",
    "kalender",
    "taak",
    "opdracht",
    "evaluatie",
    "administratie",
    "boekhouding",
    "factuur",
    "betaling",
    "inschrijving",
    "aanwezigheid",
    "maaltijd",
    "bus",
    "sport",
)
STATUSES = ("approved",) * 5 + ("new",) * 2 + ("rejected",) * 2 + ("archived",)
LUA = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Authorization"] = "%s"})
end
"""


def phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def seed(database_url: Callable[[str], str], rng: random.Random) -> None:
    """Profiles and applications, written into each service's database (``database_url(service)``)."""
    now = dt.datetime.now(dt.UTC)
    partners = installed_services()["partners"].metadata.tables
    apps = installed_services()["apps"].metadata.tables
    profile_rows, category_rows, approved_rows, name_rows, application_rows = [], [], [], [], []
    for n in range(PROFILES):
        partner_id = str(uuid.UUID(int=rng.getrandbits(128)))
        name = f"{phrase(rng, 2).title()} {n}"
        profile_rows.append(
            {
                "id": partner_id,
                "name": name,
                "name_key": name.lower(),
                "description": phrase(rng, 25),
                "email": f"info{n}@partner.example",
                "contact_person": "Jan Peeters",
                "address": {"street": "Kerkstraat", "number": "1", "postal_code": "9000", "city": "Gent"},
                "public": rng.random() < 0.8,
                "website": f"https://partner{n}.example",
                "logo": b"\x89PNG\r\n\x1a\n",
                "logo_type": "image/png",
                "active": rng.random() < 0.95,
                "language": "nl",
                "created_at": now,
                "updated_at": now,
            }
        )
        chosen = rng.sample(CATEGORIES, rng.choice((1, 1, 2, 3)))
        category_rows += [{"partner_id": partner_id, "category": c, "position": i} for i, c in enumerate(chosen)]
        name_rows.append({"partner_id": partner_id, "name": name})
    for n in range(APPLICATIONS):
        partner = rng.choice(profile_rows)
        status = rng.choice(STATUSES)
        application_id = str(uuid.UUID(int=rng.getrandbits(128)))
        application_rows.append(
            {
                "id": application_id,
                "partner_id": partner["id"],
                "name": f"{phrase(rng, 2).title()} App {n}",
                "description": phrase(rng, 20),
                "technical_contact": "Jan Peeters",
                "contact_email": f"dev{n}@partner.example",
                "apis": sorted(rng.sample(APIS, rng.randint(1, 3))),
                "status": status,
                "client_id": uuid.UUID(int=rng.getrandbits(128)).hex if status == "approved" else None,
                "created_at": now - dt.timedelta(minutes=n),
                "updated_at": now,
            }
        )
        if status == "approved":
            approved_rows.append({"application_id": application_id, "partner_id": partner["id"]})
    for service, inserts in (
        (
            "partners",
            [
                (partners["profiles"], profile_rows),
                (partners["profile_categories"], category_rows),
                (partners["approved_applications"], approved_rows),
            ],
        ),
        ("apps", [(apps["partner_names"], name_rows), (apps["applications"], application_rows)]),
    ):
        engine = sa.create_engine(database_url(service))
        with engine.begin() as connection:
            for table, rows in inserts:
                for start in range(0, len(rows), 5000):
                    connection.execute(table.insert(), rows[start : start + 5000])
            connection.execute(sa.text("ANALYZE"))
        engine.dispose()


def scenarios(rng: random.Random) -> dict[str, list[str]]:
    """Per scenario, 200 different requests of its kind; deep pages are the last ones a search reaches."""
    deep = lambda: rng.randint(SEARCH_WINDOW // 40, SEARCH_WINDOW // 20)  # noqa: E731 - pages of 20
    directory, admin = "/api/v1/public/partners", "/api/v1/admin/applications"
    pick = lambda: rng.choice(WORDS)  # noqa: E731
    return {
        "directory: first page": [f"{directory}?page_size=20" for _ in range(200)],
        "directory: search": [f"{directory}?q={pick()}&page_size=20" for _ in range(200)],
        "directory: category": [f"{directory}?category={rng.choice(CATEGORIES)}&page_size=20" for _ in range(200)],
        "directory: deep page": [f"{directory}?page={deep()}&page_size=20" for _ in range(200)],
        "moderator: text": [f"{admin}?q={pick()} {pick()}&page_size=20" for _ in range(200)],
        "moderator: status + API": [
            f"{admin}?status={rng.choice(STATUSES)}&api={rng.choice(APIS)}&page_size=20" for _ in range(200)
        ],
        "moderator: partner name": [f"{admin}?q={pick().title()} {pick().title()}&page_size=20" for _ in range(200)],
        "moderator: deep page": [f"{admin}?page={deep()}&page_size=20" for _ in range(200)],
    }


def explain(database_url: str, run) -> list[str]:
    """The plans of the statements ``run(session)`` executes, as the service's repositories write them."""
    engine = sa.create_engine(database_url)
    captured = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def capture(_connection, _cursor, statement, parameters, _context, _many):
        captured.append((statement, parameters))

    with Session(engine) as session:
        run(session)
    sa.event.remove(engine, "before_cursor_execute", capture)
    lines = []
    with engine.connect() as connection:
        for statement, parameters in captured:
            if statement.startswith("EXPLAIN"):  # the repository looking at an estimate instead of counting
                lines.extend(["", "(total from the planner's estimate, not counted)"])
                continue
            plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, COSTS OFF) {statement}", parameters).scalars()
            lines.extend(["", *plan])
    engine.dispose()
    return lines


def plans(stack: Stack) -> dict[str, list[str]]:
    partners, apps = stack.database_url("partners"), stack.database_url("apps")
    return {
        "directory: search 'rooster', page 1": explain(partners, lambda s: Profiles(s).listed("rooster", None, 0, 20)),
        "directory: the last page a search reaches": explain(
            partners, lambda s: Profiles(s).listed(None, None, SEARCH_WINDOW - 20, 20)
        ),
        "moderator: 'agenda' (names, descriptions, partner names)": explain(
            apps, lambda s: Applications(s).search(ApplicationFilter(text="agenda"), 0, 20)
        ),
        "moderator: 'agenda rooster', a two-word phrase": explain(
            apps, lambda s: Applications(s).search(ApplicationFilter(text="agenda rooster"), 0, 20)
        ),
        "moderator: approved with leerlingen, the last page a search reaches": explain(
            apps,
            lambda s: Applications(s).search(
                ApplicationFilter(status="approved", api="leerlingen"), SEARCH_WINDOW - 20, 20
            ),
        ),
    }


def measure(stack: Stack, requests: dict[str, list[str]], authorization: str) -> dict[str, list[dict]]:
    """``ROUNDS`` rounds of every scenario through nginx, each run printed; the runs per scenario."""
    print(f"{'round':6} {'scenario':28} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>8}")
    results = {name: [] for name in requests}
    for round_number in range(1, ROUNDS + 1):
        for name, paths in requests.items():
            script = stack.run_dir / "paths.lua"
            script.write_text(LUA % (", ".join(json.dumps(p.replace(" ", "%20")) for p in paths), authorization))
            result = wrk(f"{stack.url}/", script, connections=CONNECTIONS, duration=DURATION)
            results[name].append(result)
            print(
                f"{round_number:<6} {name:28} {result['rps']:7.0f} {result['p50']:7.2f} {result['p99']:7.2f} "
                f"{result['errors']:8d}",
                flush=True,
            )
    print(f"\nmedian (range) of {ROUNDS} rounds; load average at the end {load()}")
    print(f"{'scenario':28} {'req/s':>16} {'p50 ms':>18} {'p99 ms':>18}")
    for name, runs in results.items():
        rps, p50, p99 = ([run[key] for run in runs] for key in ("rps", "p50", "p99"))
        print(f"{name:28} {spread(rps, 0):>16} {spread(p50):>18} {spread(p99):>18}")
    return results


CONFIGURATIONS = {
    "answers kept per web process (ANSWER_CACHE_MB=16, the default)": {},
    "every answer read from PostgreSQL (ANSWER_CACHE_MB=0)": {"ANSWER_CACHE_MB": "0"},
}


def main() -> None:
    require("wrk", "nginx")
    print(f"machine: {machine()}")
    print(f"{PROFILES:,} profiles, {APPLICATIONS:,} applications; wrk -t2 -c{CONNECTIONS} -d{DURATION}, via nginx")
    for label, environment in CONFIGURATIONS.items():
        rng = random.Random(20261125)
        with local_stack("benchread", extra_env=environment) as stack:
            seed(stack.database_url, rng)
            moderator = Signer(stack).headers("bench-moderator", ["moderator"])["Authorization"]
            print(f"\n=== {label}")
            measure(stack, scenarios(rng), moderator)
            if not environment:
                continue  # the plans once, on the stack where every request reaches PostgreSQL
            for name, plan in plans(stack).items():
                print(f"\n== plan: {name}", *plan, sep="\n    ")


if __name__ == "__main__":
    main()
