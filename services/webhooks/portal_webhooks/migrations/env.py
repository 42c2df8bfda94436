from portal_webhooks.adapters.orm import metadata
from portalkit.migrations import run_env

run_env(metadata)
