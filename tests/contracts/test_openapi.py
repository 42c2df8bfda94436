"""The committed OpenAPI documents are what the services serve (``make contracts`` rewrites them)."""

import json

import pytest
from openapi_spec_validator import validate

from tests.contracts_tool import OPENAPI_DIR, render, served_documents

SERVED = served_documents()


@pytest.mark.parametrize("service", sorted(SERVED))
def test_committed_document_matches_the_served_one(service):
    committed = OPENAPI_DIR / f"{service}.json"
    assert committed.exists(), f"contracts/openapi/{service}.json is missing: run make contracts"
    assert committed.read_text() == render(SERVED[service]), (
        f"contracts/openapi/{service}.json drifted from the service: run make contracts and review the diff"
    )


@pytest.mark.parametrize("service", sorted(SERVED))
def test_document_is_valid_openapi(service):
    validate(json.loads((OPENAPI_DIR / f"{service}.json").read_text()))


@pytest.mark.parametrize("service", sorted(SERVED))
def test_every_service_documents_health_and_problem_errors(service):
    document = SERVED[service]
    assert {"/healthz", "/readyz"} <= set(document["paths"])
    default_error = document["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(default_error) == ["application/problem+json"]


@pytest.mark.parametrize("service", sorted(SERVED))
def test_every_integer_parameter_is_bounded(service):
    """A number a database integer cannot hold is refused by the schema (4xx), never an overflow (500)."""
    for path, operations in SERVED[service]["paths"].items():
        shared = operations.get("parameters", [])
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for parameter in operation.get("parameters", []) + shared:
                if parameter.get("schema", {}).get("type") != "integer":
                    continue
                assert parameter["schema"].get("maximum", 2**63) < 2**31, (service, method, path, parameter["name"])
