"""Applications: the software of a partner that uses a client ID and API access (manual 3.3).

Status machine: new -> approved | rejected | archived; rejected -> new (when the partner edits it);
approved -> archived. Every transition, edit and decision is recorded (who, when, reason) and announced.

An approved application's name and APIs were judged by a moderator: a new name or an added API becomes a
pending change that a moderator approves or rejects, while the approved values stay in force. One change
waits at a time; a later edit of the name or the APIs replaces it (the partner corrects a request without
waiting), and an edit back to the approved values withdraws it. Removing an API and the other fields take
effect at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email

from portal_apps.domain import events

NAME_MAX = 200
DESCRIPTION_MAX = 2000
CONTACT_MAX = 200
REASON_MAX = 2000
EDITABLE = ("name", "description", "technical_contact", "contact_email", "apis")
LINK_NAMESPACE = uuid.UUID("5d3c4a86-0f7e-4c55-9d0a-1f0c8b0e6a11")


class Status(enum.StrEnum):
    NEW = "new"
    APPROVED = "approved"
    REJECTED = "rejected"
    ARCHIVED = "archived"


TRANSITIONS = {
    Status.NEW: {Status.APPROVED, Status.REJECTED, Status.ARCHIVED},
    Status.REJECTED: {Status.NEW},
    Status.APPROVED: {Status.ARCHIVED},
    Status.ARCHIVED: set(),
}


class InvalidApplication(ValueError):
    """Field rule violations, as (field, catalogue key, parameters)."""

    def __init__(self, violations: list[tuple[str, str, dict]]):
        super().__init__(", ".join(field for field, _, _ in violations))
        self.violations = violations


class TransitionRefused(Exception):
    def __init__(self, current: str, wanted: str):
        super().__init__(f"{current} -> {wanted}")
        self.current = current
        self.wanted = wanted


class ChangeNotPending(Exception):
    """The change a moderator judges is no longer the one waiting: replaced, withdrawn or already judged."""


class RemovalNotConfirmed(Exception):
    """Unchecking APIs removes the schools' grants for them: the request must confirm it."""

    def __init__(self, apis: list[str]):
        super().__init__(", ".join(apis))
        self.apis = apis


@dataclasses.dataclass
class StatusChange:
    application_id: str
    from_status: str | None
    to_status: str
    changed_by: str
    changed_at: dt.datetime
    reason: str | None = None
    # "status" for a transition; "edited", "change_requested", "change_withdrawn", "change_approved" and
    # "change_rejected" keep the status and say in ``details`` what changed.
    kind: str = "status"
    details: dict | None = None
    id: int | None = None


@dataclasses.dataclass
class PendingChange:
    """A new name and/or added APIs of an approved application, waiting for a moderator."""

    id: str
    application_id: str
    name: str | None
    apis_added: list[str]
    requested_by: str
    requested_at: dt.datetime

    def diff(self, current_name: str) -> dict:
        """The change as history details, so the history keeps what was asked after the change is gone."""
        details: dict = {"apis_added": list(self.apis_added)} if self.apis_added else {}
        if self.name is not None:
            details["name"] = [current_name, self.name]
        return details


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidApplication(
            [("reason", "field.required" if not reason else "field.too_long", {"max": REASON_MAX})]
        )
    return reason


def validated_fields(fields: dict, known_apis: Sequence[str]) -> dict:
    """Cleaned values of the editable fields present in ``fields``; raises InvalidApplication."""
    cleaned, violations = {}, []
    for field, limit in (("name", NAME_MAX), ("description", DESCRIPTION_MAX), ("technical_contact", CONTACT_MAX)):
        if field in fields:
            value = (fields[field] or "").strip()
            if not value:
                violations.append((field, "field.required", {}))
            elif len(value) > limit:
                violations.append((field, "field.too_long", {"max": limit}))
            cleaned[field] = value
    if "contact_email" in fields:
        try:
            cleaned["contact_email"] = validate_email(
                fields["contact_email"] or "", check_deliverability=False
            ).normalized
        except EmailNotValidError:
            violations.append(("contact_email", "email.invalid", {}))
    if "apis" in fields:
        chosen = list(dict.fromkeys(fields["apis"] or []))
        if not chosen:
            violations.append(("apis", "field.apis_empty", {}))
        for api in chosen:
            if api not in known_apis:
                violations.append(("apis", "field.api_unknown", {"api": api, "known": ", ".join(known_apis)}))
        cleaned["apis"] = chosen
    if violations:
        raise InvalidApplication(violations)
    return cleaned


