"""``python -m portal_identity.entrypoints.worker``: the outbox relay and event consumer."""

from portal_identity.bootstrap import SERVICE
from portalkit.worker import run_worker

if __name__ == "__main__":
    run_worker(SERVICE)
