"""Partner profiles (manual 3.2): who the partner is, who may edit it, and what the public sees."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import Sequence
from urllib.parse import urlparse

from stdnum.be import vat
from stdnum.exceptions import ValidationError

from portal_partners.domain import events, logos

NAME_MAX = 200
DESCRIPTION_MAX = 2000
CONTACT_MAX = 200
EXTRA_INFO_MAX = 4000
CATEGORIES_MAX = 5
LOGO_MAX_BYTES = 1024 * 1024
ADDRESS_FIELDS = {"street": 200, "number": 20, "postal_code": 20, "city": 100, "country": 100}
EDITABLE = (
    "name",
    "enterprise_number",
    "description",
    "contact_person",
    "address",
    "public",
    "categories",
    "website",
    "logo",
    "extra_info",
)
# Checked by content: the first bytes of each allowed image type.
IMAGE_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}


class InvalidProfile(ValueError):
    def __init__(self, violations: list[tuple[str, str, dict]]):
        super().__init__(", ".join(field for field, _, _ in violations))
        self.violations = violations


def name_key(name: str) -> str:
    """What makes two names the same: case and surrounding or repeated spaces do not count."""
    return " ".join(name.split()).casefold()


def enterprise_number(value: str | None) -> str | None:
    """The canonical 10 digits of a Belgian enterprise number, or None when it is not one.

    Accepts ``0123.456.789``, ``0123 456 789``, ``BE0123456789`` and ``123456789`` (old 9-digit form);
    the enterprise number is the Belgian VAT number without its ``BE``.
    """
    try:
        return vat.validate(value or "")
    except ValidationError:
        return None


BELGIUM_SPELLINGS = {"belgië", "belgie", "belgium", "belgique", "belgien", "be", "bel"}


def belgian_postal_code_valid(postal_code: str, country: str) -> bool:
    """A Belgian postcode is four digits from 1000 to 9999; other countries' codes are not judged here."""
    if country.strip().casefold() not in BELGIUM_SPELLINGS:
        return True
    return bool(re.fullmatch(r"[1-9]\d{3}", postal_code))


def image_type(data: bytes) -> str | None:
    for media_type, signatures in IMAGE_SIGNATURES.items():
        if any(data.startswith(signature) for signature in signatures):
            if media_type == "image/webp" and data[8:12] != b"WEBP":
                continue
            return media_type
    return None


