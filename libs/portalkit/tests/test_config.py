import pytest

from portalkit.config import ConfigError, Settings


def test_service_prefix_wins_over_plain_name_and_default():
    environ = {"IDENTITY_LOG_LEVEL": "DEBUG", "LOG_LEVEL": "WARNING", "RELAY_BATCH_SIZE": "7"}
    settings = Settings.from_env("identity", environ)
    assert settings.log_level == "DEBUG"
    assert settings.relay_batch_size == 7
    assert Settings.from_env("apps", environ).log_level == "WARNING"


def test_defaults_give_the_embedded_mode(tmp_path):
    settings = Settings.from_env("apps", {"DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'apps.db'}"
    assert settings.broker_url.startswith("memory:")
    assert settings.jwks_url == "http://127.0.0.1:8080/.well-known/jwks.json"
    assert settings.token_issuer == "http://127.0.0.1:8080"


def test_derived_urls_follow_the_public_url():
    settings = Settings.from_env("apps", {"PUBLIC_URL": "https://portal.example/"})
    assert settings.jwks_url == "https://portal.example/.well-known/jwks.json"
    assert settings.token_issuer == "https://portal.example"


@pytest.mark.parametrize(
    ("name", "value"), [("VALIDATE_EVENTS", "maybe"), ("RELAY_BATCH_SIZE", "ten"), ("RELAY_POLL_SECONDS", "x")]
)
def test_unusable_values_name_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env("apps", {name: value})


def test_booleans_and_overrides():
    settings = Settings.from_env("apps", {"VALIDATE_EVENTS": "off"}, log_format="text")
    assert settings.validate_events is False
    assert settings.log_format == "text"


def test_scrubbing_leaves_no_setting_and_no_secret_in_the_environment():
    from portalkit.config import scrub_environment

    environ = {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "INTERNAL_TOKEN": "t0ken",
        "IDENTITY_SECRET_PEPPER": "pepper",
        "DATABASE_URL": "postgresql+psycopg://portal:pw@db/portal",
        "NOTIFIER_SMTP_PASSWORD": "smtp-pw",
        "KEY_ENCRYPTION_KEY": "kek",
        "LOG_LEVEL": "INFO",
        "SOME_TOOL_URL": "https://user:pw@example.org/x",
    }
    removed = scrub_environment(Settings, environ)
    assert environ == {"PATH": "/usr/bin", "HOME": "/root", "LANG": "C.UTF-8"}
    assert "INTERNAL_TOKEN" in removed and "DATABASE_URL" in removed


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
