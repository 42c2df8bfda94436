"""A service's worker process: its outbox relay and its event consumer, until SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import threading

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
