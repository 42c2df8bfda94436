"""Front-office: the partner's own profile, its users, invitation codes and audit log."""

from flask import Response
from flask.views import MethodView

from portal_partners.api import partners
from portal_partners.api.schemas import (
    LOGO_HEADERS,
    AuditEntrySchema,
    InvitationSchema,
    MembershipSchema,
    NewProfileSchema,
    OpenInvitationSchema,
    ProfileFieldsSchema,
    ProfileSchema,
    RedeemSchema,
)
from portal_partners.service_layer import handlers
from portalkit.auth import current_principal, requires
from portalkit.web import Blueprint, one_page

blp = Blueprint("partner_profile", __name__, url_prefix="/api/v1/partner/profile", description="A partner's profile")


def _account_id() -> str:
    return current_principal().subject


@blp.route("")
class MyProfile(MethodView):
    @requires("partner")
    @blp.response(200, ProfileSchema)
    @blp.alt_response(404, description="No profile yet: create one, or link with an invitation code")
    def get(self):
        """The profile the account belongs to; 404 ``profile.none`` on first login."""
        return handlers.my_profile(partners().unit_of_work, _account_id())

    @requires("partner")
    @blp.arguments(ProfileFieldsSchema)
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": NewProfileSchema}}})
    @blp.response(201, ProfileSchema)
    def post(self, body):
        """Create the profile (one per account); the creating account's e-mail becomes the profile's."""
        principal = current_principal()
        return handlers.create_profile(
            partners().unit_of_work,
            account_id=principal.subject,
            email=principal.email or "",
            categories=partners().categories,
            fields=body,
            language=principal.claims.get("locale", "nl"),
        )

    @requires("partner")
    @blp.arguments(ProfileFieldsSchema, required=False)  # an empty change changes nothing
    @blp.response(200, ProfileSchema)
    def patch(self, body):
        """Change fields; each change is logged, and the profile's e-mail is told."""
        return handlers.edit_profile(partners().unit_of_work, _account_id(), partners().categories, body)


@blp.route("/logo")
class MyLogo(MethodView):
    @requires("partner")
    @blp.response(200, content_type="image/*")
    def get(self):
        """The profile's logo, with its own content type."""
        data, media_type, _ = handlers.my_logo(partners().unit_of_work, _account_id())
        return Response(data, mimetype=media_type, headers={"Cache-Control": "private, no-cache", **LOGO_HEADERS})


@blp.route("/link")
class Redeem(MethodView):
    @requires("partner")
    @blp.arguments(RedeemSchema)
    @blp.response(200, ProfileSchema)
    def post(self, body):
        """Link the account to an existing profile with a colleague's invitation code."""
        principal = current_principal()
        return handlers.redeem(
            partners().unit_of_work, account_id=principal.subject, email=principal.email or "", code=body["code"]
        )


@blp.route("/invitations")
class Invitations(MethodView):
    @requires("partner")
    @blp.response(200, OpenInvitationSchema(many=True))
    def get(self):
        """The profile's open codes (not used, withdrawn or expired), who made them and until when they work."""
        return handlers.open_invitations(partners().unit_of_work, _account_id())

    @requires("partner")
    @blp.response(201, InvitationSchema)
    def post(self):
        """A code for a colleague ("Gebruiker koppelen"): valid 5 days, usable once. Logged in the audit log."""
        return handlers.invite(partners().unit_of_work, _account_id())


@blp.route("/invitations/<invitation_id>")
class Invitation(MethodView):
    @requires("partner")
    @blp.response(204)
    @blp.alt_response(409, description="The code was used, has expired or was withdrawn already")
    def delete(self, invitation_id):
        """Withdraw an open code of the profile, whoever made it. Logged in the audit log."""
        handlers.withdraw_invitation(partners().unit_of_work, _account_id(), invitation_id)


@blp.route("/users")
class Users(MethodView):
    @requires("partner")
    @blp.response(200, MembershipSchema(many=True))
    def get(self):
        """Every account linked to the profile, and since when."""
        return handlers.users(partners().unit_of_work, _account_id())


@blp.route("/users/<account_id>")
class User(MethodView):
    @requires("partner")
    @blp.response(204)
    def delete(self, account_id):
        """Unlink an account: yourself (leave) or a colleague. Logged in the audit log."""
        handlers.unlink(partners().unit_of_work, _account_id(), account_id)


@blp.route("/audit")
class Audit(MethodView):
    @requires("partner")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Who changed what and when, newest first."""
        return one_page(
            pagination_parameters,
            lambda offset, limit: handlers.audit_log(partners().unit_of_work, _account_id(), offset, limit),
        )
