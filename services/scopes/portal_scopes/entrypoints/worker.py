"""``python -m portal_scopes.entrypoints.worker``: the outbox relay and event consumer."""

from portal_scopes.bootstrap import SERVICE
from portalkit.worker import run_worker

if __name__ == "__main__":
    run_worker(SERVICE)