@dataclasses.dataclass
class Application:
    id: str
    partner_id: str
    name: str
    description: str
    technical_contact: str
    contact_email: str
    apis: list[str]
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    client_id: str | None = None
    pending_change: PendingChange | None = None
    history: list[StatusChange] = dataclasses.field(default_factory=list)
    events: list = dataclasses.field(default_factory=list, init=False, repr=False, compare=False)
    # The partner's profile name, known from the partners service's events; for listings only.
    partner_name: str | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def request(cls, *, partner_id: str, requested_by: str, known_apis: Sequence[str], now: dt.datetime, **fields):
        """A new application waiting for a moderator (manual 3.3.1)."""
        cleaned = validated_fields({field: fields.get(field) for field in EDITABLE}, known_apis)
        application = cls(
            id=str(uuid.uuid4()), partner_id=partner_id, status=Status.NEW, created_at=now, updated_at=now, **cleaned
        )
        application._record(None, Status.NEW, requested_by, now)
        application._announce_request(requested_by)
        return application

    @classmethod
    def linked_id(cls, partner_id: str, client_id: str) -> str:
        """The same id for the same partner and client, so a retried link finds its first attempt."""
        return str(uuid.uuid5(LINK_NAMESPACE, f"{partner_id}:{client_id}"))

    @classmethod
    def linked(
        cls,
        *,
        partner_id: str,
        linked_by: str,
        client_id: str,
        apis: list[str],
        known_apis: Sequence[str],
        now: dt.datetime,
        **fields,
    ):
        """Created at once as approved around an existing client; its APIs follow from the client's scopes."""
        cleaned = validated_fields({field: fields.get(field) for field in EDITABLE if field != "apis"}, known_apis)
        chosen = sorted({api for api in apis if api in known_apis})
        application = cls(
            id=cls.linked_id(partner_id, client_id),
            partner_id=partner_id,
            status=Status.APPROVED,
            created_at=now,
            updated_at=now,
            client_id=client_id,
            apis=chosen,
            **cleaned,
        )
        application._record(None, Status.APPROVED, linked_by, now, "linked an existing client")
        application.events.append(
            events.ApplicationLinked(application.id, partner_id, client_id, application.name, chosen)
        )
        return application

    # -- transitions --------------------------------------------------------------------------------
    def _move(self, to: Status, by: str, now: dt.datetime, reason: str | None = None) -> None:
        if to not in TRANSITIONS[Status(self.status)]:
            raise TransitionRefused(self.status, to)
        self._record(self.status, to, by, now, reason)
        self.status = to
        self.updated_at = now

    def _record(self, from_status, to_status, by, now, reason=None) -> None:
        self.history.append(StatusChange(self.id, from_status, to_status, by, now, reason))

    def _note(self, kind: str, by: str, now: dt.datetime, details: dict, reason: str | None = None) -> None:
        self.history.append(StatusChange(self.id, self.status, self.status, by, now, reason, kind, details))

    def _announce_request(self, by: str) -> None:
        self.events.append(
            events.ApplicationRequested(
                self.id, self.partner_id, self.name, self.contact_email, list(self.apis), by, self.description
            )
        )

    def approve(self, by: str, now: dt.datetime) -> None:
        self._move(Status.APPROVED, by, now)
        self.events.append(events.ApplicationApproved(self.id, self.partner_id, self.name, self.contact_email, by))

    def reject(self, by: str, reason: str, now: dt.datetime) -> None:
        reason = _reason(reason)
        self._move(Status.REJECTED, by, now, reason)
        self.events.append(
            events.ApplicationRejected(self.id, self.partner_id, self.name, self.contact_email, reason, by)
        )

    def archive(self, by: str, now: dt.datetime) -> None:
        self._move(Status.ARCHIVED, by, now)
        self.pending_change = None  # nothing left to judge
        self.events.append(events.ApplicationArchived(self.id, self.partner_id, by))

    def edit(
        self, changes: dict, by: str, known_apis: Sequence[str], confirm_removal: bool, now: dt.datetime
    ) -> list[str]:
        """Change fields; a rejected application goes back to the moderator, an approved one's new name and
        added APIs wait for one. Returns the APIs unchecked."""
        if self.status == Status.ARCHIVED:
            raise TransitionRefused(self.status, "edited")
        cleaned = validated_fields(changes, known_apis)
        removed = [api for api in self.apis if "apis" in cleaned and api not in cleaned["apis"]]
        if removed and self.status == Status.APPROVED and not confirm_removal:
            raise RemovalNotConfirmed(removed)
        if self.status == Status.APPROVED:
            self._propose(cleaned, by, now)
        changed = [field for field, value in cleaned.items() if getattr(self, field) != value]
        if not changed:
            return []
        for field in changed:
            setattr(self, field, cleaned[field])
        self.updated_at = now
        self._note("edited", by, now, {"fields": changed})
        if self.status == Status.REJECTED:
            self._move(Status.NEW, by, now, "edited after rejection")
            self._announce_request(by)
        self.events.append(
            events.ApplicationChanged(
                self.id, self.partner_id, self.name, self.contact_email, changed, by, self.description, list(self.apis)
            )
        )
        if removed and self.status == Status.APPROVED:
            self.events.append(events.ApisUnchecked(self.id, self.partner_id, removed))
        return removed

    def _propose(self, cleaned: dict, by: str, now: dt.datetime) -> None:
        """Take the new name and the added APIs out of ``cleaned`` into the pending change."""
        pending = self.pending_change
        name = pending.name if pending else None
        if "name" in cleaned:
            wanted = cleaned.pop("name")
            name = wanted if wanted != self.name else None
        added = list(pending.apis_added) if pending else []
        if "apis" in cleaned:
            added = [api for api in cleaned["apis"] if api not in self.apis]
            cleaned["apis"] = [api for api in self.apis if api in cleaned["apis"]]
            if not cleaned["apis"]:  # the added ones wait: the application would be left with none meanwhile
                raise InvalidApplication([("apis", "field.apis_keep_approved", {})])
        if pending and (pending.name, pending.apis_added) == (name, added):
            return
        if pending:
            self._note("change_withdrawn", by, now, pending.diff(self.name))
        self.pending_change = None
        if name is None and not added:
            return
        self.pending_change = PendingChange(str(uuid.uuid4()), self.id, name, added, by, now)
        self._note("change_requested", by, now, self.pending_change.diff(self.name))
        self.events.append(
            events.ApplicationChangeRequested(
                self.id, self.partner_id, self.pending_change.id, self.name, self.contact_email, name, added, by
            )
        )

    def _judged(self, change_id: str) -> PendingChange:
        change = self.pending_change
        if change is None or change.id != change_id:
            raise ChangeNotPending(change_id)
        self.pending_change = None
        return change

    def approve_change(self, change_id: str, by: str, now: dt.datetime) -> None:
        """The moderator accepts the new name and APIs: from now on they are the application's."""
        change = self._judged(change_id)
        self._note("change_approved", by, now, change.diff(self.name))
        previous = self.name
        self.name = change.name or self.name
        self.apis = [*self.apis, *change.apis_added]
        self.updated_at = now
        self.events.append(
            events.ApplicationChangeApproved(
                self.id,
                self.partner_id,
                change.id,
                self.name,
                previous,
                self.contact_email,
                list(self.apis),
                list(change.apis_added),
                by,
            )
        )

    def reject_change(self, change_id: str, by: str, reason: str, now: dt.datetime) -> None:
        """The moderator refuses the change, with a reason: the approved values stay."""
        reason = _reason(reason)
        change = self._judged(change_id)
        self._note("change_rejected", by, now, change.diff(self.name), reason)
        self.events.append(
            events.ApplicationChangeRejected(
                self.id,
                self.partner_id,
                change.id,
                self.name,
                self.contact_email,
                change.name,
                list(change.apis_added),
                reason,
                by,
            )
        )

    def client_issued(self, client_id: str) -> None:
        self.client_id = client_id
