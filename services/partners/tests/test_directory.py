"""The public directory lists only active, public partners with an approved application."""

import datetime as dt

import pytest

from portal_partners.bootstrap import SERVICE
from portal_partners.domain.directory import DirectoryEntry
from portalkit.testing import start_service


def entry(partner_id, name, **changes):
    fields = dict(
        partner_id=partner_id,
        name=name,
        description=f"{name} helpt scholen.",
        category="communicatie",
        website=f"https://{partner_id}.example",
        extra_info=None,
        has_logo=True,
        active=True,
        public=True,
        approved_apps=1,
        updated_at=dt.datetime.now(dt.UTC),
    )
    return DirectoryEntry(**{**fields, **changes})


@pytest.fixture
def client(database_url, tokens):
    app, runtime = start_service(SERVICE, database_url, tokens)
    with runtime.unit_of_work() as uow:
        uow.session.add_all(
            [
                entry("p1", "Zeta Berichten"),
                entry("p2", "alfa Boekhouding", category="boekhouding"),
                entry("p3", "Privé BV", public=False),
                entry("p4", "Nog Geen App", approved_apps=0),
                entry("p5", "Gestopt", active=False),
                entry("p6", "Beta Berichten"),
            ]
        )
        uow.commit()
    return app.test_client()


def test_only_listed_partners_in_a_stable_case_insensitive_order(client):
    response = client.get("/api/v1/public/partners")
    assert response.status_code == 200
    assert [p["name"] for p in response.get_json()] == ["alfa Boekhouding", "Beta Berichten", "Zeta Berichten"]


def test_only_public_fields_are_shown(client):
    partner = client.get("/api/v1/public/partners").get_json()[0]
    assert set(partner) == {"id", "name", "description", "category", "website", "extra_info", "logo_url"}


def test_search_filter_and_pages(client):
    assert [p["name"] for p in client.get("/api/v1/public/partners?q=BERICHTEN").get_json()] == [
        "Beta Berichten",
        "Zeta Berichten",
    ]
    assert [p["id"] for p in client.get("/api/v1/public/partners?category=boekhouding").get_json()] == ["p2"]
    page = client.get("/api/v1/public/partners?page=2&page_size=2")
    assert [p["name"] for p in page.get_json()] == ["Zeta Berichten"]
    assert '"total": 3' in page.headers["X-Pagination"]


def test_unknown_category_and_bad_paging_are_field_errors(client):
    problem = client.get("/api/v1/public/partners?category=casino").get_json()
    assert problem["status"] == 422 and problem["errors"][0]["field"] == "category"
    problem = client.get("/api/v1/public/partners?page=0").get_json()
    assert problem["status"] == 422 and problem["errors"][0]["field"] == "page"
