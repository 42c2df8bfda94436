"""The signal that mail was recorded: it wakes the mail senders of every process of the notifier at commit."""

from __future__ import annotations

from collections.abc import Callable

from portalkit.changes import ChangeFeed
from portalkit.db import Database
from portalkit.uow import UnitOfWork


class NewMailFeed:
    def __init__(self, database: Database, channel: str):
        self._feed = ChangeFeed(database, channel)

    def announce(self, uow: UnitOfWork, event_id: str) -> None:
        """Inside the transaction that recorded the event's mail: heard only if it commits."""
        self._feed.announce(uow.session, event_id)

    def subscribe(self, wake: Callable[[], None]) -> None:
        self._feed.subscribe(lambda _event_id: wake())

    def close(self) -> None:
        self._feed.close()
