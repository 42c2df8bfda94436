"""Applications: the software of a partner that asks for a client ID and API access."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email

from portal_apps.domain.events import ApplicationRequested

NAME_MAX = 200
DESCRIPTION_MAX = 2000
CONTACT_MAX = 200


class Status(enum.StrEnum):
    NEW = "new"
    APPROVED = "approved"
    REJECTED = "rejected"
    ARCHIVED = "archived"


class InvalidApplication(ValueError):
    """Field rule violations, as (field, catalogue key, parameters)."""

    def __init__(self, violations: list[tuple[str, str, dict]]):
        super().__init__(", ".join(field for field, _, _ in violations))
        self.violations = violations


@dataclasses.dataclass
class Application:
    id: str
    partner_id: str
    name: str
    description: str
    technical_contact: str
    contact_email: str
    apis: list[str]
    status: Status
    created_at: dt.datetime
    updated_at: dt.datetime
    client_id: str | None = None
    events: list = dataclasses.field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def request(
        cls,
        *,
        partner_id: str,
        requested_by: str,
        name: str,
        description: str,
        technical_contact: str,
        contact_email: str,
        apis: Sequence[str],
        known_apis: Sequence[str],
        now: dt.datetime,
    ) -> Application:
        """A new application waiting for a moderator (manual 3.3.1)."""
        name, description, technical_contact = name.strip(), description.strip(), technical_contact.strip()
        violations = []
        for field, value, limit in (
            ("name", name, NAME_MAX),
            ("description", description, DESCRIPTION_MAX),
            ("technical_contact", technical_contact, CONTACT_MAX),
        ):
            if not value:
                violations.append((field, "field.required", {}))
            elif len(value) > limit:
                violations.append((field, "field.too_long", {"max": limit}))
        try:
            contact_email = validate_email(contact_email, check_deliverability=False).normalized
        except EmailNotValidError:
            violations.append(("contact_email", "field.email", {}))
        chosen = list(dict.fromkeys(apis))
        if not chosen:
            violations.append(("apis", "field.apis_empty", {}))
        for api in chosen:
            if api not in known_apis:
                violations.append(("apis", "field.api_unknown", {"api": api, "known": ", ".join(known_apis)}))
        if violations:
            raise InvalidApplication(violations)
        application = cls(
            id=str(uuid.uuid4()),
            partner_id=partner_id,
            name=name,
            description=description,
            technical_contact=technical_contact,
            contact_email=contact_email,
            apis=chosen,
            status=Status.NEW,
            created_at=now,
            updated_at=now,
        )
        application.events.append(
            ApplicationRequested(
                application_id=application.id,
                partner_id=partner_id,
                name=name,
                contact_email=contact_email,
                apis=chosen,
                requested_by=requested_by,
            )
        )
        return application
