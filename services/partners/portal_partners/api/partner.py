"""Front-office: the partner's own profile, its users, invitation codes and audit log."""

from flask import Response
from flask.views import MethodView

from portal_partners.api.problems import answered_as_problems
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
from portalkit.web import Blueprint, one_page, runtime

blp = Blueprint("partner_profile", __name__, url_prefix="/api/v1/partner/profile", description="A partner's profile")


def _account() -> tuple[str, str]:
    principal = current_principal()
    return principal.subject, principal.email or ""


@blp.route("")
class MyProfile(MethodView):
    @requires("partner")
    @blp.response(200, ProfileSchema)
    @blp.alt_response(404, description="No profile yet: create one, or link with an invitation code")
    def get(self):
        """The profile the account belongs to; 404 ``profile.none`` on first login."""
        with answered_as_problems():
            return handlers.my_profile(runtime().unit_of_work, _account()[0])

    @requires("partner")
    @blp.arguments(ProfileFieldsSchema)
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": NewProfileSchema}}})
    @blp.response(201, ProfileSchema)
    def post(self, body):
        """Create the profile (one per account); the creating account's e-mail becomes the profile's."""
        account_id, email = _account()
        with answered_as_problems():
            return handlers.create_profile(
                runtime().unit_of_work,
                account_id=account_id,
                email=email,
                categories=runtime().settings.categories,
                fields=body,
                language=current_principal().claims.get("locale", "nl"),
            )

    @requires("partner")
    @blp.arguments(ProfileFieldsSchema, required=False)  # an empty change changes nothing
    @blp.response(200, ProfileSchema)
    def patch(self, body):
        """Change fields; each change is logged, and the profile's e-mail is told."""
        with answered_as_problems():
            return handlers.edit_profile(runtime().unit_of_work, _account()[0], runtime().settings.categories, body)


@blp.route("/logo")
class MyLogo(MethodView):
    @requires("partner")
    @blp.response(200, content_type="image/*")
    def get(self):
        """The profile's logo, with its own content type."""
        with answered_as_problems():
            partner_id = handlers.my_profile(runtime().unit_of_work, _account()[0]).id
            data, media_type, _ = handlers.logo(runtime().unit_of_work, partner_id, public=False)
        return Response(data, mimetype=media_type, headers={"Cache-Control": "private, no-cache", **LOGO_HEADERS})


@blp.route("/link")
class Redeem(MethodView):
    @requires("partner")
    @blp.arguments(RedeemSchema)
    @blp.response(200, ProfileSchema)
    def post(self, body):
        """Link the account to an existing profile with a colleague's invitation code."""
        account_id, email = _account()
        with answered_as_problems():
            return handlers.redeem(runtime().unit_of_work, account_id=account_id, email=email, code=body["code"])


@blp.route("/invitations")
class Invitations(MethodView):
    @requires("partner")
    @blp.response(200, OpenInvitationSchema(many=True))
    def get(self):
        """The profile's open codes (not used, withdrawn or expired), who made them and until when they work."""
        with answered_as_problems():
            return handlers.open_invitations(runtime().unit_of_work, _account()[0])

    @requires("partner")
    @blp.response(201, InvitationSchema)
    def post(self):
        """A code for a colleague ("Gebruiker koppelen"): valid 5 days, usable once. Logged in the audit log."""
        with answered_as_problems():
            return handlers.invite(runtime().unit_of_work, _account()[0])


@blp.route("/invitations/<invitation_id>")
class Invitation(MethodView):
    @requires("partner")
    @blp.response(204)
    @blp.alt_response(409, description="The code was used, has expired or was withdrawn already")
    def delete(self, invitation_id):
        """Withdraw an open code of the profile, whoever made it. Logged in the audit log."""
        with answered_as_problems():
            handlers.withdraw_invitation(runtime().unit_of_work, _account()[0], invitation_id)


@blp.route("/users")
class Users(MethodView):
    @requires("partner")
    @blp.response(200, MembershipSchema(many=True))
    def get(self):
        """Every account linked to the profile, and since when."""
        with answered_as_problems():
            return handlers.users(runtime().unit_of_work, _account()[0])


@blp.route("/users/<account_id>")
class User(MethodView):
    @requires("partner")
    @blp.response(204)
    def delete(self, account_id):
        """Unlink an account: yourself (leave) or a colleague. Logged in the audit log."""
        with answered_as_problems():
            handlers.unlink(runtime().unit_of_work, _account()[0], account_id)


@blp.route("/audit")
class Audit(MethodView):
    @requires("partner")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Who changed what and when, newest first."""
        with answered_as_problems():
            return one_page(
                pagination_parameters,
                lambda offset, limit: handlers.audit_log(runtime().unit_of_work, _account()[0], offset, limit),
            )
