"""Authlib's authorization server, subclassed only where it needs our storage or differs from the RFCs.

- :class:`OAuthClient`: an immutable snapshot of a client as Authlib's ``ClientMixin`` sees it; the
  :class:`ClientDirectory` caches snapshots so a token request costs no database round trip.
- :class:`AccessTokenGenerator`: RFC 9068 JWTs signed with the current key, ``kid`` in the header.
- :class:`PortalAuthorizationServer`: ``invalid_client`` as RFC 6749 5.2 wants it (401 with
  ``WWW-Authenticate`` only for HTTP Basic, 400 otherwise) and one description for every failure, so
  the answer does not tell whether a client id exists.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import secrets
import threading
import time
from collections.abc import Callable

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.integrations.flask_oauth2.requests import FlaskOAuth2Payload, FlaskOAuth2Request
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, InvalidClientError, InvalidRequestError, OAuth2Request
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from flask import request as flask_request
from joserfc.jwk import ECKey, KeySet
from werkzeug.wrappers import Request

from portal_identity.adapters.hashing import SecretHasher
from portal_identity.domain.clients import Client, ClientKind, granted_scope
from portalkit.inputs import bad_text

CLIENT_AUTH_FAILED = "Client authentication failed."
ONE_AUTH_METHOD = "Use one client authentication method per request (RFC 6749 section 2.3)."
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
FORM_ENCODED = "application/x-www-form-urlencoded"
FORM_REQUIRED = f"The request body must be form-encoded ({FORM_ENCODED}), as RFC 6749 requires."


@dataclasses.dataclass(frozen=True)
class OAuthClient(ClientMixin):
    client_id: str
    kind: str
    active: bool
    secrets: tuple[tuple[str, dt.datetime | None], ...]
    grants: frozenset[tuple[str, str]]
    redirect_uris: tuple[str, ...]
    auth_methods: tuple[str, ...]
    jwks: dict | None
    jwks_uri: str | None
    hasher: SecretHasher = dataclasses.field(compare=False, repr=False)
    # Secret guessing (domain.throttle, key client:<id>): no authentication is heard before this moment.
    slowed_until: dt.datetime | None = None
    # Scopes worked out per requested scope string; lives as long as this cached copy of the client,
    # which a change of its grants replaces. Bounded: a client choosing new strings cannot grow it.
    _scopes: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)
    # What of a token's scope and grants these grants still hold, per token id (introspection); bounded.
    _in_force: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, client: Client, hasher: SecretHasher, slowed_until: dt.datetime | None = None) -> OAuthClient:
        return cls(
            client_id=client.client_id,
            kind=client.kind,
            active=client.active,
            secrets=tuple((s.secret_hash, s.expires_at) for s in client.secrets if s.revoked_at is None),
            grants=frozenset((grant.api, grant.institution) for grant in client.grants),
            redirect_uris=tuple(client.redirect_uris),
            auth_methods=client.auth_methods,
            jwks=client.jwks,
            jwks_uri=client.jwks_uri,
            hasher=hasher,
            slowed_until=slowed_until,
        )

    def wait_seconds(self, now: dt.datetime) -> int:
        if self.slowed_until is None or now >= self.slowed_until:
            return 0
        return max(1, int((self.slowed_until - now).total_seconds() + 0.999))

    @property
    def public(self) -> bool:
        return self.kind == ClientKind.PUBLIC

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        if self.public:
            return ""  # people's tokens carry roles, not API scopes
        allowed = self.granted(scope)
        return None if allowed is None else allowed[0]

    def granted(self, scope: str | None) -> tuple[str, dict[str, list[str]]] | None:
        """:func:`granted_scope` of this client's grants, remembered per scope string."""
        if scope not in self._scopes:
            allowed = granted_scope(self.grants, scope)
            if len(self._scopes) >= 32:
                return allowed
            self._scopes[scope] = allowed
        return self._scopes[scope]

    def in_force(self, claims: dict) -> tuple[str, dict[str, list[str]]]:
        """The scope and ``grants`` of a token of this client (its claims) that these grants still hold,
        remembered per token id."""
        found = self._in_force.get(claims.get("jti"))
        if found is None:
            granted = self.grants
            held = [(api, i) for api, institutions in claims.get("grants", {}).items() for i in institutions]
            allowed = granted_scope([grant for grant in held if grant in granted], None)[1]
            scope = " ".join(item for item in claims.get("scope", "").split() if item.partition(":")[0] in allowed)
            found = (scope, allowed)
            if len(self._in_force) >= 4096:
                self._in_force.clear()
            self._in_force[claims.get("jti")] = found
        return found

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        now = dt.datetime.now(dt.UTC)
        return any(
            (expires_at is None or now < expires_at) and self.hasher.verify(secret_hash, client_secret)
            for secret_hash, expires_at in self.secrets
        )

    @property
    def resource_server(self) -> bool:
        return self.kind == ClientKind.RESOURCE_SERVER

    def check_endpoint_auth_method(self, method, endpoint):
        if endpoint == "token":
            return method in self.auth_methods and not self.resource_server
        # Introspection and revocation: confidential clients as at the token endpoint; a public client
        # may revoke its own tokens (RFC 7009 section 5) and introspect nothing.
        return method in self.auth_methods and (not self.public or endpoint == "revocation")

    def check_response_type(self, response_type):
        return self.public and response_type == "code"

    def check_grant_type(self, grant_type):
        if self.public:
            return grant_type in ("authorization_code", "refresh_token")
        return grant_type == "client_credentials"


