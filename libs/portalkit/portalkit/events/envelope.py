"""The one envelope every event travels in: ``id``, ``type``, ``occurred_at``, ``version``, ``data``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from typing import Any, ClassVar


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclasses.dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    occurred_at: str
    version: int
    data: dict[str, Any]

    @property
    def routing_key(self) -> str:
        """``<service>.<entity>.<verb>``: the type is the routing key."""
        return self.type

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> bytes:
        return json.dumps(self.as_dict(), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> Envelope:
        return cls(
            id=document["id"],
            type=document["type"],
            occurred_at=document["occurred_at"],
            version=document["version"],
            data=document["data"],
        )


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """Base of every service's events: a dataclass with a past-tense name, its type and version.

    ``type`` doubles as the routing key (``apps.application.approved``).
    """

    type: ClassVar[str]
    version: ClassVar[int] = 1

    def envelope(self, event_id: str | None = None, occurred_at: dt.datetime | None = None) -> Envelope:
        return Envelope(
            id=event_id or str(uuid.uuid4()),
            type=self.type,
            occurred_at=(occurred_at or utcnow()).isoformat().replace("+00:00", "Z"),
            version=self.version,
            data=json.loads(json.dumps(dataclasses.asdict(self), default=str)),
        )
