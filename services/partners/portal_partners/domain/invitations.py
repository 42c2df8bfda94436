"""Invitation codes (manual 3.2.2): a linked user invites a colleague, who redeems the code once.

A code belongs to the profile, and lives only as long as the membership of whoever made it (issue 14):
otherwise a member who was removed could come back with a code of his own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import uuid
from collections.abc import Iterable

from portal_partners.domain.profiles import AuditEntry
from portalkit.secrets import token_hash

VALID_FOR = dt.timedelta(days=5)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
GROUPS, GROUP_LENGTH = 5, 5  # 25 characters of 5 bits: 125 bits of randomness
HINT_LENGTH = 4  # enough for members to tell their codes apart, too little to guess the rest
AUDIT_FIELD = "invitations"


class InvitationInvalid(Exception):
    """The code cannot be redeemed; ``reason`` is unknown, expired, used or withdrawn."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class InvitationNotOpen(Exception):
    """Only an open code can be withdrawn: a used one already did its work, an expired one is harmless."""


def new_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    return "-".join(groups)


def normalize_code(code: str) -> str:
    """Forgiving of case, spaces and dashes when a person types or pastes it."""
    letters = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(letters[i : i + GROUP_LENGTH] for i in range(0, len(letters), GROUP_LENGTH))


def code_hash(code: str) -> str:
    """Only the hash is stored, so a copy of the database lets nobody join a profile."""
    return token_hash(normalize_code(code))


@dataclasses.dataclass
class Invitation:
    code_hash: str
    partner_id: str
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    created_by_email: str | None = None
    hint: str | None = None  # the code's last characters; None for codes made before hints existed
    used_by: str | None = None
    used_at: dt.datetime | None = None
    withdrawn_by: str | None = None
    withdrawn_at: dt.datetime | None = None
    code: str | None = dataclasses.field(default=None, repr=False, compare=False)  # in memory, at issue only

    @classmethod
    def issue(cls, *, partner_id: str, by: str, by_email: str | None, now: dt.datetime) -> Invitation:
        code = new_code()
        return cls(
            code_hash(code),
            partner_id,
            by,
            now,
            now + VALID_FOR,
            created_by_email=by_email,
            hint=code[-HINT_LENGTH:],
            code=code,
        )

    @property
    def label(self) -> str:
        """How the audit log names the code without giving it away."""
        return f"…{self.hint}" if self.hint else self.id

    def closed_because(self, now: dt.datetime) -> str | None:
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.used_at is not None:
            return "used"
        if now >= self.expires_at:
            return "expired"
        return None

    def is_open(self, now: dt.datetime) -> bool:
        return self.closed_because(now) is None

    def created_entry(self) -> AuditEntry:
        return AuditEntry(self.partner_id, self.created_by, self.created_at, AUDIT_FIELD, None, self.label)

    def redeem(self, account_id: str, now: dt.datetime) -> None:
        reason = self.closed_because(now)
        if reason:
            raise InvitationInvalid(reason)
        self.used_by, self.used_at = account_id, now

    def withdraw(self, by: str, now: dt.datetime) -> AuditEntry:
        if not self.is_open(now):
            raise InvitationNotOpen(self.id)
        self.withdrawn_by, self.withdrawn_at = by, now
        return AuditEntry(self.partner_id, by, now, AUDIT_FIELD, self.label, None)


def withdraw_made_by(invitations: Iterable[Invitation], account_id: str, by: str, now: dt.datetime) -> list[AuditEntry]:
    """A member leaves (or is removed): the open codes he made go with him, logged in ``by``'s name."""
    return [
        invitation.withdraw(by, now)
        for invitation in invitations
        if invitation.created_by == account_id and invitation.is_open(now)
    ]
