"""What the partners service's use cases are wired to in one process: built once by ``bootstrap.wire``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from portal_partners.service_layer.unit_of_work import PartnersUnitOfWork


@dataclasses.dataclass(frozen=True)
class Partners:
    unit_of_work: Callable[[], PartnersUnitOfWork]
    categories: tuple[str, ...]
    helpdesk_email: str
