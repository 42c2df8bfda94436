"""The scopes service's settings (environment only)."""

import dataclasses

from portalkit.config import Settings


@dataclasses.dataclass(frozen=True)
class ScopesSettings(Settings):
    access_request_days: int = 31  # the mail's link is valid for a month
