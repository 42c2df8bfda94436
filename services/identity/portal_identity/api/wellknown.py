"""Discovery (RFC 8414) and the published JSON Web Key Set (RFC 7517)."""

import marshmallow as ma
from flask.views import MethodView

from portal_identity.service_layer.keys import json_web_key_set
from portalkit.web import Blueprint, runtime

blp = Blueprint("wellknown", __name__, url_prefix="/.well-known", description="Discovery and signing keys")
CACHE = {"Cache-Control": {"schema": {"type": "string"}}}
SECRET_AUTH = ["client_secret_basic", "client_secret_post", "private_key_jwt"]


class JwkSetSchema(ma.Schema):
    keys = ma.fields.List(ma.fields.Dict(), required=True)


def metadata() -> dict:
    """Exactly what this server supports; nothing it does not."""
    settings = runtime().settings
    base = settings.public_url.rstrip("/")
    return {
        "issuer": settings.token_issuer,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "introspection_endpoint": f"{base}/oauth/introspect",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "end_session_endpoint": f"{base}/oauth/logout",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [*SECRET_AUTH, "none"],
        "token_endpoint_auth_signing_alg_values_supported": ["ES256", "RS256"],
        "introspection_endpoint_auth_methods_supported": SECRET_AUTH,
        "revocation_endpoint_auth_methods_supported": [*SECRET_AUTH, "none"],
        "scopes_supported": list(settings.apis),
        "access_token_signing_alg_values_supported": ["ES256"],
        "ui_locales_supported": ["nl", "en"],
    }


@blp.route("/jwks.json")
class JsonWebKeySet(MethodView):
    @blp.response(200, JwkSetSchema, headers=CACHE)
    def get(self):
        """Public keys that sign access tokens: the signing one, the next and the retiring ones."""
        return json_web_key_set(runtime().unit_of_work), 200, {"Cache-Control": "public, max-age=300"}


@blp.route("/oauth-authorization-server")
class AuthorizationServerMetadata(MethodView):
    @blp.response(200, headers=CACHE)
    def get(self):
        """RFC 8414 authorization server metadata."""
        return metadata(), 200, {"Cache-Control": "public, max-age=3600"}


@blp.route("/openid-configuration")
class OpenIdConfiguration(MethodView):
    @blp.response(200, headers=CACHE)
    def get(self):
        """The same metadata at the OpenID discovery address, for clients that only look there."""
        return metadata(), 200, {"Cache-Control": "public, max-age=3600"}
