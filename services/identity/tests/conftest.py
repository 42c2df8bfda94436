"""Fixtures of the identity tests: the service on both databases."""

import pytest

from identity_harness import INTERNAL_TOKEN, IdentityHarness
from portal_identity.bootstrap import SERVICE
from portalkit.testing import start_service


@pytest.fixture
def harness(database_url, tokens):
    app, runtime = start_service(SERVICE, database_url, tokens, internal_token=INTERNAL_TOKEN)
    return IdentityHarness(app, runtime)
