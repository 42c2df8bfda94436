"""Bearer-JWT verification against the identity server's JWKS, and role checks for views.

Every service verifies tokens itself: the gateway is not the only line of defence. A valid signature is
not enough: a token revoked since it was issued (``portalkit.trust``) is refused like a forged one. The
key set is cached and fetched again when a token names a key id the cache does not know (after a key
rotation), at most once per ``refresh_floor`` seconds so a flood of forged kids cannot hammer the
identity server.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
from collections.abc import Callable

import requests
from flask import current_app, g, request
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from portalkit.problems import Problem

SIGNING_ALGORITHMS = ("ES256", "RS256", "EdDSA")
LEEWAY = 30  # seconds of clock difference accepted on exp and iat


class TokenError(Exception):
    """The token cannot be trusted; the message says why (for logs, never for clients)."""


def fetch_jwks_over_http(url: str) -> dict:
    response = requests.get(url, timeout=5)
    response.raise_for_status()
    return response.json()


class JwksCache:
    def __init__(self, fetch: Callable[[], dict], ttl: float = 300, refresh_floor: float = 10):
        self._fetch = fetch
        self._ttl = ttl
        self._refresh_floor = refresh_floor
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        document = self._fetch()
        self._keys = KeySet.import_key_set(document)
        self._fetched_at = time.monotonic()

    def key_set(self, kid: str | None) -> KeySet:
        with self._lock:
            age = time.monotonic() - self._fetched_at
            stale = self._keys is None or age > self._ttl
            unknown = kid is not None and self._keys is not None and not any(key.kid == kid for key in self._keys.keys)
            if stale or (unknown and age > self._refresh_floor):
                try:
                    self._refresh()
                except (requests.RequestException, ValueError, JoseError) as error:
                    if self._keys is None:
                        raise TokenError(f"JWKS unavailable: {error}") from error
            return self._keys


@dataclasses.dataclass(frozen=True)
class Principal:
    """Who calls: a person (sub, email, roles, institutions) or a client (client_id, scopes)."""

    subject: str
    roles: frozenset[str]
    email: str | None = None
    institutions: frozenset[str] = frozenset()
    client_id: str | None = None
    scopes: frozenset[str] = frozenset()
    claims: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)


class TokenVerifier:
    def __init__(self, jwks: JwksCache, issuer: str, audience: str, leeway: int = LEEWAY):
        self._jwks = jwks
        self._registry = jwt.JWTClaimsRegistry(
            leeway=leeway,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            sub={"essential": True},
        )

    def verify(self, token: str) -> Principal:
        try:
            header = jws.extract_compact(token.encode("ascii")).protected
            if header.get("typ", "").lower() not in {"at+jwt", "application/at+jwt"}:
                raise TokenError("not an access token (typ)")
            decoded = jwt.decode(token, self._jwks.key_set(header.get("kid")), algorithms=list(SIGNING_ALGORITHMS))
            self._registry.validate(decoded.claims)
        except (JoseError, ValueError, UnicodeError) as error:
            raise TokenError(str(error)) from error
        claims = decoded.claims
        roles = claims.get("roles") or []
        return Principal(
            subject=str(claims["sub"]),
            roles=frozenset(roles if isinstance(roles, list) else [roles]),
            email=claims.get("email"),
            institutions=frozenset(str(i) for i in claims.get("institutions") or []),
            client_id=claims.get("client_id"),
            scopes=frozenset((claims.get("scope") or "").split()),
            claims=claims,
        )


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header; None for no header or another scheme."""
    scheme, _, value = (header or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def trusted_principal(app, token: str) -> Principal:
    """Who ``token`` says calls, when ``app``'s verifier accepts it and it is not revoked (else TokenError)."""
    principal = app.extensions["portal.verifier"].verify(token)
    if app.extensions["portal.runtime"].trust.revoked(principal.claims):
        raise TokenError("revoked")
    return principal


def current_principal() -> Principal:
    return g.principal


def authenticate() -> Principal:
    token = bearer_token(request.headers.get("Authorization"))
    if token is None:
        raise Problem(401, "problem.token_missing", headers={"WWW-Authenticate": 'Bearer realm="portal"'})
    try:
        principal = trusted_principal(current_app, token)
    except TokenError as error:
        current_app.logger.info("rejected bearer token: %s", error)
        raise Problem(
            401,
            "problem.token_invalid",
            headers={"WWW-Authenticate": 'Bearer realm="portal", error="invalid_token"'},
        ) from None
    g.principal = principal
    return principal


def requires(*roles: str) -> Callable:
    """View decorator: a valid bearer token, and one of ``roles`` when given.

    It also documents the security requirement and the 401/403 answers in the OpenAPI document.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = authenticate()
            if roles and not principal.roles & set(roles):
                raise Problem(403, "problem.role_missing", roles=", ".join(roles))
            return view(*args, **kwargs)

        apidoc = getattr(wrapper, "_apidoc", {})
        manual = apidoc.setdefault("manual_doc", {})
        manual["security"] = [{"bearerAuth": []}]
        responses = manual.setdefault("responses", {})
        responses["401"] = {"description": "Missing or invalid bearer token"}
        if roles:
            responses["403"] = {"description": f"Requires role: {' or '.join(roles)}"}
            manual["x-roles"] = list(roles)  # the same, for tools (the contract fuzz test signs in as one)
        wrapper._apidoc = apidoc
        return wrapper

    return decorate
