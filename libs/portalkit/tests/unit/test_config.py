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
