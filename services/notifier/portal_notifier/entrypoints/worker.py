"""``python -m portal_notifier.entrypoints.worker``: the outbox relay and event consumer."""

from portal_notifier.bootstrap import SERVICE
from portalkit.worker import run_worker

if __name__ == "__main__":
    run_worker(SERVICE)
