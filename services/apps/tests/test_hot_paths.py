"""The moderators' search hot path answers exactly what the view answers (status, headers, body), for
plain searches it takes and for everything it leaves to the view (bad input, no, bad, revoked or
another role's token), on both databases; the answers it keeps give way to every write."""

import datetime as dt
import random
import uuid

import pytest
from joserfc import jwt
from werkzeug.test import Client

from portal_apps.adapters import orm
from portal_apps.bootstrap import SERVICE
from portal_apps.config import DATA_APIS
from portalkit.testing import CountingApp, deliver, list_shortcut_of, prepared_runtime, start_service, wait_for

WORDS = ("rooster", "agenda", "école", "Klas", "toets", "data", "sync", "ouder")
REQUEST_ID = "hot-path-differential"  # the same in both answers, headers and problem bodies
PATH = "/api/v1/admin/applications"
TAKEN = [
    "",
    "page=2",
    "page_size=5",
    "page=3&page_size=7",
    "page_size=100",
    "page=70&page_size=3",  # past the last page
    "page=60&page_size=20",  # past the search window
    "q=rooster",
    "q=agenda+toets",
    "q=Partner+Klas",
    "q=%C3%A9cole&page=2&page_size=4",
    "q=nothing-like-it",
    "status=new",
    "status=approved&api=leerlingen",
    f"api={DATA_APIS[1]}&oldest_first=true&page_size=6",
    "oldest_first=false&status=rejected",
    "q=sync&status=new&oldest_first=true",
    "partner_id=partner-3",
    "partner_id=partner-3&q=data",
    "q=" + "a" * 200,
]
DECLINED = [
    "status=unknown",
    "page=0",
    "page=abc",
    "page_size=101",
    "page=1000001",
    "oldest_first=1",
    "oldest_first=maybe",
    "created_from=2026-11-01T00:00:00Z",
    "created_to=2026-13-01",
    "q=" + "a" * 201,
    "q=a&q=b",
    "q=",
    "unknown=1",
    "q=%00",
    "q=%FF",
]


@pytest.fixture
def service(database_url, tokens):
    app, runtime = start_service(SERVICE, database_url, tokens)
    seed(runtime)
    return app, runtime


def seed(runtime) -> None:
    """Applications of every status, some with a pending change, some of a partner without a known name."""
    rng = random.Random(11)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    applications, changes = [], []
    for n in range(120):
        status = ("new", "approved", "rejected", "archived")[n % 4]
        application_id = str(uuid.UUID(int=rng.getrandbits(128)))
        applications.append(
            {
                "id": application_id,
                "partner_id": f"partner-{n % 9}",
                "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {n}",
                "description": " ".join(rng.choice(WORDS) for _ in range(8)),
                "technical_contact": "Jan Peeters",
                "contact_email": f"dev{n}@partner.example",
                "apis": sorted(rng.sample(DATA_APIS, rng.randint(1, 3))),
                "status": status,
                "client_id": f"client-{n}" if status == "approved" else None,
                "created_at": now - dt.timedelta(minutes=n % 50, microseconds=n),
                "updated_at": now,
            }
        )
        if status == "approved" and n % 3 == 0:
            changes.append(
                {
                    "application_id": application_id,
                    "id": str(uuid.uuid4()),
                    "name": None if n % 2 else f"Nieuwe naam {n}",
                    "apis_added": [DATA_APIS[-1]],
                    "requested_by": "user-a",
                    "requested_at": now,
                }
            )
    names = [{"partner_id": f"partner-{n}", "name": f"Partner {rng.choice(WORDS)} {n}"} for n in range(8)]
    with runtime.database.engine.begin() as connection:
        connection.execute(orm.applications.insert(), applications)
        connection.execute(orm.pending_changes.insert(), changes)
        connection.execute(orm.partner_names.insert(), names)


def compare(app, queries: list[str], headers: dict, view_calls: int) -> list:
    """Each query through the hot path and through the view alone: the same answer, and the view called
    ``view_calls`` times for it. The answers' bodies."""
    shortcut = list_shortcut_of(app)
    view = Client(shortcut.wsgi_app)
    shortcut.wsgi_app = counted = CountingApp(shortcut.wsgi_app)
    hot = Client(app.wsgi_app)
    bodies = []
    for query in queries:
        counted.calls = 0
        answers = [
            client.get(f"{PATH}?{query}", headers={"X-Request-ID": REQUEST_ID, **headers}) for client in (view, hot)
        ]
        expected, got = ((a.status_code, dict(a.headers), a.get_data()) for a in answers)
        assert got == expected, query
        assert counted.calls == view_calls, query
        bodies.append(answers[1].get_json())
    shortcut.wsgi_app = counted.wsgi_app
    return bodies


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_moderators_plain_searches_are_answered_as_the_view_answers_them(service, tokens):
    app, _ = service
    bodies = compare(app, TAKEN, bearer(tokens.token("mod-1", roles=["moderator"])), view_calls=0)
    lengths = {len(body) for body in bodies}
    assert 0 in lengths and 5 in lengths and len(lengths) > 4  # full, short and empty pages
    listed = [item for body in bodies for item in body]
    assert any(item["pending_change"] for item in listed) and any(item["partner_name"] is None for item in listed)


