"""Settings as a web worker of a real service reads them (a migrated database)."""


def test_a_web_worker_keeps_its_settings_but_no_secret_in_the_environment_it_serves_with(tmp_path, monkeypatch):
    """granian copies os.environ into every WSGI environ once the app is loaded: nothing secret may be left."""
    import os

    from portal_partners.bootstrap import SERVICE
    from portalkit.service import installed_services  # noqa: F401 - the entry points are installed
    from portalkit.testing import prepared_runtime
    from portalkit.web import wsgi_app

    url = f"sqlite:///{tmp_path}/partners.db"
    prepared_runtime(SERVICE, url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("INTERNAL_TOKEN", "internal-secret")
    monkeypatch.setenv("SECRET_PEPPER", "pepper")
    monkeypatch.setenv("LOG_FORMAT", "text")
    before = dict(os.environ)
    try:
        app = wsgi_app(SERVICE)
        assert app.extensions["portal.runtime"].settings.internal_token == "internal-secret"
        assert not {"DATABASE_URL", "INTERNAL_TOKEN", "SECRET_PEPPER"} & set(os.environ)
        assert "internal-secret" not in str(dict(os.environ))
    finally:  # the rest of the session keeps its own environment (test servers' URLs)
        os.environ.clear()
        os.environ.update(before)
