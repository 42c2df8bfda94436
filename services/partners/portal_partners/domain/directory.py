"""The public partner directory: a projection of profiles and of the apps service's approvals."""

from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass
class DirectoryEntry:
    partner_id: str
    name: str
    description: str
    category: str
    website: str
    extra_info: str | None
    has_logo: bool
    active: bool
    public: bool
    approved_apps: int
    updated_at: dt.datetime

    @property
    def listed(self) -> bool:
        """Manual section 3: active AND public AND at least one approved application."""
        return self.active and self.public and self.approved_apps > 0
