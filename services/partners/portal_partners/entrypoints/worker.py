"""``python -m portal_partners.entrypoints.worker``: the outbox relay and event consumer."""

from portal_partners.bootstrap import SERVICE
from portalkit.worker import run_worker

if __name__ == "__main__":
    run_worker(SERVICE)
