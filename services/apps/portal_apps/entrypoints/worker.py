"""``python -m portal_apps.entrypoints.worker``: the outbox relay and event consumer."""

from portal_apps.bootstrap import SERVICE
from portalkit.worker import run_worker

if __name__ == "__main__":
    run_worker(SERVICE)
