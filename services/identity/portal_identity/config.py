"""The identity service's settings: the shared ones plus its own (environment only)."""

import dataclasses

from portalkit.config import Settings


@dataclasses.dataclass(frozen=True)
class IdentitySettings(Settings):
    access_token_seconds: int = 900
    # A new signing key is published this long before it signs, so every JWKS cache has it in time.
    key_publish_lead_seconds: int = 600