class ClientDirectory:
    """Client snapshots, cached per process for ``ttl`` seconds and dropped the moment a change commits.

    ``load`` gives the client (or None) and until when its authentication is slowed (or None).
    ``listening()`` says whether this process hears every change now (the change feed's connection is
    up); while it does not, nothing is served from the cache. A load that overlaps an invalidation is
    not cached, so a snapshot read before a change committed cannot outlive it.
    """

    def __init__(
        self,
        load: Callable[[str], tuple[Client | None, dt.datetime | None]],
        hasher: SecretHasher,
        ttl: float,
        listening: Callable[[], bool] = lambda: True,
    ):
        self._load = load
        self._hasher = hasher
        self._ttl = ttl
        self._listening = listening
        self._cache: dict[str, tuple[float, OAuthClient | None]] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, client_id: str) -> OAuthClient | None:
        now = time.monotonic()
        cached = self._cache.get(client_id)
        if cached is not None and now - cached[0] < self._ttl and self._listening():
            return cached[1]
        generation = self._generation
        client, slowed_until = self._load(client_id)
        snapshot = OAuthClient.of(client, self._hasher, slowed_until) if client is not None else None
        with self._lock:
            if len(self._cache) > 100_000:  # unknown ids must not grow the cache without bound
                self._cache.clear()
            if generation == self._generation:
                self._cache[client_id] = (now, snapshot)
        return snapshot

    def active(self, client_id: str) -> OAuthClient | None:
        if not isinstance(client_id, str) or not client_id or bad_text(client_id):
            return None  # from an HTTP Basic header or an assertion, unchecked so far: no such client
        snapshot = self.get(client_id)
        return snapshot if snapshot is not None and snapshot.active else None

    def invalidate(self, client_id: str | None = None) -> None:
        with self._lock:
            self._generation += 1
            if client_id is None:
                self._cache.clear()
            else:
                self._cache.pop(client_id, None)


def _b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


class Es256Signer:
    """Compact JWS with ES256, the token endpoint's hot path: the header segment is encoded once and
    the signature made straight with ``cryptography``, without a general JOSE library's per-token work.
    Tests verify its tokens with joserfc and with PyJWT."""

    def __init__(self, private_jwk: dict):
        key = ECKey.import_key(private_jwk)
        self.kid = key.kid
        self._private_key = key.private_key
        header = {"alg": "ES256", "typ": "at+jwt", "kid": key.kid}
        self._header = _b64url(json.dumps(header, separators=(",", ":")).encode())

    def sign(self, claims: dict) -> str:
        signing_input = self._header + b"." + _b64url(json.dumps(claims, separators=(",", ":")).encode())
        r, s = decode_dss_signature(self._private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return (signing_input + b"." + _b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))).decode()


class SigningKeyRing:
    """The key that signs now, reloaded when its signing period may have changed."""

    def __init__(self, load: Callable[[], tuple[dict, dt.datetime | None]], refresh_seconds: float = 30):
        self._load = load
        self._refresh_seconds = refresh_seconds
        self._signer: Es256Signer | None = None
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def current(self) -> Es256Signer:
        if time.monotonic() - self._loaded_at > self._refresh_seconds:
            with self._lock:
                private_jwk, _ = self._load()
                if self._signer is None or self._signer.kid != private_jwk.get("kid"):
                    self._signer = Es256Signer(private_jwk)
                self._loaded_at = time.monotonic()
        return self._signer


