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
def test_every_service_documents_health_where_the_gateway_serves_it_and_problem_errors(service):
    document = SERVED[service]
    assert {f"/_/{service}/healthz", f"/_/{service}/readyz"} <= set(document["paths"])
    assert not {"/healthz", "/readyz"} & set(document["paths"])  # the gateway does not serve those
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


@pytest.mark.parametrize("service", sorted(SERVED))
def test_no_internal_path_is_in_the_public_document(service):
    assert [path for path in SERVED[service]["paths"] if path.startswith("/internal")] == []


@pytest.mark.parametrize("service", sorted(SERVED))
def test_x_pagination_is_declared_as_the_json_it_is_on_every_list_endpoint(service):
    document = SERVED[service]
    header = document["components"]["headers"]["PAGINATION"]
    assert "schema" not in header and header["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Pagination"
    }
    for operations in document["paths"].values():
        operation = operations.get("get") or {}
        names = {p.get("name") for p in operation.get("parameters", [])}
        if {"page", "page_size"} <= names:
            assert operation["responses"]["200"]["headers"] == {
                "X-Pagination": {"$ref": "#/components/headers/PAGINATION"}
            }


OAUTH = {
    "/oauth/token": ("post", ["grant_type"]),
    "/oauth/introspect": ("post", ["token"]),
    "/oauth/revoke": ("post", ["token"]),
}


def _required(document: dict, schema: dict) -> set[str]:
    if "$ref" in schema:
        return _required(document, document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    return set(schema.get("required", [])).union(*(_required(document, part) for part in schema.get("allOf", [])))


def test_the_identity_document_lists_the_oauth_endpoints_with_form_parameters_and_rfc_6749_errors():
    document = SERVED["identity"]
    for path, (method, required) in OAUTH.items():
        operation = document["paths"][path][method]
        form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
        assert _required(document, form) == set(required), path
        for status in ("400", "401"):
            error = operation["responses"][status]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/OAuthError"}
    errors = document["components"]["schemas"]["OAuthError"]["properties"]["error"]["enum"]
    assert {"invalid_request", "invalid_client", "invalid_grant", "unsupported_grant_type", "invalid_scope"} <= set(
        errors
    )
    authorize = {p["name"]: p for p in document["paths"]["/oauth/authorize"]["get"]["parameters"]}
    assert {name for name, p in authorize.items() if p["required"]} == {"response_type", "client_id", "code_challenge"}
    assert authorize["code_challenge_method"]["schema"]["enum"] == ["S256"]
    assert {"get", "post"} <= set(document["paths"]["/oauth/logout"])


def test_creating_a_profile_documents_the_fields_the_server_requires():
    document = SERVED["partners"]
    body = document["paths"]["/api/v1/partner/profile"]["post"]["requestBody"]["content"]["application/json"]
    required = _required(document, body["schema"])
    assert required == {"name", "description", "contact_person", "address", "public", "categories", "website", "logo"}


def test_enumerations_are_in_the_schemas_as_configured():
    from portal_partners.config import CATEGORIES
    from portalkit.config import DATA_APIS

    partners, apps = SERVED["partners"], SERVED["apps"]
    assert partners["components"]["schemas"]["NewProfile"]["properties"]["categories"]["items"]["enum"] == list(
        CATEGORIES
    )
    assert apps["components"]["schemas"]["ApplicationRequest"]["properties"]["apis"]["items"]["enum"] == list(DATA_APIS)


@pytest.mark.parametrize("service", ["partners", "scopes"])
def test_free_text_query_parameters_declare_they_hold_no_nul(service):
    """The services refuse a NUL character in any text with 422 (portalkit.inputs); the contract says so, so a
    schema-valid request is never refused for it."""
    from portalkit.web import STORABLE_TEXT

    texts = [
        parameter["schema"]
        for operations in SERVED[service]["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and "string" in str(parameter["schema"].get("type"))
    ]
    free = [schema for schema in texts if not {"format", "enum", "const"} & set(schema)]
    assert free and all(schema.get("pattern") for schema in free)
    assert any(schema.get("pattern") == STORABLE_TEXT for schema in free)


def test_identity_lists_the_data_apis_apps_offers():
    """Discovery's scopes_supported and the APIs a partner may choose come from one list."""
    from portal_apps.config import AppsSettings
    from portal_identity.config import IdentitySettings
    from portalkit.config import DATA_APIS

    defaults = {
        settings.__name__: settings.__dataclass_fields__["apis"].default
        for settings in (IdentitySettings, AppsSettings)
    }
    assert defaults == {"IdentitySettings": DATA_APIS, "AppsSettings": DATA_APIS}
