"""Accounts: people who log in. Partner users register themselves; back-office accounts are created.

Rules from the manual (3.1): a real e-mail address, a password of at least 8 characters with upper and
lower case, a digit and a special character, the terms accepted, and activation by mail before login.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import re
import uuid

from email_validator import EmailNotValidError, validate_email

PASSWORD_MIN = 8
PASSWORD_MAX = 256  # argon2 takes anything, but an unbounded body is a denial-of-service lever
LANGUAGES = ("nl", "en")
NO_PASSWORD = "!"  # no password verifies against it: an invited account waits for its own choice
# An invitation mail can be sent again, but not as a way to flood someone's mailbox.
RESEND_INTERVAL = dt.timedelta(minutes=1)
RESEND_PER_DAY = 5


class Role(enum.StrEnum):
    PARTNER = "partner"
    MODERATOR = "moderator"
    SCHOOL_ADMIN = "school-admin"


class AccountStatus(enum.StrEnum):
    PENDING = "pending"  # registered, not yet activated
    ACTIVE = "active"
    DISABLED = "disabled"


class InvalidAccount(ValueError):
    """Field rule violations, as (field, catalogue key, parameters)."""

    def __init__(self, violations: list[tuple[str, str, dict]]):
        super().__init__(", ".join(field for field, _, _ in violations))
        self.violations = violations


def normalize_email(email: str) -> str:
    """The canonical form accounts are stored and looked up by (raises EmailNotValidError)."""
    normalized = validate_email(email.strip(), check_deliverability=False).normalized
    return normalized.lower()


def password_violations(password: str) -> list[tuple[str, str, dict]]:
    checks = [
        (len(password) >= PASSWORD_MIN, "password.too_short", {"min": PASSWORD_MIN}),
        (len(password) <= PASSWORD_MAX, "password.too_long", {"max": PASSWORD_MAX}),
        (re.search(r"[A-Z]", password) is not None, "password.no_upper", {}),
        (re.search(r"[a-z]", password) is not None, "password.no_lower", {}),
        (re.search(r"\d", password) is not None, "password.no_digit", {}),
        (re.search(r"[^A-Za-z0-9]", password) is not None, "password.no_special", {}),
    ]
    return [("password", key, params) for ok, key, params in checks if not ok]


def _email_violations(email: str) -> tuple[str, list[tuple[str, str, dict]]]:
    """The normalized address (or the raw one when invalid) and what is wrong with it."""
    try:
        return normalize_email(email), []
    except EmailNotValidError:
        return email, [("email", "email.invalid", {})]


def _credential_violations(email: str, password: str) -> tuple[str, list[tuple[str, str, dict]]]:
    """The normalized address (or the raw one when invalid) and what is wrong with address and password."""
    email, violations = _email_violations(email)
    return email, violations + password_violations(password)


def _back_office_violations(role: str, institutions: list[str], language: str) -> tuple[list[str], list]:
    """The cleaned institution numbers and what is wrong with a back-office account's role and rights."""
    violations = []
    if role not in (Role.MODERATOR, Role.SCHOOL_ADMIN):
        violations.append(("role", "role.invalid", {"roles": f"{Role.MODERATOR}, {Role.SCHOOL_ADMIN}"}))
    cleaned = sorted({number.strip() for number in institutions if number.strip()})
    if role == Role.SCHOOL_ADMIN and not cleaned:
        violations.append(("institutions", "institutions.required", {}))
    if role == Role.MODERATOR and cleaned:
        violations.append(("institutions", "institutions.not_for_role", {}))
    for number in cleaned:
        if not number.isdigit() or len(number) > 10:
            violations.append(("institutions", "institutions.invalid", {"number": number}))
    if language not in LANGUAGES:
        violations.append(("language", "language.invalid", {"languages": ", ".join(LANGUAGES)}))
    return cleaned, violations


class OwnRole(Exception):
    """A moderator cannot take the moderator role from themselves (the portal could be left without one)."""


class NotInvited(Exception):
    """Only a back-office account that has not chosen its password yet gets an invitation again."""


@dataclasses.dataclass
class ResendTooSoon(Exception):
    retry_after: int  # seconds until another invitation mail may go


def check_resend(sent_at: list[dt.datetime], now: dt.datetime) -> None:
    """``sent_at``: when this account's invitation links were made. Raises :class:`ResendTooSoon` within a
    minute of the last one, or past :data:`RESEND_PER_DAY` in 24 hours."""
    day = dt.timedelta(days=1)
    recent = sorted(at for at in sent_at if now - at < day)
    waits = []
    if recent and now - recent[-1] < RESEND_INTERVAL:
        waits.append(recent[-1] + RESEND_INTERVAL - now)
    if len(recent) >= RESEND_PER_DAY:
        waits.append(recent[len(recent) - RESEND_PER_DAY] + day - now)
    if waits:
        raise ResendTooSoon(max(1, math.ceil(max(waits).total_seconds())))


def validated_email(email: str) -> str:
    try:
        return normalize_email(email)
    except EmailNotValidError:
        raise InvalidAccount([("email", "email.invalid", {})]) from None


