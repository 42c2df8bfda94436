"""Clients for partners (secrets) and for the apps service (the real-time link check)."""

import hmac

from flask import request
from flask.views import MethodView

from portal_identity.api import identity
from portal_identity.api.schemas import (
    ClientSchema,
    ClientSecretInfoSchema,
    LinkCheckSchema,
    LinkRequestSchema,
    RevokeAllSecretsSchema,
    SecretSchema,
    SecretsRevokedSchema,
)
from portal_identity.domain.accounts import Role
from portal_identity.service_layer import clients
from portalkit.auth import current_principal, requires
from portalkit.problems import Problem
from portalkit.trust import acting_partner_id
from portalkit.web import Blueprint, runtime

blp = Blueprint("partner_clients", __name__, url_prefix="/api/v1/partner/clients", description="A partner's clients")
admin = Blueprint("admin_clients", __name__, url_prefix="/api/v1/admin/clients", description="Clients, for moderators")
internal = Blueprint(
    "internal_clients",
    __name__,
    url_prefix="/internal/v1/clients",
    description="For the portal's own services only; not routed by the gateway",
)


def _partner_id() -> str:
    return acting_partner_id("clients.no_profile")


@blp.route("/<client_id>")
class PartnerClient(MethodView):
    @requires(Role.PARTNER)
    @blp.response(200, ClientSchema)
    def get(self, client_id):
        """One of the partner's clients: when its secrets were made and expire (never the secrets), its grants."""
        return clients.client_of_partner(identity(), client_id, _partner_id())


@blp.route("/<client_id>/secret")
class ClientSecret(MethodView):
    @requires(Role.PARTNER)
    @blp.response(201, SecretSchema, headers={"Cache-Control": {"schema": {"type": "string"}}})
    def post(self, client_id):
        """A new secret, shown once. The previous one keeps working until ``previous_secret_expires_at``."""
        issued = clients.rotate_secret(identity(), client_id, _partner_id(), current_principal().subject)
        return issued, 201, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@blp.route("/<client_id>/secrets")
class ClientSecrets(MethodView):
    @requires(Role.PARTNER)
    @blp.response(200, ClientSecretInfoSchema(many=True))
    def get(self, client_id):
        """The live secrets: made when and by whom, last 4 characters (null when imported as a hash), expiry."""
        return clients.client_of_partner(identity(), client_id, _partner_id()).secrets


@blp.route("/<client_id>/secrets/<int:secret_id>")
class ClientSecretRevocation(MethodView):
    @requires(Role.PARTNER)
    @blp.response(204)
    def delete(self, client_id, secret_id):
        """Revoke one secret now (it leaked): ``invalid_client`` on every replica within a second."""
        clients.revoke_secret(identity(), client_id, secret_id, _partner_id(), current_principal().subject)


@admin.route("/<client_id>/revoke-secrets")
class EmergencyRevocation(MethodView):
    @requires(Role.MODERATOR)
    @admin.arguments(RevokeAllSecretsSchema)
    @admin.response(200, SecretsRevokedSchema)
    def post(self, body, client_id):
        """Emergency: end every secret of the client now; the partner is mailed with the reason."""
        revoked = clients.revoke_all_secrets(identity(), client_id, current_principal().subject, body["reason"])
        return {"client_id": client_id, "revoked": revoked}


def _require_internal_caller() -> None:
    expected = runtime().settings.internal_token
    header = request.headers.get("Authorization", "")
    sent = header[7:] if header.lower().startswith("bearer ") else ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Problem(401, "internal.forbidden", headers={"WWW-Authenticate": 'Bearer realm="internal"'})


@internal.route("/link/check")
class ClientLinkCheck(MethodView):
    @internal.arguments(LinkCheckSchema)
    @internal.response(200, ClientSchema)
    @internal.alt_response(409, description="The client is linked to another application")
    @internal.alt_response(422, description="The client id and secret do not match an active client")
    def post(self, body):
        """The first step of a link: check the client id and secret, and that the client is free; link nothing."""
        _require_internal_caller()
        return clients.check_link(identity(), **body)


@internal.route("/link")
class ClientLink(MethodView):
    @internal.arguments(LinkRequestSchema)
    @internal.response(200, ClientSchema)
    @internal.alt_response(409, description="The client is linked to another application")
    @internal.alt_response(422, description="The client id and secret do not match an active client")
    def post(self, body):
        """Check an existing client id and secret in real time and link the client to an application."""
        _require_internal_caller()
        return clients.link_client(identity(), **body)
