"""What the webhooks service's use cases are wired to in one process: built once by ``bootstrap.wire``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Protocol

from portal_webhooks.adapters.http import Response
from portal_webhooks.domain.deliveries import RetryPolicy
from portal_webhooks.service_layer.unit_of_work import WebhooksUnitOfWork


class Sender(Protocol):
    def post(self, url: str, headers: dict[str, str], body: bytes) -> Response: ...


class Sealer(Protocol):
    def seal(self, secret: str) -> str: ...

    def open(self, sealed: str) -> str: ...


class Feed(Protocol):
    def announce(self, uow, key: str) -> None: ...

    def subscribe(self, wake: Callable[[], None]) -> None: ...


@dataclasses.dataclass(frozen=True)
class Webhooks:
    unit_of_work: Callable[[], WebhooksUnitOfWork]
    secrets: Sealer
    sender: Sender
    new_deliveries: Feed
    retry_policy: RetryPolicy
    secret_overlap: dt.timedelta
    development: bool
    poll_seconds: float
