"""Use cases of the scopes service: plain functions over a unit of work."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from portal_scopes.adapters.repositories import Schools
from portal_scopes.domain.schools import School, parse_schools_csv
from portalkit.uow import UnitOfWork


@dataclasses.dataclass(frozen=True)
class ImportResult:
    added: int
    renamed: int
    unchanged: int


def import_schools(unit_of_work: Callable[[], UnitOfWork], csv_text: str) -> ImportResult:
    """Idempotent: importing the same file twice changes nothing the second time."""
    added = renamed = unchanged = 0
    with unit_of_work() as uow:
        repository = Schools(uow.session)
        for school in parse_schools_csv(csv_text):
            existing = repository.get(school.institution_number)
            if existing is None:
                repository.add(school)
                added += 1
            elif existing.name != school.name:
                existing.name = school.name
                renamed += 1
            else:
                unchanged += 1
        uow.commit()
    return ImportResult(added, renamed, unchanged)


def search_schools(
    unit_of_work: Callable[[], UnitOfWork], text: str | None, offset: int, limit: int
) -> tuple[list[School], int]:
    with unit_of_work() as uow:
        return Schools(uow.session).search(text, offset, limit)
