"""``python -m portal_webhooks.entrypoints.worker``: the outbox relay, the event consumer and the sender."""

from portal_webhooks.bootstrap import SERVICE
from portalkit.worker import run_worker

if __name__ == "__main__":
    run_worker(SERVICE)
