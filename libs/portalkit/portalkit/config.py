"""Settings from environment variables only (12-factor).

Every setting ``X`` of service ``S`` is read from ``S_X`` first, then ``X``, then the default. The
prefixed form lets the embedded mode run five services in one process with five databases; the plain
form is what a container or a web process of one service gets.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path

EMBEDDED_PORT = 8080
# The data APIs whose scopes schools grant: identity lists them in its discovery document, apps lets a partner
# choose them. One list, so the two cannot disagree.
DATA_APIS = ("leerlingen", "personeel", "internen", "voorinschrijvingen", "rekeningen")


class ConfigError(ValueError):
    """A setting has a value that cannot be used."""


def _coerce(raw: str, kind: typing.Any, name: str):
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    if kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if typing.get_origin(kind) is tuple:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


def _plain_type(annotation: typing.Any) -> typing.Any:
    """``str | None`` -> ``str``; other annotations unchanged."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    return annotation


def _find_data_dir() -> str:
    return os.path.abspath("var")


@dataclasses.dataclass(frozen=True)
class Settings:
    """What every service needs. Services subclass it to add their own fields."""

    service: str
    database_url: str = ""
    broker_url: str = "memory://"
    broker_namespace: str = "portal"
    public_url: str = f"http://127.0.0.1:{EMBEDDED_PORT}"
    jwks_url: str = ""
    token_issuer: str = ""
    token_audience: str = "portal"
    jwks_cache_seconds: int = 300
    data_dir: str = ""
    contracts_dir: str = ""
    validate_events: bool = True
    relay_batch_size: int = 100
    relay_poll_seconds: float = 1.0  # a safety net: commits wake the relay at once
    consumer_prefetch: int = 20
    consumer_max_attempts: int = 5
    consumer_retry_base_seconds: float = 0.5
    max_content_length: int = 2 * 1024 * 1024
    # Memory per web process for the answers its hot list paths keep (portalkit.hot_paths); 0: none kept.
    answer_cache_mb: int = 16
    # Proxies in front that append the client to X-Forwarded-For (nginx in the stack and compose: 1). Zero
    # trusts no such header: the embedded gateway hands the real peer over itself.
    proxy_hops: int = 0
    # Shared secret of the portal's services for their few synchronous internal calls (never routed).
    internal_token: str = ""
    default_language: str = "nl"
    log_level: str = "INFO"
    log_format: str = "json"

    def __post_init__(self):
        # Defaults that depend on other settings; frozen, so set through object.__setattr__.
        defaults = {
            "data_dir": _find_data_dir(),
            "token_issuer": self.public_url.rstrip("/"),
            "jwks_url": self.public_url.rstrip("/") + "/.well-known/jwks.json",
        }
        for name, value in defaults.items():
            if not getattr(self, name):
                object.__setattr__(self, name, value)
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{Path(self.data_dir) / (self.service + '.db')}")
        if not self.contracts_dir:
            object.__setattr__(self, "contracts_dir", str(find_contracts_dir()))

    @classmethod
    def from_env(cls, service: str, environ: Mapping[str, str] | None = None, **overrides):
        """Build settings for ``service`` from ``environ`` (default ``os.environ``) and overrides."""
        environ = os.environ if environ is None else environ
        hints = typing.get_type_hints(cls)
        values: dict[str, typing.Any] = {"service": service}
        for field in dataclasses.fields(cls):
            if field.name == "service":
                continue
            if field.name in overrides:
                values[field.name] = overrides[field.name]
                continue
            for key in (f"{service}_{field.name}".upper(), field.name.upper()):
                if key in environ:
                    values[field.name] = _coerce(environ[key], _plain_type(hints[field.name]), key)
                    break
        return cls(**values)


# Words in a variable's name that mark a secret (INTERNAL_TOKEN, SECRET_PEPPER, SMTP_PASSWORD, KEY_ENCRYPTION_KEY...).
SECRET_NAME_WORDS = ("PASSWORD", "SECRET", "TOKEN", "PEPPER", "PRIVATE", "CREDENTIAL", "KEY")


def scrub_environment(settings_class: type[Settings], environ: typing.MutableMapping[str, str] | None = None) -> list:
    """Remove, once the settings are read, every variable they come from (any service's prefix too), every
    variable named like a secret and every URL with credentials in it; return the names removed.

    A web worker calls it before it serves: granian copies the process environment into every WSGI environ, so
    what stays here would sit in every request object (and in any error report that dumps one).
    """
    environ = os.environ if environ is None else environ
    fields = {field.name.upper() for field in dataclasses.fields(settings_class)}
    removed = sorted(
        name
        for name, value in environ.items()
        if name.upper() in fields
        or any(name.upper().endswith("_" + field) for field in fields)
        or any(word in name.upper() for word in SECRET_NAME_WORDS)
        or ("://" in value and "@" in value.split("://", 1)[1].split("/", 1)[0])
    )
    for name in removed:
        del environ[name]
    return removed


def find_contracts_dir() -> Path:
    """The repository's ``contracts/`` folder, searched upwards from cwd and from this file."""
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            if (folder / "contracts" / "events").is_dir():
                return folder / "contracts"
    raise ConfigError("contracts/ not found: set CONTRACTS_DIR")
