"""The identity service's settings: the shared ones plus its own (environment only)."""

import dataclasses

from authlib.common.security import is_secure_transport

from portalkit.config import DATA_APIS, ConfigError, Settings


@dataclasses.dataclass(frozen=True)
class IdentitySettings(Settings):
    access_token_seconds: int = 900  # API consumers' tokens (client credentials)
    # People's tokens live shorter: a right taken away is also refused by every service at once
    # (revocation events), this only bounds what a missed event could cost.
    person_access_token_seconds: int = 300
    login_session_hours: int = 8
    # Who API consumers' tokens are for (the data APIs); people's tokens are for the portal (TOKEN_AUDIENCE).
    api_audience: str = "data-apis"
    # Changes reach every process at once (PostgreSQL NOTIFY); the lifetime is only a safety net.
    client_cache_seconds: float = 60.0
    refresh_token_days: int = 30
    authorization_code_seconds: int = 60
    # A new signing key is published this long before it signs, so every JWKS cache has it in time.
    key_publish_lead_seconds: int = 600
    activation_hours: int = 72
    password_reset_hours: int = 2
    secret_rotation_seconds: int = 7 * 24 * 3600  # how long the previous secret keeps working
    # Optional: without them a random value is made once and kept in the database for all replicas.
    session_secret: str = ""
    secret_pepper: str = ""
    session_cookie_secure: bool = False
    # Seals the signing keys' private JWKs at rest (adapters/sealing.py): base64url of 32 bytes; "new,old" while
    # rotating. Or a file with one per line. Neither: a KEK made once in <DATA_DIR>/identity.kek.
    key_encryption_key: str = ""
    key_encryption_key_file: str = ""
    apis: tuple[str, ...] = DATA_APIS
    # The portal's own browser UIs (public clients, authorization code + PKCE).
    front_office_path: str = "/"
    back_office_path: str = "/backoffice/"

    def __post_init__(self):
        super().__post_init__()
        if not is_secure_transport(self.public_url):
            raise ConfigError(
                f"PUBLIC_URL {self.public_url!r}: OAuth 2 needs TLS, so it must start with https:// "
                "(plain http only on a loopback address, for local use)"
            )
