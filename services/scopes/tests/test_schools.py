"""The schools directory: idempotent CSV import and the moderators' search."""

import pytest

from portal_scopes.bootstrap import SERVICE
from portal_scopes.service_layer.handlers import import_schools
from portalkit.testing import start_service

CSV = "institution_number,name\n012345,Sint-Jozefscollege\n067890,Atheneum Zuid\n"


@pytest.fixture
def service(database_url, tokens):
    return start_service(SERVICE, database_url, tokens)


def moderator(tokens):
    return {"Authorization": f"Bearer {tokens.token('mod', roles=['moderator'])}"}


def test_import_is_idempotent_and_renames(service):
    _, runtime = service
    first = import_schools(runtime.unit_of_work, CSV)
    again = import_schools(runtime.unit_of_work, CSV)
    renamed = import_schools(runtime.unit_of_work, CSV.replace("Atheneum Zuid", "Atheneum Zuid-West"))
    assert (first.added, again.added, again.unchanged) == (2, 0, 2)
    assert (renamed.renamed, renamed.unchanged) == (1, 1)


def test_moderators_search_schools(service, tokens):
    app, runtime = service
    import_schools(runtime.unit_of_work, CSV)
    client = app.test_client()
    everything = client.get("/api/v1/admin/schools", headers=moderator(tokens)).get_json()
    assert [s["name"] for s in everything] == ["Atheneum Zuid", "Sint-Jozefscollege"]
    by_number = client.get("/api/v1/admin/schools?q=0123", headers=moderator(tokens)).get_json()
    assert [s["institution_number"] for s in by_number] == ["012345"]


def test_schools_are_for_moderators_only(service, tokens):
    app, _ = service
    partner = {"Authorization": f"Bearer {tokens.token('p', roles=['partner'])}"}
    assert app.test_client().get("/api/v1/admin/schools", headers=partner).status_code == 403
    assert app.test_client().get("/api/v1/admin/schools").status_code == 401


def test_portalctl_schools_import(database_url, tokens, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from portalkit.cli import main

    start_service(SERVICE, database_url, tokens)
    monkeypatch.setenv("SCOPES_DATABASE_URL", database_url)
    path = tmp_path / "schools.csv"
    path.write_text(CSV)
    assert "2 added" in CliRunner().invoke(main, ["schools", "import", str(path)]).output
    assert "2 unchanged" in CliRunner().invoke(main, ["schools", "import", str(path)]).output
    path.write_text("institution_number,name\nx,y\n")
    failed = CliRunner().invoke(main, ["schools", "import", str(path)])
    assert failed.exit_code != 0 and "line 2" in failed.output
