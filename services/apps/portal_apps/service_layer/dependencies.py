"""What the apps service's use cases are wired to in one process: built once by ``bootstrap.wire``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from portal_apps.adapters.identity import IdentityClient
from portal_apps.service_layer.unit_of_work import AppsUnitOfWork


@dataclasses.dataclass(frozen=True)
class Apps:
    unit_of_work: Callable[[], AppsUnitOfWork]
    identity: IdentityClient
    known_apis: tuple[str, ...]
