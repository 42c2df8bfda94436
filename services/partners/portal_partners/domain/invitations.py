"""Invitation codes (manual 3.2.2): a linked user invites a colleague, who redeems the code once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

VALID_FOR = dt.timedelta(days=5)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
GROUPS, GROUP_LENGTH = 5, 5  # 25 characters of 5 bits: 125 bits of randomness


def new_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    return "-".join(groups)


def normalize_code(code: str) -> str:
    """Forgiving of case, spaces and dashes when a person types or pastes it."""
    letters = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(letters[i : i + GROUP_LENGTH] for i in range(0, len(letters), GROUP_LENGTH))


@dataclasses.dataclass
class Invitation:
    code_hash: str
    partner_id: str
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used_by: str | None = None
    used_at: dt.datetime | None = None

    def usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at
