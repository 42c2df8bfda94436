"""The outbox relay: publishes committed events with confirms, then marks them sent.

At-least-once: a crash between the broker's confirm and the ``sent_at`` update publishes that batch
again, which the consumers' inboxes absorb. Several relays of one service may run at once; on
PostgreSQL ``FOR UPDATE SKIP LOCKED`` gives each its own rows.

Sent rows are kept (a record of what was announced), but not the one-time links some events carry: in the
transaction that marks them sent, the fields their contracts mark ``x-one-time-secret`` are redacted
(:mod:`portalkit.secrets`).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping

import sqlalchemy as sa

from portalkit.backoff import back_off
from portalkit.db import Database
from portalkit.events.envelope import Envelope, utcnow
from portalkit.events.transport import Transport
from portalkit.secrets import redacted_payload

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
        secret_fields: Mapping[str, frozenset[str]] | None = None,
    ):
        self.database = database
        self.outbox = outbox
        self.transport = transport
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.wakeup = wakeup or threading.Event()
        # event key (type.vN) -> data fields holding one-time links, redacted once sent
        self.secret_fields = dict(secret_fields or {})

    def relay_once(self) -> int:
        """Publish one batch of unsent events; return how many. Raises when the broker fails."""
        outbox = self.outbox
        with self.database.session() as session:
            rows = session.execute(
                sa.select(outbox.c.seq, outbox.c.type, outbox.c.payload)
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
            self._redact(session, rows)
            session.commit()
        return len(rows)

    def _redact(self, session, rows) -> None:
        for row in rows:
            fields = self.secret_fields.get(f"{row.type}.v{json.loads(row.payload).get('version')}")
            if fields:
                payload = redacted_payload(row.payload, fields)
                session.execute(sa.update(self.outbox).where(self.outbox.c.seq == row.seq).values(payload=payload))

    def redact_sent(self) -> int:
        """Redact the one-time links of rows sent before redaction existed; return how many rows changed."""
        if not self.secret_fields:
            return 0
        types = {key.rsplit(".v", 1)[0] for key in self.secret_fields}
        outbox, changed = self.outbox, 0
        with self.database.session() as session:
            rows = session.execute(
                sa.select(outbox.c.seq, outbox.c.type, outbox.c.payload).where(
                    outbox.c.sent_at.is_not(None), outbox.c.type.in_(types)
                )
            ).all()
            stale = [row for row in rows if "token=" in row.payload and "token=redacted" not in row.payload]
            self._redact(session, stale)
            session.commit()
            changed = len(stale)
        return changed

    def run(self, stop: threading.Event) -> None:
        try:
            if redacted := self.redact_sent():
                log.info("redacted the one-time links of %d sent outbox rows", redacted)
        except Exception as error:  # noqa: BLE001 - never keep the relay from publishing
            log.warning("could not redact sent outbox rows (%s)", error)
        failures = 0
        while not stop.is_set():
            try:
                relayed = self.relay_once()
            except Exception as error:  # noqa: BLE001 - any failure: keep the rows, try again later
                failures += 1
                delay = back_off(failures, 0.5, 30)
                log.warning("outbox relay failed (%s: %s); again in %.1fs", type(error).__name__, error, delay)
                stop.wait(delay)
                continue
            failures = 0
            if relayed < self.batch_size:
                self.wakeup.wait(self.poll_seconds)
                self.wakeup.clear()
