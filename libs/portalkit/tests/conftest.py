"""Fixtures of the library's tests: the demo service on a throw-away database and broker."""

import uuid

import pytest

from portalkit.auth import JwksCache, TokenVerifier
from portalkit.testing import AUDIENCE, ISSUER
from portalkit_demo import DEMO, metadata


@pytest.fixture
def demo_runtime(database_url):
    settings = DEMO.settings({}, database_url=database_url, broker_url=f"memory://{uuid.uuid4().hex}")
    current = DEMO.runtime(settings)
    metadata.create_all(current.database.engine)
    yield current
    current.close()


@pytest.fixture
def demo_app(demo_runtime, tokens):
    app = DEMO.create_app(runtime=demo_runtime)
    app.extensions["portal.verifier"] = TokenVerifier(JwksCache(tokens.jwks), ISSUER, AUDIENCE)
    return app
