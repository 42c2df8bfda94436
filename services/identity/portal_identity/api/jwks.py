"""The published JSON Web Key Set: what resource servers verify access tokens with."""

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from portal_identity.service_layer.keys import json_web_key_set
from portalkit.web import runtime

blp = Blueprint("jwks", __name__, url_prefix="/.well-known", description="Signing keys (RFC 7517)")


class JwkSetSchema(ma.Schema):
    keys = ma.fields.List(ma.fields.Dict(), required=True)


@blp.route("/jwks.json")
class JsonWebKeySet(MethodView):
    @blp.response(200, JwkSetSchema, headers={"Cache-Control": {"schema": {"type": "string"}}})
    def get(self):
        """Public keys that sign access tokens: the signing one, the next and the retiring ones."""
        return json_web_key_set(runtime().unit_of_work), 200, {"Cache-Control": "public, max-age=300"}
