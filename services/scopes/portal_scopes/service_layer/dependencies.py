"""What the scopes service's use cases are wired to in one process: built once by ``bootstrap.wire``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from portal_scopes.domain.access import RequestLimits
from portal_scopes.domain.school_year import SchoolYear
from portal_scopes.service_layer.unit_of_work import ScopesUnitOfWork


@dataclasses.dataclass(frozen=True)
class Scopes:
    unit_of_work: Callable[[], ScopesUnitOfWork]
    public_url: str  # where the links in the request mails lead
    request_valid_days: int
    request_limits: RequestLimits
    school_year: SchoolYear = SchoolYear()
    grant_reminder_days: int = 30
    sweep_seconds: float = 60
