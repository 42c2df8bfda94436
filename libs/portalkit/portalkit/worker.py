"""A service's worker process: its outbox relay and its event consumer, until SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

from portalkit.logs import configure_logging
from portalkit.service import ServiceDefinition

log = logging.getLogger("portalkit.worker")


def run_worker(definition: ServiceDefinition) -> None:
    settings = definition.settings()
    configure_logging(definition.name, settings.log_level, settings.log_format)
    runtime = definition.runtime(settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    threads = runtime.start_background(stop)
    log.info("worker of %s started: %s", definition.name, ", ".join(t.name for t in threads))
    stop.wait()
    for thread in threads:
        thread.join(timeout=10)
    runtime.close()
    log.info("worker of %s stopped", definition.name)


def due_work_loop(
    name: str, send_due: Callable[[], int], subscribe: Callable[[Callable[[], None]], None], poll_seconds: float
) -> Callable[[threading.Event], None]:
    """A sender's loop (a ``background=`` entry): ``send_due()`` until it finds nothing, then sleep until
    newly recorded work wakes it (``subscribe``) or ``poll_seconds`` pass (retries that came due)."""
    wakeup = threading.Event()
    subscribe(wakeup.set)

    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                tried = send_due()
            except Exception:  # noqa: BLE001 - the database is away: keep the loop alive
                log.exception("%s failed", name)
                tried = 0
            if not tried and not stop.is_set():
                wakeup.wait(poll_seconds)
                wakeup.clear()

    return run
