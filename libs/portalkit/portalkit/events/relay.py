"""The outbox relay: publishes committed events with confirms, then marks them sent.

At-least-once: a crash between the broker's confirm and the ``sent_at`` update publishes that batch
again, which the consumers' inboxes absorb. Several relays of one service may run at once; on
PostgreSQL ``FOR UPDATE SKIP LOCKED`` gives each its own rows.
"""

from __future__ import annotations

import json
import logging
import threading

import sqlalchemy as sa

from portalkit.db import Database
from portalkit.events.envelope import Envelope, utcnow
from portalkit.events.transport import Transport

log = logging.getLogger("portalkit.relay")


class OutboxRelay:
    def __init__(
        self,
        database: Database,
        outbox: sa.Table,
        transport: Transport,
        *,
        batch_size: int = 100,
        poll_seconds: float = 0.2,
        wakeup: threading.Event | None = None,
    ):
        self.database = database
        self.outbox = outbox
        self.transport = transport
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.wakeup = wakeup or threading.Event()

    def relay_once(self) -> int:
        """Publish one batch of unsent events; return how many. Raises when the broker fails."""
        outbox = self.outbox
        with self.database.session() as session:
            rows = session.execute(
                sa.select(outbox.c.seq, outbox.c.payload)
                .where(outbox.c.sent_at.is_(None))
                .order_by(outbox.c.seq)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            self.transport.publish([Envelope.from_dict(json.loads(row.payload)) for row in rows])
            session.execute(
                sa.update(outbox).where(outbox.c.seq.in_([row.seq for row in rows])).values(sent_at=utcnow())
            )
            session.commit()
        return len(rows)

    def run(self, stop: threading.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                relayed = self.relay_once()
            except Exception as error:  # noqa: BLE001 - any failure: keep the rows, try again later
                failures += 1
                delay = min(0.5 * 2**failures, 30)
                log.warning("outbox relay failed (%s: %s); again in %.1fs", type(error).__name__, error, delay)
                stop.wait(delay)
                continue
            failures = 0
            if relayed < self.batch_size:
                self.wakeup.wait(self.poll_seconds)
                self.wakeup.clear()
