"""The OAuth 2.0 endpoints in the identity service's OpenAPI document (as ORY Hydra's specification lists its
own): form parameters, the answers, and every error in the RFC 6749 format. The endpoints themselves are
Authlib's (:mod:`portal_identity.api.oauth`), outside flask-smorest, so they are described here by hand; a
contract test checks that the document and the server agree."""

from __future__ import annotations

from apispec import APISpec

FORM = "application/x-www-form-urlencoded"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
OAUTH_ERRORS = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "unsupported_token_type",
    "server_error",
]
TOKEN_TYPE_HINTS = ["access_token", "refresh_token"]

SCHEMAS = {
    "OAuthError": {
        "type": "object",
        "description": "RFC 6749 section 5.2 (also the token, introspection and revocation endpoints' 405, 413, 415, "
        "429 and 500)",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "enum": OAUTH_ERRORS},
            "error_description": {"type": "string"},
            "error_uri": {"type": "string"},
        },
    },
    "ClientAuthentication": {
        "type": "object",
        "description": "client_secret_post, or private_key_jwt (RFC 7523); client_secret_basic uses the "
        "Authorization header instead. One method per request.",
        "properties": {
            "client_id": {"type": "string"},
            "client_secret": {"type": "string", "writeOnly": True},
            "client_assertion_type": {"type": "string", "enum": [ASSERTION_TYPE]},
            "client_assertion": {"type": "string", "description": "A JWT signed with ES256 or RS256"},
        },
    },
    "TokenRequest": {
        "description": "RFC 6749 4.1.3 (authorization_code with PKCE, RFC 7636), 4.4.2 (client_credentials), "
        "6 (refresh_token)",
        "allOf": [
            {"$ref": "#/components/schemas/ClientAuthentication"},
            {
                "type": "object",
                "required": ["grant_type"],
                "properties": {
                    "grant_type": {
                        "type": "string",
                        "enum": ["client_credentials", "authorization_code", "refresh_token"],
                    },
                    "scope": {
                        "type": "string",
                        "description": "client_credentials: APIs (`leerlingen`) or one school's API "
                        "(`leerlingen:012345`), space-separated; absent: everything granted",
                    },
                    "code": {"type": "string", "description": "authorization_code"},
                    "redirect_uri": {"type": "string", "description": "authorization_code"},
                    "code_verifier": {"type": "string", "description": "authorization_code (PKCE)"},
                    "refresh_token": {"type": "string", "description": "refresh_token"},
                },
            },
        ],
    },
    "TokenResponse": {
        "type": "object",
        "required": ["access_token", "token_type", "expires_in", "scope"],
        "properties": {
            "access_token": {"type": "string", "description": "An RFC 9068 JWT (ES256)"},
            "token_type": {"type": "string", "enum": ["Bearer"]},
            "expires_in": {"type": "integer"},
            "scope": {"type": "string"},
            "refresh_token": {"type": "string", "description": "People only; rotates on every use"},
        },
    },
    "TokenRequestByHint": {
        "allOf": [
            {"$ref": "#/components/schemas/ClientAuthentication"},
            {
                "type": "object",
                "required": ["token"],
                "properties": {
                    "token": {"type": "string"},
                    "token_type_hint": {"type": "string", "enum": TOKEN_TYPE_HINTS},
                },
            },
        ],
    },
    "LogoutRequest": {
        "type": "object",
        "properties": {"post_logout_redirect_uri": {"type": "string"}, "client_id": {"type": "string"}},
    },
    "IntrospectionResponse": {
        "type": "object",
        "description": 'RFC 7662 2.2; an inactive, unknown or foreign token is just `{"active": false}`',
        "required": ["active"],
        "properties": {
            "active": {"type": "boolean"},
            "scope": {"type": "string"},
            "client_id": {"type": "string"},
            "sub": {"type": "string"},
            "token_type": {"type": "string"},
            "exp": {"type": "integer"},
            "iat": {"type": "integer"},
            "iss": {"type": "string"},
            "aud": {"type": ["string", "array"], "items": {"type": "string"}},
            "jti": {"type": "string"},
            "grants": {
                "type": "object",
                "description": "The grants in force now, intersected with the token's: {api: [institution]}",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "headers": {"Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}},
    }


def _errors(*extra: tuple[str, str]) -> dict:
    answers = {
        "400": _error(
            "invalid_request (also: a body that is not form-encoded), invalid_client, invalid_grant, "
            "unauthorized_client, unsupported_grant_type, invalid_scope"
        ),
        "401": {
            **_error("invalid_client when the client authenticated with HTTP Basic"),
            "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
        },
        "405": _error("Only POST"),
        "413": _error("The body is larger than the service accepts"),
        "415": _error("A body of a type no endpoint reads; send application/x-www-form-urlencoded"),
        "429": _error("Too many requests from this address (the gateway)"),
    }
    answers.update({status: _error(text) for status, text in extra})
    return answers


def _form(schema: str) -> dict:
    return {"required": True, "content": {FORM: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _query(name: str, description: str, required: bool = False, **schema) -> dict:
    return {
        "in": "query",
        "name": name,
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


REDIRECT = {"description": "Redirect", "headers": {"Location": {"schema": {"type": "string"}, "required": True}}}
HTML = {"text/html": {"schema": {"type": "string"}}}
LOGGED_OUT = {"200": {"description": "Signed out (HTML page)", "content": HTML}, "302": REDIRECT}
CLIENT_SECURITY = [{"clientBasic": []}, {}]

PATHS = {
    "/oauth/token": {
        "post": {
            "tags": ["oauth"],
            "summary": "Token endpoint (RFC 6749 3.2)",
            "description": "Client authentication: client_secret_basic, client_secret_post or private_key_jwt; "
            "the portal's own UIs are public clients (`none`) using authorization_code with PKCE (S256).",
            "security": CLIENT_SECURITY,
            "requestBody": _form("TokenRequest"),
            "responses": {
                "200": {
                    "description": "The token (`Cache-Control: no-store`)",
                    "headers": {"Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}}},
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenResponse"}}},
                },
                **_errors(),
            },
        }
    },
    "/oauth/introspect": {
        "post": {
            "tags": ["oauth"],
            "summary": "Token introspection (RFC 7662), for resource servers and a client's own tokens",
            "security": CLIENT_SECURITY,
            "requestBody": _form("TokenRequestByHint"),
            "responses": {
                "200": {
                    "description": "The token's state now",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IntrospectionResponse"}}},
                },
                **_errors(),
            },
        }
    },
    "/oauth/revoke": {
        "post": {
            "tags": ["oauth"],
            "summary": "Token revocation (RFC 7009): access and refresh tokens",
            "security": CLIENT_SECURITY,
            "requestBody": _form("TokenRequestByHint"),
            "responses": {"200": {"description": "Revoked, or unknown (the same answer)"}, **_errors()},
        }
    },
    "/oauth/authorize": {
        "get": {
            "tags": ["oauth"],
            "summary": "Authorization endpoint (RFC 6749 4.1.1) for the portal's own UIs, with PKCE (RFC 7636)",
            "description": "Without a login session: a redirect to the hosted login page (`/login?next=...`). "
            "With one: a redirect to the client's registered redirect URI with `code` and `state`, or with "
            "`error` (RFC 6749 4.1.2.1) once the client and its redirect URI are known to be right. An unknown "
            "client or redirect URI is never redirected to: an HTML error page (400).",
            "parameters": [
                _query("response_type", "Only `code`", required=True, enum=["code"]),
                _query("client_id", "`portal-front-office` or `portal-back-office`", required=True),
                _query("redirect_uri", "One of the client's registered redirect URIs"),
                _query("scope", "Ignored for the portal's own clients"),
                _query("state", "Returned unchanged"),
                _query("code_challenge", "BASE64URL(SHA-256(code_verifier))", required=True),
                _query("code_challenge_method", "Only `S256`", enum=["S256"]),
                _query("ui_locales", "The login page's language (`nl`, `en`)"),
            ],
            "responses": {
                "302": REDIRECT,
                "400": {"description": "Unknown client or redirect URI (HTML page)", "content": HTML},
            },
        }
    },
    "/oauth/logout": {
        "get": {
            "tags": ["oauth"],
            "summary": "Ends the login session (its refresh and access tokens too)",
            "parameters": [
                _query("post_logout_redirect_uri", "Followed only when it is a redirect URI of `client_id`"),
                _query("client_id", "One of the portal's own clients"),
            ],
            "responses": LOGGED_OUT,
        },
        "post": {
            "tags": ["oauth"],
            "summary": "The same, with the parameters in a form",
            "requestBody": {"content": {FORM: {"schema": {"$ref": "#/components/schemas/LogoutRequest"}}}},
            "responses": LOGGED_OUT,
        },
    },
}


def document_oauth(spec: APISpec) -> None:
    spec.components.security_scheme(
        "clientBasic", {"type": "http", "scheme": "basic", "description": "client_secret_basic (RFC 6749 2.3.1)"}
    )
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    for path, operations in PATHS.items():
        # Not spec.path(): its Flask plugin wants a Flask view, and these are Authlib's.
        spec._paths.setdefault(path, {}).update(operations)
