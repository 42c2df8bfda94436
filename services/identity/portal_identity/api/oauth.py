"""The OAuth 2.0 endpoints, on Authlib: token, authorize, introspect, revoke, logout.

All Authlib wiring is in :func:`config_oauth`; grants and endpoints are subclassed only for storage.
These endpoints answer in the RFC 6749 error format, not problem+json.
"""

from __future__ import annotations

from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InvalidRequestError, grants
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from flask import Blueprint, Flask, current_app, redirect, render_template, request, session

from portal_identity.adapters.oauth import AccessTokenGenerator, PortalAuthorizationServer, PrivateKeyJwt
from portal_identity.api import identity
from portal_identity.api.pages import LOGIN_SESSION, page_texts
from portal_identity.domain.redirects import malformed_authorization_parameter
from portal_identity.service_layer import sessions, tokens
from portal_identity.service_layer.context import Identity
from portalkit.auth import fetch_jwks_over_http
from portalkit.i18n import SUPPORTED_LANGUAGES
from portalkit.inputs import bad_fields, checks_its_own_input

blp = Blueprint("oauth", __name__, url_prefix="/oauth")
SECRET_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]


class S256Only(CodeChallenge):
    """PKCE with S256 only: ``plain`` protects nothing against an interceptor who reads the request."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        """Every authorization request must carry a challenge: all our code clients are public."""
        if not grant.request.payload.data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge'")
        super().validate_code_challenge(grant, redirect_uri)


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = SECRET_METHODS


# The portal's code and refresh clients are public ("none"); a confidential client that authenticates
# with its secret is let in only to be told it may not use the grant (RFC 6749 5.2 unauthorized_client).
PEOPLE_GRANT_AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"]


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = PEOPLE_GRANT_AUTH_METHODS

    def save_authorization_code(self, code, request):
        tokens.save_authorization_code(identity(), code, request.client.client_id, request.user.id, request)

    def query_authorization_code(self, code, client):
        return tokens.take_authorization_code(identity(), code, client.client_id)

    def delete_authorization_code(self, authorization_code):
        """Already deleted when it was read: a code works once."""

    def authenticate_user(self, authorization_code):
        return sessions.signed_in(identity(), authorization_code.session_id)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = PEOPLE_GRANT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        return tokens.find_refresh_token(identity(), refresh_token)

    def authenticate_user(self, refresh_token):
        return sessions.signed_in(identity(), refresh_token.session_id)

    def revoke_old_credential(self, refresh_token):
        tokens.rotate_refresh_token(identity(), refresh_token)


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = SECRET_METHODS

    def query_token(self, token_string, token_type_hint):
        return tokens.find_token(identity(), token_string, token_type_hint)

    def check_permission(self, token, client, request):
        return client.resource_server or token.check_client(client)

    def introspect_token(self, token):
        return tokens.introspect(identity(), token)


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = [*SECRET_METHODS, "none"]

    def query_token(self, token_string, token_type_hint):
        return tokens.find_token(identity(), token_string, token_type_hint)

    def revoke_token(self, token, request):
        tokens.revoke(identity(), token)


def config_oauth(app: Flask, identity: Identity) -> PortalAuthorizationServer:
    settings = identity.settings
    server = PortalAuthorizationServer(
        app,
        identity.public_url,
        query_client=identity.clients.active,
        save_token=_save_token,
        client_failed=lambda client_id: tokens.client_authentication_failed(identity, client_id),
    )

    def remember_jti(client_id: str, jti: str, expires: int) -> bool:
        return tokens.remember_assertion(identity, client_id, jti, expires)

    server.register_client_auth_method(
        PrivateKeyJwt.CLIENT_AUTH_METHOD,
        PrivateKeyJwt(
            [f"{identity.public_url}/oauth/token", settings.token_issuer], remember_jti, fetch_jwks_over_http
        ),
    )
    server.register_token_generator(
        "default",
        AccessTokenGenerator(
            issuer=settings.token_issuer,
            keys=identity.keys,
            api_audience=settings.api_audience,
            portal_audience=settings.token_audience,
            lifetimes={
                "client_credentials": settings.access_token_seconds,
                "people": settings.person_access_token_seconds,
            },
            refresh_token_generator=tokens.new_refresh_token,
            user_claims=lambda person: person.claims(),
        ),
    )
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(AuthorizationCodeGrant, [S256Only(required=True)])
    server.register_grant(RefreshTokenGrant)
    server.register_endpoint(Introspection)
    server.register_endpoint(Revocation)
    app.extensions["oauth_server"] = server
    return server


def _save_token(token, request):
    """Access tokens are self-contained JWTs: nothing is written per token. Refresh tokens are stored."""
    if "refresh_token" in token and request.user is not None:
        previous = getattr(request, "refresh_token", None)
        tokens.save_refresh_token(
            identity(),
            token,
            request.client.client_id,
            request.user,
            previous.family_id if previous is not None else None,
        )


def _server() -> PortalAuthorizationServer:
    return current_app.extensions["oauth_server"]


@blp.route("/token", methods=["POST"])
def token():
    """RFC 6749 section 3.2. Normally ``hot_paths.TokenShortcut`` answers first; this serves the bare Flask app."""
    return _server().create_token_response()


@blp.route("/introspect", methods=["POST"])
def introspect():
    """RFC 7662."""
    return _server().create_endpoint_response(Introspection.ENDPOINT_NAME)


@blp.route("/revoke", methods=["POST"])
def revoke():
    """RFC 7009."""
    return _server().create_endpoint_response(Revocation.ENDPOINT_NAME)


@blp.route("/authorize", methods=["GET"])
@checks_its_own_input
def authorize():
    """The portal's UIs are first-party clients: a logged-in person is not asked for consent. The request is
    checked before anyone is asked to sign in (RFC 6749 4.1.2.1): a wrong one never reaches the login page.
    A NUL character or lone surrogate in any parameter is answered on the server's own 400 page, like a
    malformed parameter (never problem+json, never echoed to a redirect URI)."""
    refused = bad_fields(request.args)
    malformed = ascii(refused[0][0])[1:-1] if refused else malformed_authorization_parameter(request.args)
    if malformed is not None:
        message = page_texts()["authorize_malformed"].replace("{parameter}", malformed)
        return render_template("error.html", t=page_texts(), message=message), 400
    person = signed_in_account()
    try:
        grant = _server().get_consent_grant(end_user=person)
    except OAuth2Error as error:
        if error.redirect_uri:  # the client is known and its redirect URI checked: tell it there
            return _server().handle_error_response(request, error)
        texts = page_texts()
        return render_template("error.html", t=texts, message=error.get_error_description() or error.error), 400
    if person is None:
        language = request.args.get("ui_locales", "").split(" ")[0]  # OpenID's hint for the login page
        query = {"next": request.full_path, **({"lang": language} if language in SUPPORTED_LANGUAGES else {})}
        return redirect("/login?" + urlencode(query))
    return _server().create_authorization_response(grant_user=person, grant=grant)


@blp.route("/logout", methods=["GET", "POST"])
@checks_its_own_input
def logout():
    """Ends the login session everywhere (its refresh and access tokens too); returns only to a redirect
    URI of one of the portal's own clients. Parameters holding a NUL character or lone surrogate name no
    client: the session still ends, on the server's own page (never a problem+json to a browser)."""
    sessions.end(identity(), session.get(LOGIN_SESSION))
    session.clear()
    target = request.values.get("post_logout_redirect_uri", "")
    refused = bad_fields(request.args) + bad_fields(request.form)
    client = None if refused else identity().clients.active(request.values.get("client_id", ""))
    if client is not None and client.public and target in client.redirect_uris:
        return redirect(target)
    texts = page_texts()
    return render_template("message.html", t=texts, title=texts["logged_out_title"], message=texts["logged_out"])


def signed_in_account():
    """The person of the cookie's login session, if the server still holds it live and the account active."""
    return sessions.signed_in(identity(), session.get(LOGIN_SESSION))
