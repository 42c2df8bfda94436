"""The public directory's hot path answers exactly what the view answers (status, headers, body), for
plain searches it takes and for everything it leaves to the view, on both databases; the answers it keeps
give way to every write."""

import datetime as dt
import random
import uuid

import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from portal_partners.adapters import orm
from portal_partners.bootstrap import SERVICE
from portal_partners.config import CATEGORIES
from portalkit.testing import CountingApp, deliver, list_shortcut_of, prepared_runtime, start_service, wait_for

WORDS = ("rooster", "agenda", "école", "Klas", "toets", "data", "sync", "ouder")
REQUEST_ID = "hot-path-differential"  # the same in both answers, headers and problem bodies
TAKEN = [
    "",
    "page=2",
    "page_size=5",
    "page=3&page_size=7",
    "page_size=100",
    "page=40&page_size=3",  # past the last page
    "page=60&page_size=20",  # past the search window
    "q=rooster",
    "q=Rooster&page=2&page_size=4",
    "q=%C3%A9cole",
    "q=+",
    "q=nothing-like-it",
    f"category={CATEGORIES[0]}",
    f"category={CATEGORIES[1]}&q=agenda&page=2&page_size=3",
    f"q=klas&category={CATEGORIES[2]}",
    "q=" + "a" * 200,
    "q=%ZZ",  # no escape: read as written, by both
]
DECLINED = [
    "category=unknown",
    "page=0",
    "page=abc",
    "page=01",
    "page_size=101",
    "page=1000001",
    "q=" + "a" * 201,
    "q=a&q=b",
    "q=",
    "unknown=1",
    "lang=en",
    "q=%00",
    "q=%FF",
    "q=\u00e9",
    "page=1;page_size=2",
]


@pytest.fixture
def service(database_url, tokens):
    app, runtime = start_service(SERVICE, database_url, tokens)
    seed(runtime)
    return app


def seed(runtime) -> None:
    """Profiles listed and not (inactive, not public, no approved application), with one to three categories,
    with and without extra information, names with and without accents."""
    rng = random.Random(7)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    profiles, categories, approved = [], [], []
    for n in range(90):
        partner_id = str(uuid.UUID(int=rng.getrandbits(128)))
        name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {n}"
        profiles.append(
            {
                "id": partner_id,
                "name": name,
                "name_key": name.lower(),
                "description": " ".join(rng.choice(WORDS) for _ in range(8)),
                "email": f"info{n}@partner.example",
                "contact_person": "Jan Peeters",
                "address": {"street": "Kerkstraat", "number": "1", "postal_code": "9000", "city": "Gent"},
                "public": n % 11 != 0,
                "website": f"https://partner{n}.example",
                "extra_info": None if n % 3 else f"Open op woensdag {n}",
                "logo": b"\x89PNG\r\n\x1a\n",
                "logo_type": "image/png",
                "active": n % 13 != 0,
                "language": "nl",
                "created_at": now,
                "updated_at": now,
            }
        )
        chosen = rng.sample(CATEGORIES, rng.choice((1, 2, 3)))
        categories += [{"partner_id": partner_id, "category": c, "position": i} for i, c in enumerate(chosen)]
        if n % 7:
            approved.append({"application_id": str(uuid.uuid4()), "partner_id": partner_id})
    with runtime.database.engine.begin() as connection:
        connection.execute(orm.profiles.insert(), profiles)
        connection.execute(orm.profile_categories.insert(), categories)
        connection.execute(orm.approved_applications.insert(), approved)


def answered(client: Client, query: str, headers: dict):
    response = client.get(f"/api/v1/public/partners?{query}", headers={"X-Request-ID": REQUEST_ID, **headers})
    return response.status_code, dict(response.headers), response.get_data()


@pytest.mark.parametrize(
    ("queries", "headers", "view_calls"),
    [
        (TAKEN, {}, 0),
        (DECLINED, {}, 1),
        (TAKEN[:3], {"Cookie": "lang=en"}, 0),
        (TAKEN[:3], {"Authorization": "Bearer x"}, 0),
        (DECLINED[:3], {"Authorization": "Bearer x"}, 1),
    ],
    ids=["taken", "declined", "with-cookie", "with-authorization", "declined-with-authorization"],
)
def test_the_hot_path_answers_as_the_view(service, queries, headers, view_calls):
    headers = dict(headers)
    shortcut = list_shortcut_of(service)
    view = Client(shortcut.wsgi_app)
    shortcut.wsgi_app = counted = CountingApp(shortcut.wsgi_app)
    hot = Client(service.wsgi_app)
    for name, value in [cookie.split("=") for cookie in headers.pop("Cookie", "").split(";") if cookie]:
        view.set_cookie(name, value)  # the test client sends its cookie jar, never a Cookie header of ours
        hot.set_cookie(name, value)
    for query in queries:
        counted.calls = 0
        expected = answered(view, query, headers)
        assert answered(hot, query, headers) == expected, query
        assert counted.calls == view_calls, query


def test_plain_searches_find_what_the_view_finds(service):
    """The taken searches are not all alike: some pages are full, some short, some empty."""
    shortcut = list_shortcut_of(service)
    client = Client(service.wsgi_app)
    lengths = {len(client.get(f"/api/v1/public/partners?{query}").get_json()) for query in TAKEN}
    assert 0 in lengths and 5 in lengths and len(lengths) > 4
    assert shortcut.path == "/api/v1/public/partners"


def listed_ids(app) -> list[str]:
    return [entry["id"] for entry in Client(app.wsgi_app).get("/api/v1/public/partners?page_size=100").get_json()]


def shows_within(app, check) -> bool:
    """Whether the directory ``app`` answers passes ``check`` within a second (polled)."""
    return wait_for(lambda: check(listed_ids(app)), timeout=1.0, interval=0.02)


def test_a_write_shows_in_the_next_answer_of_every_process(database_url, tokens):
    """Each web process keeps the directory's answers. A deactivation in one web process shows in its next
    answer at once and in another process's within a second; so does an archived application's event
    handled by the worker, which has no web app of its own."""
    web, runtime = start_service(SERVICE, database_url, tokens)
    seed(runtime)
    other = start_service(SERVICE, database_url, tokens)[0] if not runtime.database.is_sqlite else web
    worker = prepared_runtime(SERVICE, database_url) if not runtime.database.is_sqlite else runtime
    for app in {web, other}:
        assert app.extensions["portal.runtime"].table_changes.listening.wait(5)
        shown = listed_ids(app)
        assert list_shortcut_of(app).cache.get((("page_size", "100"),)) is not None
    deactivated, archived = shown[0], shown[1]
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    assert (
        web.test_client().post(f"/api/v1/admin/profiles/{deactivated}/deactivate", headers=moderator).status_code == 200
    )
    assert deactivated not in listed_ids(web)
    assert shows_within(other, lambda ids: deactivated not in ids)
    with runtime.database.engine.connect() as connection:
        table = orm.approved_applications
        (application,) = connection.execute(sa.select(table.c.application_id).where(table.c.partner_id == archived))
    deliver(
        worker,
        "apps.application.archived",
        {"application_id": application[0], "partner_id": archived, "archived_by": "m"},
    )
    assert shows_within(web, lambda ids: archived not in ids)
    assert shows_within(other, lambda ids: archived not in ids)