class AccessTokenGenerator(JWTBearerTokenGenerator):
    """RFC 9068 access tokens; Authlib's own leaves out ``kid``, which resource servers need."""

    def __init__(
        self,
        issuer: str,
        keys: SigningKeyRing,
        api_audience: str,
        portal_audience: str,
        lifetimes: dict[str, int],
        refresh_token_generator,
        user_claims: Callable[[object], dict],
    ):
        """``lifetimes``: seconds for ``client_credentials`` tokens and for ``people``'s."""
        super().__init__(
            issuer,
            alg="ES256",
            refresh_token_generator=refresh_token_generator,
            expires_generator=lambda client, grant_type: lifetimes.get(grant_type, lifetimes["people"]),
        )
        self.keys = keys
        self.api_audience = api_audience
        self.portal_audience = portal_audience
        self.user_claims = user_claims

    def get_audiences(self, client, user, scope):
        return self.portal_audience if user is not None else self.api_audience

    def get_extra_claims(self, client, grant_type, user, scope):
        if user is not None:
            return self.user_claims(user)
        allowed = client.granted(scope)
        return {"grants": allowed[1] if allowed else {}}

    def access_token_generator(self, client, grant_type, user, scope):
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": str(user.get_user_id()) if user is not None else client.get_client_id(),
            "aud": self.get_audiences(client, user, scope),
            "client_id": client.get_client_id(),
            "iat": now,
            "exp": now + self._get_expires_in(client, grant_type),
            "jti": secrets.token_hex(16),
            "scope": scope or "",
        }
        claims.update(self.get_extra_claims(client, grant_type, user, scope))
        return self.keys.current().sign(claims)

    def generate(self, grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=True):
        token = super().generate(grant_type, client, user, scope, expires_in, include_refresh_token)
        token["scope"] = token.get("scope") or ""  # the answer always names the scope, even when empty
        return token