def test_what_the_hot_path_declines_the_view_answers(service, tokens):
    app, _ = service
    compare(app, DECLINED, bearer(tokens.token("mod-1", roles=["moderator"])), view_calls=1)


@pytest.mark.parametrize(
    "authorization",
    ["none", "garbage", "basic", "partner", "expired", "other-issuer"],
)
def test_a_caller_without_a_moderators_valid_token_gets_the_views_refusal(service, tokens, authorization):
    app, _ = service
    headers = {
        "none": {},
        "garbage": bearer("not.a.token"),
        "basic": {"Authorization": "Basic bW9kOnNlY3JldA=="},
        "partner": bearer(tokens.token("user-a", roles=["partner"], partner_id="partner-1")),
        "expired": bearer(tokens.token("mod-1", roles=["moderator"], lifetime=-3600)),
        "other-issuer": bearer(tokens.token("mod-1", roles=["moderator"], iss="https://elsewhere.test")),
    }[authorization]
    [problem] = compare(app, ["q=agenda"], headers, view_calls=1)
    assert problem["status"] in (401, 403)


def test_a_revoked_moderators_token_is_refused_by_the_view(service, tokens):
    app, runtime = service
    token = tokens.token("mod-1", roles=["moderator"])
    compare(app, ["status=new"], bearer(token), view_calls=0)
    deliver(
        runtime,
        "identity.access.revoked",
        {
            "kind": "token",
            "id": jwt.decode(token, tokens.key_set).claims["jti"],
            "revoked_at": "2026-11-25T10:00:00+00:00",
            "expires_at": "2099-01-01T00:00:00+00:00",
            "reason": "signed_out",
        },
    )
    [problem] = compare(app, ["status=new"], bearer(token), view_calls=1)
    assert problem["status"] == 401


def test_a_write_shows_in_the_next_search_of_every_process(database_url, tokens):
    """Each web process keeps the moderators' answers. A rejection in one process shows in its next answer
    at once and in another's within a second; so does a partner's new name, kept by the worker."""
    web, runtime = start_service(SERVICE, database_url, tokens)
    seed(runtime)
    other = start_service(SERVICE, database_url, tokens)[0] if not runtime.database.is_sqlite else web
    worker = prepared_runtime(SERVICE, database_url) if not runtime.database.is_sqlite else runtime
    moderator = bearer(tokens.token("mod-1", roles=["moderator"]))

    def found(app, query: str) -> list[dict]:
        return Client(app.wsgi_app).get(f"{PATH}?{query}&page_size=100", headers=moderator).get_json()

    def shows_within(app, query: str, check) -> bool:
        return wait_for(lambda: check(found(app, query)), timeout=1.0, interval=0.02)

    for app in {web, other}:
        assert app.extensions["portal.runtime"].table_changes.listening.wait(5)
        waiting = found(app, "status=new")
        renamed = found(app, "partner_id=partner-3")
        assert list_shortcut_of(app).cache.get((("page_size", "100"), ("status", "new"))) is not None
    rejected = waiting[0]["id"]
    answer = web.test_client().post(f"{PATH}/{rejected}/reject", json={"reason": "Onvolledig"}, headers=moderator)
    assert answer.status_code == 200
    assert rejected not in [entry["id"] for entry in found(web, "status=new")]
    assert shows_within(other, "status=new", lambda entries: rejected not in [entry["id"] for entry in entries])
    for app in {web, other}:
        assert found(app, "partner_id=partner-3") == renamed  # kept again after the rejection dropped it
    renaming = {"partner_id": "partner-3", "name": "Nieuwe Naam BV", "email": "info@nieuw.example"}
    deliver(worker, "partners.profile.changed", {**renaming, "changed_fields": ["name"], "changed_by": "user-a"})
    for app in {web, other}:
        assert renamed and shows_within(
            app, "partner_id=partner-3", lambda entries: {e["partner_name"] for e in entries} == {"Nieuwe Naam BV"}
        )
