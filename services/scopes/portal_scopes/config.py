"""The scopes service's settings (environment only)."""

import dataclasses

from portalkit.config import Settings


@dataclasses.dataclass(frozen=True)
class ScopesSettings(Settings):
    """Only the shared settings so far."""
