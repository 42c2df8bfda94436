"""The apps service's settings: the shared ones plus its own (environment only)."""

import dataclasses

from portalkit.config import DATA_APIS, Settings


@dataclasses.dataclass(frozen=True)
class AppsSettings(Settings):
    apis: tuple[str, ...] = DATA_APIS
    # Where the identity service answers internal calls (not through the gateway in the stack).
    identity_url: str = ""
