"""The webhooks service's settings (environment only)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from portalkit.config import Settings


def _loopback_url(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))


@dataclasses.dataclass(frozen=True)
class WebhooksSettings(Settings):
    # Development: endpoints may be plain HTTP on loopback and deliveries may go to any address. Unset, it
    # follows PUBLIC_URL: on when the portal itself is served over plain HTTP on loopback (the embedded mode,
    # the local stack, tests), off wherever it has a real (HTTPS) address.
    development: bool | None = None
    # Fernet key(s) sealing the signing secrets at rest ("new,old" while changing), or a file with one per
    # line; neither: one made once in <DATA_DIR>/webhooks.key.
    secret_key: str = ""
    secret_key_file: str = ""
    secret_overlap_seconds: int = 24 * 3600  # the previous secret signs beside the new one this long
    connect_timeout_seconds: float = 5.0
    read_timeout_seconds: float = 10.0
    max_response_bytes: int = 64 * 1024  # read of a receiver's answer, at most
    # Pauses after the 1st, 2nd, ... failed attempt (the last repeats) within the retry window.
    retry_pauses_seconds: tuple[str, ...] = ("5", "300", "1800", "7200", "18000", "36000")
    retry_window_seconds: float = 24 * 3600
    poll_seconds: float = 1.0  # new deliveries wake the sender at once; the poll finds retries due

    def __post_init__(self):
        super().__post_init__()
        if self.development is None:
            object.__setattr__(self, "development", _loopback_url(self.public_url))

    @property
    def retry_policy(self):
        from portal_webhooks.domain.deliveries import RetryPolicy

        return RetryPolicy(
            tuple(float(pause) for pause in self.retry_pauses_seconds),
            dt.timedelta(seconds=self.retry_window_seconds),
        )
