"""Use cases of the partners service: plain functions over a unit of work."""

from __future__ import annotations

from collections.abc import Callable

from portal_partners.adapters.repositories import Directory
from portal_partners.domain.directory import DirectoryEntry
from portalkit.uow import UnitOfWork


def search_directory(
    unit_of_work: Callable[[], UnitOfWork], text: str | None, category: str | None, offset: int, limit: int
) -> tuple[list[DirectoryEntry], int]:
    with unit_of_work() as uow:
        return Directory(uow.session).listed(text, category, offset, limit)