def decode_logo(value: str) -> tuple[bytes, str]:
    """``data:<type>;base64,<data>`` or plain base64 -> (bytes, media type); raises InvalidProfile."""
    payload = value.split(",", 1)[1] if value.startswith("data:") and "," in value else value
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidProfile([("logo", "logo.not_base64", {})]) from None
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidProfile([("logo", "logo.too_large", {"max": LOGO_MAX_BYTES // 1024})])
    if image_type(data) is None:
        raise InvalidProfile([("logo", "logo.not_image", {"types": "PNG, JPEG, GIF, WebP"})])
    try:
        return logos.reencoded(data)
    except logos.NotAnImage:
        raise InvalidProfile([("logo", "logo.not_image", {"types": "PNG, JPEG, GIF, WebP"})]) from None


def validated(fields: dict, categories: Sequence[str]) -> dict:
    """Cleaned values of the editable fields present in ``fields``."""
    cleaned, violations = {}, []
    for field, limit in (("name", NAME_MAX), ("description", DESCRIPTION_MAX), ("contact_person", CONTACT_MAX)):
        if field in fields:
            value = " ".join((fields[field] or "").split()) if field == "name" else (fields[field] or "").strip()
            if not value:
                violations.append((field, "field.required", {}))
            elif len(value) > limit:
                violations.append((field, "field.too_long", {"max": limit}))
            cleaned[field] = value
    if "enterprise_number" in fields:
        raw = (fields["enterprise_number"] or "").strip()
        cleaned["enterprise_number"] = enterprise_number(raw) if raw else None
        if raw and cleaned["enterprise_number"] is None:
            violations.append(("enterprise_number", "enterprise_number.invalid", {}))
    if "address" in fields:
        address = fields["address"] or {}
        cleaned["address"] = {}
        for part, limit in ADDRESS_FIELDS.items():
            value = str(address.get(part) or "").strip()
            if not value:
                violations.append((f"address.{part}", "field.required", {}))
            elif len(value) > limit:
                violations.append((f"address.{part}", "field.too_long", {"max": limit}))
            cleaned["address"][part] = value
        postal_code, country = cleaned["address"]["postal_code"], cleaned["address"]["country"]
        if postal_code and not belgian_postal_code_valid(postal_code, country):
            violations.append(("address.postal_code", "postal_code.belgian", {}))
    if "public" in fields:
        if not isinstance(fields["public"], bool):
            violations.append(("public", "field.required", {}))
        cleaned["public"] = fields["public"]
    if "categories" in fields:
        cleaned["categories"] = chosen = fields["categories"] or []
        violations += category_violations(chosen, categories)
    if "website" in fields:
        website = (fields["website"] or "").strip()
        parsed = urlparse(website)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in website or len(website) > 500:
            violations.append(("website", "website.invalid", {}))
        cleaned["website"] = website
    if "extra_info" in fields:
        extra = (fields["extra_info"] or "").strip()
        if len(extra) > EXTRA_INFO_MAX:
            violations.append(("extra_info", "field.too_long", {"max": EXTRA_INFO_MAX}))
        cleaned["extra_info"] = extra or None
    if "logo" in fields:
        if not fields["logo"]:
            violations.append(("logo", "field.required", {}))
        else:
            try:
                cleaned["logo"], cleaned["logo_type"] = decode_logo(fields["logo"])
            except InvalidProfile as error:
                violations += error.violations
    if violations:
        raise InvalidProfile(violations)
    return cleaned


def category_violations(chosen: list, categories: Sequence[str]) -> list[tuple[str, str, dict]]:
    """A profile has 1 to CATEGORIES_MAX categories, each from the configured list and each once."""
    if not chosen:
        return [("categories", "field.required", {})]
    if len(chosen) > CATEGORIES_MAX:
        return [("categories", "categories.too_many", {"max": CATEGORIES_MAX})]
    unknown = [c for c in chosen if c not in categories]
    if unknown:
        return [("categories", "category.unknown", {"category": unknown[0], "known": ", ".join(categories)})]
    if len(set(chosen)) < len(chosen):
        return [("categories", "categories.duplicate", {})]
    return []


def _logged(field: str, value) -> str | None:
    """A field's value as the log keeps it: an address as one line, a logo never as its bytes."""
    if not value and field == "logo" or value is None:
        return None
    if field == "logo":
        return "(image)"
    if field == "categories":
        return ", ".join(value)
    if field == "address":
        return f"{value['street']} {value['number']}, {value['postal_code']} {value['city']}, {value['country']}"
    return str(value)


@dataclasses.dataclass
class AuditEntry:
    partner_id: str
    account_id: str
    changed_at: dt.datetime
    field: str
    old_value: str | None
    new_value: str | None
    id: int | None = None


@dataclasses.dataclass
class Membership:
    """An account acting for a partner; other services learn of each link and unlink through its events."""

    account_id: str
    partner_id: str
    email: str
    linked_at: dt.datetime
    events: list = dataclasses.field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def link(cls, account_id: str, partner_id: str, email: str, now: dt.datetime) -> Membership:
        membership = cls(account_id, partner_id, email, now)
        membership.events.append(events.UserLinked(partner_id, account_id))
        return membership

    def joined_entry(self) -> AuditEntry:
        """How the audit log tells that a colleague joined with a code."""
        return AuditEntry(self.partner_id, self.account_id, self.linked_at, "users", None, self.email)

    def unlink(self, by: str, now: dt.datetime) -> AuditEntry:
        """The member leaves (``by`` is himself) or a colleague removes him; logged in ``by``'s name."""
        self.events.append(events.UserUnlinked(self.partner_id, self.account_id, by))
        return AuditEntry(self.partner_id, by, now, "users", self.email, None)


@dataclasses.dataclass
class Profile:
    id: str
    name: str
    name_key: str
    description: str
    email: str
    contact_person: str
    address: dict
    public: bool
    categories: list[str]  # the partner's order; the first is the one a single-category reader sees
    website: str
    logo: bytes
    logo_type: str
    created_at: dt.datetime
    updated_at: dt.datetime
    enterprise_number: str | None = None
    extra_info: str | None = None
    active: bool = True
    language: str = "nl"  # the creating account's, for the mails about this profile
    events: list = dataclasses.field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def create(
        cls,
        *,
        account_id: str,
        email: str,
        categories: Sequence[str],
        now: dt.datetime,
        fields: dict,
        language: str = "nl",
    ):
        missing = [
            (field, "field.required", {})
            for field in EDITABLE
            if field not in ("enterprise_number", "extra_info") and fields.get(field) in (None, "")
        ]
        cleaned = {}
        try:
            cleaned = validated({k: v for k, v in fields.items() if k in EDITABLE and v not in (None, "")}, categories)
        except InvalidProfile as error:
            missing += [v for v in error.violations if v[0] not in {m[0] for m in missing}]
        if missing:
            raise InvalidProfile(missing)
        profile = cls(
            language=language if language in ("nl", "en") else "nl",
            id=str(uuid.uuid4()),
            name_key=name_key(cleaned["name"]),
            email=email,
            created_at=now,
            updated_at=now,
            **cleaned,
        )
        profile.events.append(events.ProfileCreated(profile.id, profile.name, email, account_id, profile.language))
        return profile

    def edit(self, account_id: str, changes: dict, categories: Sequence[str], now: dt.datetime) -> list[AuditEntry]:
        """Apply changes; one audit entry per changed field (the logo's bytes are not logged)."""
        cleaned = validated({k: v for k, v in changes.items() if k in EDITABLE}, categories)
        entries = []
        for field, value in cleaned.items():
            if field == "logo_type":
                continue
            old = getattr(self, field)
            if field == "categories":
                old = list(old)
            if old == value:
                continue
            entries.append(AuditEntry(self.id, account_id, now, field, _logged(field, old), _logged(field, value)))
            setattr(self, field, value)
        if "logo" in cleaned and entries and any(e.field == "logo" for e in entries):
            self.logo_type = cleaned["logo_type"]
        if "name" in cleaned:
            self.name_key = name_key(self.name)
        if entries:
            self.updated_at = now
            self.events.append(
                events.ProfileChanged(
                    self.id, self.name, self.email, [e.field for e in entries], account_id, self.language
                )
            )
        return entries

    def set_active(self, active: bool, by: str, now: dt.datetime) -> AuditEntry | None:
        if self.active == active:
            return None
        entry = AuditEntry(self.id, by, now, "active", str(self.active), str(active))
        self.active, self.updated_at = active, now
        self.events.append(events.ProfileChanged(self.id, self.name, self.email, ["active"], by, self.language))
        self.events.append((events.ProfileReactivated if active else events.ProfileDeactivated)(self.id, by))
        return entry
