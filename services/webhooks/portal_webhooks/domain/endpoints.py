"""An application's webhook endpoints: where to send which events, signed with which secrets.

Secrets reach the domain sealed (the adapters encrypt them at rest); the domain only decides which of them
still sign: the current one always, the previous one until its overlap ends after a rotation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from portal_webhooks.domain.addresses import InvalidEndpoint, url_problems
from portal_webhooks.domain.events import EndpointDisabled
from portal_webhooks.domain.payloads import SUBSCRIBABLE

DESCRIPTION_MAX = 500
MAX_ENDPOINTS_PER_APPLICATION = 10


class EndpointDisabledError(Exception):
    """A disabled endpoint receives nothing, not even a test or a redelivery, until it is enabled again."""


class TooManyEndpoints(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


@dataclasses.dataclass
class Application:
    """What this service knows of an application: whose it is (from the apps service's events)."""

    application_id: str
    partner_id: str
    name: str


def _check(url: str, description: str, event_types: list[str], development: bool) -> None:
    violations = url_problems(url, development)
    if len(description) > DESCRIPTION_MAX:
        violations.append(("description", "endpoint.description_too_long", {"max": DESCRIPTION_MAX}))
    if not event_types:
        violations.append(("event_types", "endpoint.no_event_types", {}))
    unknown = sorted(set(event_types) - set(SUBSCRIBABLE))
    if unknown:
        violations.append(("event_types", "endpoint.unknown_event_types", {"types": ", ".join(unknown)}))
    if violations:
        raise InvalidEndpoint(violations)


@dataclasses.dataclass
class Endpoint:
    id: str
    application_id: str
    partner_id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    sealed_secret: str
    created_at: dt.datetime
    secret_rotated_at: dt.datetime | None = None
    sealed_previous_secret: str | None = None
    previous_secret_expires_at: dt.datetime | None = None
    disabled_at: dt.datetime | None = None
    disabled_reason: str | None = None
    events: list = dataclasses.field(default_factory=list)

    @classmethod
    def register(
        cls,
        application: Application,
        url: str,
        description: str,
        event_types: list[str],
        sealed_secret: str,
        now: dt.datetime,
        *,
        development: bool,
        existing: int,
    ) -> Endpoint:
        _check(url, description, event_types, development)
        if existing >= MAX_ENDPOINTS_PER_APPLICATION:
            raise TooManyEndpoints(MAX_ENDPOINTS_PER_APPLICATION)
        return cls(
            id=str(uuid.uuid4()),
            application_id=application.application_id,
            partner_id=application.partner_id,
            url=url,
            description=description,
            event_types=sorted(set(event_types)),
            enabled=True,
            sealed_secret=sealed_secret,
            created_at=now,
        )

    def change(
        self,
        now: dt.datetime,
        *,
        development: bool,
        url: str | None = None,
        description: str | None = None,
        event_types: list[str] | None = None,
        enabled: bool | None = None,
    ) -> None:
        url = self.url if url is None else url
        description = self.description if description is None else description
        event_types = self.event_types if event_types is None else event_types
        _check(url, description, event_types, development)
        self.url, self.description, self.event_types = url, description, sorted(set(event_types))
        if enabled is True and not self.enabled:
            self.enabled, self.disabled_at, self.disabled_reason = True, None, None
        elif enabled is False and self.enabled:
            self.enabled, self.disabled_at, self.disabled_reason = False, now, "by_partner"

    def wants(self, webhook_type: str) -> bool:
        return self.enabled and webhook_type in self.event_types

    def rotate_secret(self, sealed_secret: str, now: dt.datetime, overlap: dt.timedelta) -> None:
        """The new secret signs from now on; the current one keeps signing beside it for ``overlap``, so a
        receiver can switch without losing a delivery. A second rotation within the overlap ends the oldest."""
        self.sealed_previous_secret = self.sealed_secret if overlap > dt.timedelta(0) else None
        self.previous_secret_expires_at = now + overlap if overlap > dt.timedelta(0) else None
        self.sealed_secret = sealed_secret
        self.secret_rotated_at = now

    def signing_secrets(self, now: dt.datetime) -> list[str]:
        """The sealed secrets that sign a delivery made now: the current one first."""
        live = [self.sealed_secret]
        if self.sealed_previous_secret and self.previous_secret_expires_at and now < self.previous_secret_expires_at:
            live.append(self.sealed_previous_secret)
        return live

    def ensure_enabled(self) -> None:
        if not self.enabled:
            raise EndpointDisabledError(self.id)

    def disable_after_failures(self, now: dt.datetime, last_error: str, failing_since: dt.datetime) -> None:
        """Every attempt failed for the whole retry window: stop sending and tell the application's contact."""
        if not self.enabled:
            return
        self.enabled, self.disabled_at, self.disabled_reason = False, now, "failing"
        self.events.append(
            EndpointDisabled(
                self.id,
                self.application_id,
                self.partner_id,
                self.url,
                last_error[:1000],
                failing_since.isoformat(),
                now.isoformat(),
            )
        )