@dataclasses.dataclass
class Account:
    id: str
    email: str
    password_hash: str
    status: str
    roles: list[str]
    institutions: list[str]
    language: str
    created_at: dt.datetime
    activated_at: dt.datetime | None = None
    terms_accepted_at: dt.datetime | None = None
    partner_id: str | None = None

    @classmethod
    def register(
        cls, *, email: str, password: str, accept_terms: bool, language: str, password_hash, now: dt.datetime
    ) -> Account:
        """A partner user's own registration: pending until the activation link is used."""
        email, violations = _credential_violations(email, password)
        if not accept_terms:
            violations.append(("accept_terms", "terms.required", {}))
        if violations:
            raise InvalidAccount(violations)
        return cls(
            id=str(uuid.uuid4()),
            email=email,
            password_hash=password_hash(password),
            status=AccountStatus.PENDING,
            roles=[Role.PARTNER],
            institutions=[],
            language=language,
            created_at=now,
            terms_accepted_at=now,
        )

    @classmethod
    def back_office(
        cls,
        *,
        email: str,
        password: str | None,
        role: str,
        institutions: list[str],
        language: str,
        password_hash,
        now: dt.datetime,
    ) -> Account:
        """Moderators and school admins, made by an operator or a moderator. With a password (an operator's
        command) active at once; without one, invited: pending until they choose theirs from the mail."""
        if password is None:
            email, violations = _email_violations(email)
        else:
            email, violations = _credential_violations(email, password)
        institutions, rights = _back_office_violations(role, institutions, language)
        if violations + rights:
            raise InvalidAccount(violations + rights)
        return cls(
            id=str(uuid.uuid4()),
            email=email,
            password_hash=NO_PASSWORD if password is None else password_hash(password),
            status=AccountStatus.PENDING if password is None else AccountStatus.ACTIVE,
            roles=[role],
            institutions=institutions,
            language=language,
            created_at=now,
            activated_at=None if password is None else now,
        )

    @property
    def back_office_role(self) -> bool:
        return any(role in self.roles for role in (Role.MODERATOR, Role.SCHOOL_ADMIN))

    @property
    def invited(self) -> bool:
        """A back-office account whose owner has not chosen a password yet."""
        return self.back_office_role and self.status == AccountStatus.PENDING

    def change_back_office(self, *, role: str, institutions: list[str], language: str, by: str) -> bool:
        """A moderator edits a back-office account; True when its role changed or a school was taken away:
        the tokens it holds name rights it no longer has, so they must go."""
        if not self.back_office_role:
            raise InvalidAccount([("role", "role.not_back_office", {})])
        if self.id == by and role != Role.MODERATOR:
            raise OwnRole(self.id)
        institutions, violations = _back_office_violations(role, institutions, language)
        if violations:
            raise InvalidAccount(violations)
        stale = role not in self.roles or not set(self.institutions) <= set(institutions)
        self.roles, self.institutions, self.language = [role], institutions, language
        return stale

    @property
    def active(self) -> bool:
        return self.status == AccountStatus.ACTIVE

    def get_user_id(self) -> str:
        """The resource owner's id, under the name Authlib asks for."""
        return self.id

    def activate(self, now: dt.datetime) -> None:
        if self.status == AccountStatus.PENDING:
            self.status = AccountStatus.ACTIVE
            self.activated_at = now

    def set_active(self, active: bool, now: dt.datetime) -> bool:
        """A moderator (de)activates the account; True when that changed anything. A deactivated account
        signs in nowhere and every token it holds is refused; reactivated, it is active even if it was
        never activated (the moderator vouches for it)."""
        if self.status == (AccountStatus.ACTIVE if active else AccountStatus.DISABLED):
            return False  # a pending (invited) account is deactivated too
        self.status = AccountStatus.ACTIVE if active else AccountStatus.DISABLED
        if active and self.activated_at is None:
            self.activated_at = now
        return True

    def change_password(self, password: str, password_hash, now: dt.datetime) -> None:
        """A reset proves the mailbox is the user's, so it also activates a pending account."""
        violations = password_violations(password)
        if violations:
            raise InvalidAccount(violations)
        self.password_hash = password_hash(password)
        self.activate(now)

    def claims(self) -> dict:
        """What access tokens for this person carry besides ``sub``."""
        claims = {"email": self.email, "roles": list(self.roles), "locale": self.language}
        if Role.SCHOOL_ADMIN in self.roles:
            claims["institutions"] = list(self.institutions)
        if self.partner_id:
            claims["partner_id"] = self.partner_id
        return claims


class TokenPurpose(enum.StrEnum):
    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"
    INVITATION = "invitation"  # a back-office account's first password


@dataclasses.dataclass
class AccountToken:
    """A single-use link token; only its hash is stored."""

    token_hash: str
    account_id: str
    purpose: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None

    def usable(self, purposes: tuple[str, ...], now: dt.datetime) -> bool:
        return self.purpose in purposes and self.used_at is None and now < self.expires_at