class PrivateKeyJwt(JWTBearerClientAssertion):
    """``private_key_jwt`` (RFC 7523 section 2.2) with a replay cache of assertion ids."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, audiences: list[str], remember_jti: Callable[[str, str, int], bool], fetch_jwks: Callable):
        super().__init__(validate_jti=True, leeway=30)
        self._audiences = audiences
        self._remember_jti = remember_jti
        self._fetch_jwks = fetch_jwks

    def get_audiences(self):
        return self._audiences

    def validate_jti(self, claims, jti):
        return self._remember_jti(claims["sub"], str(jti), int(claims["exp"]))

    def process_assertion_claims(self, assertion, resolve_key):
        if not canonical_es256(assertion):
            raise InvalidClientError(description=CLIENT_AUTH_FAILED)
        return super().process_assertion_claims(assertion, resolve_key)

    def resolve_client_public_key(self, client):
        if client.jwks:
            return KeySet.import_key_set(client.jwks)
        if client.jwks_uri:
            return KeySet.import_key_set(self._fetch_jwks(client.jwks_uri))
        raise InvalidClientError(description=CLIENT_AUTH_FAILED)


def canonical_es256(assertion: str) -> bool:
    """False for an ES256 JWS whose signature is not the low-S form: (r, n - s) verifies as well as (r, s),
    so a lax verifier accepts a second encoding of one signature (malleability; a changed ``jti`` cache key
    is not needed to replay it). Other algorithms: True."""
    try:
        header_part, _, signature_part = assertion.split(".")
        header = json.loads(base64.urlsafe_b64decode(header_part + "=" * (-len(header_part) % 4)))
        if not isinstance(header, dict) or header.get("alg") != "ES256":
            return True
        signature = base64.urlsafe_b64decode(signature_part + "=" * (-len(signature_part) % 4))
    except ValueError:
        return True  # not a compact JWS: the verifier refuses it
    return len(signature) == 64 and int.from_bytes(signature[32:], "big") <= P256_ORDER // 2


class SlowDown(OAuth2Error):
    """Too many failed authentications of one client: not heard until ``retry_after`` seconds from now."""

    error = "slow_down"
    status_code = 429

    def __init__(self, retry_after: int):
        super().__init__(description=f"Too many failed attempts for this client; retry after {retry_after} s.")
        self.retry_after = retry_after

    def get_headers(self):
        return [*super().get_headers(), ("Retry-After", str(self.retry_after))]


def presented_client_authentication(request) -> tuple[list[str], str | None]:
    """The client authentication methods a request uses and the client id it names (unverified)."""
    form = request.form
    methods, client_id = [], None
    if request.headers.get("Authorization", "").strip().lower().startswith("basic"):
        methods.append("client_secret_basic")
        try:
            client_id = extract_basic_authorization(request.headers)[0]
        except (ValueError, UnicodeDecodeError):
            client_id = None
    if form.get("client_secret"):
        methods.append("client_secret_post")
        client_id = client_id or form.get("client_id")
    if form.get("client_assertion") or form.get("client_assertion_type"):
        methods.append("private_key_jwt")
        client_id = client_id or _unverified_subject(form.get("client_assertion") or "")
    return methods, client_id


def _unverified_subject(assertion: str) -> str | None:
    try:
        payload = assertion.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    subject = claims.get("sub") if isinstance(claims, dict) else None
    return subject if isinstance(subject, str) else None


class PublicOAuth2Request(FlaskOAuth2Request):
    """Authlib's request, addressed as clients reach it: at the portal's public URL. Behind nginx the hop
    to this service is plain HTTP under the public host name, which Authlib's TLS rule (RFC 6749 section
    1.6) would refuse although TLS ended in front; the public URL is what that rule must judge."""

    def __init__(self, request: Request, public_url: str):
        OAuth2Request.__init__(self, request.method, public_url + request.full_path.rstrip("?"))
        # Given to the constructor, the headers would be counted (``headers or {}``): a walk over the whole
        # WSGI environ, which granian fills with the process environment, on every token.
        self.headers = request.headers
        self._request = request
        self.payload = FlaskOAuth2Payload(request)


class PortalAuthorizationServer(AuthorizationServer):
    def __init__(
        self, app, public_url: str, *, client_failed: Callable[[str], None] = lambda client_id: None, **kwargs
    ):
        """``client_failed(client_id)``: record a failed authentication of a known client (secret guessing)."""
        self.public_url = public_url  # the portal's: what clients reach, whatever the last hop was
        self.client_failed = client_failed
        super().__init__(app, **kwargs)

    def create_oauth2_request(self, request):
        """The given request when there is one (the token shortcut has no Flask request context)."""
        return PublicOAuth2Request(request if isinstance(request, Request) else flask_request, self.public_url)

    def create_token_response(self, request=None):
        refused = self._refuse_unless_form_encoded(request)
        return refused if refused is not None else super().create_token_response(request)

    def create_endpoint_response(self, name, request=None):
        refused = self._refuse_unless_form_encoded(request)
        return refused if refused is not None else super().create_endpoint_response(name, request)

    def _refuse_unless_form_encoded(self, request):
        """RFC 6749 3.2, RFC 7662 2.1, RFC 7009 2.1: the parameters come form-encoded. A JSON (or any other)
        body gets ``invalid_request`` saying so, not a puzzling ``unsupported_grant_type``."""
        raw = request if isinstance(request, Request) else flask_request
        if raw.mimetype == FORM_ENCODED or (not raw.mimetype and not raw.content_length):
            return None
        return self.handle_error_response(None, InvalidRequestError(description=FORM_REQUIRED))

    def authenticate_client(self, request, methods, endpoint="token"):
        presented, client_id = presented_client_authentication(request)
        if len(presented) > 1:
            raise InvalidRequestError(ONE_AUTH_METHOD)
        known = self.query_client(client_id) if presented and client_id else None
        if known is not None and (wait := known.wait_seconds(dt.datetime.now(dt.UTC))):
            raise SlowDown(wait)
        try:
            return super().authenticate_client(request, methods, endpoint)
        except (InvalidClientError, ValueError) as error:  # Authlib raises ValueError on "Basic" alone
            if known is not None:
                self.client_failed(client_id)
            used_basic = presented == ["client_secret_basic"]
            raise InvalidClientError(status_code=401 if used_basic else 400, description=CLIENT_AUTH_FAILED) from error
