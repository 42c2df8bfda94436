"""Accounts: registration, activation, password reset, the caller's own account, back-office users."""

from flask.views import MethodView

from portal_identity.api import identity
from portal_identity.api.schemas import (
    AccountSchema,
    AccountSearchSchema,
    BackOfficeAccountSchema,
    BackOfficeRightsSchema,
    RegistrationAcceptedSchema,
    RegistrationSchema,
    ResetRequestSchema,
    ResetSchema,
    TokenSchema,
)
from portal_identity.domain.accounts import Role, validated_email
from portal_identity.service_layer import accounts
from portalkit.auth import current_principal, requires
from portalkit.problems import Problem
from portalkit.web import Blueprint, one_page

blp = Blueprint("accounts", __name__, url_prefix="/api/v1/accounts", description="Accounts")


@blp.route("")
class Registration(MethodView):
    @blp.arguments(RegistrationSchema)
    @blp.response(202, RegistrationAcceptedSchema)
    def post(self, body):
        """Register a partner account; an activation mail is sent, login works after activation. The answer is
        the same when the address already has an account (its owner gets a mail instead)."""
        accounts.register(identity(), **body)
        return {"email": validated_email(body["email"])}


@blp.route("/activation")
class Activation(MethodView):
    @blp.arguments(TokenSchema)
    @blp.response(200, AccountSchema)
    def post(self, body):
        """Use the one-time link from the activation mail."""
        return accounts.activate(identity(), body["token"])


@blp.route("/password-reset")
class PasswordResetRequest(MethodView):
    @blp.arguments(ResetRequestSchema)
    @blp.response(202)
    def post(self, body):
        """Mail a reset link. The answer is the same whether or not the address has an account."""
        accounts.request_password_reset(identity(), body["email"])


@blp.route("/password-reset/confirm")
class PasswordReset(MethodView):
    @blp.arguments(ResetSchema)
    @blp.response(204)
    def post(self, body):
        """Choose a new password with the one-time link; a pending account is activated too."""
        accounts.reset_password(identity(), body["token"], body["password"])


@blp.route("/me")
class Me(MethodView):
    @requires()
    @blp.response(200, AccountSchema)
    def get(self):
        """The signed-in person's account."""
        found = accounts.account(identity(), current_principal().subject)
        if found is None:
            raise Problem(404, "accounts.not_found")
        return found


@blp.route("/users")
class BackOfficeUsers(MethodView):
    @requires(Role.MODERATOR)
    @blp.arguments(AccountSearchSchema, location="query")
    @blp.response(200, AccountSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Search accounts by e-mail and role (moderators)."""
        return one_page(
            pagination_parameters,
            lambda offset, limit: accounts.search_accounts(
                identity(), query["q"], query["role"], offset, limit, back_office=query["back_office"]
            ),
        )

    @requires(Role.MODERATOR)
    @blp.arguments(BackOfficeAccountSchema)
    @blp.response(201, AccountSchema)
    def post(self, body):
        """Create a moderator or a school admin with the institutions they administer (moderators). Without
        a password the account is pending and mailed, in its language, a link to choose one."""
        return accounts.create_back_office_account(identity(), **body)


@blp.route("/users/<account_id>")
class BackOfficeUser(MethodView):
    @requires(Role.MODERATOR)
    @blp.response(200, AccountSchema)
    def get(self, account_id):
        """One account (moderators)."""
        found = accounts.account(identity(), account_id)
        if found is None:
            raise Problem(404, "accounts.not_found")
        return found

    @requires(Role.MODERATOR)
    @blp.arguments(BackOfficeRightsSchema)
    @blp.response(200, AccountSchema)
    def put(self, body, account_id):
        """Change a back-office account's role, institutions and language (moderators; not one's own role).
        Rights taken away hold at once: the tokens the account holds are refused."""
        return accounts.change_back_office_account(identity(), account_id, by=current_principal().subject, **body)


@blp.route("/users/<account_id>/invitation")
class Invitation(MethodView):
    @requires(Role.MODERATOR)
    @blp.response(202, AccountSchema)
    @blp.alt_response(429, description="Sent a minute ago or five times today (Retry-After says when again)")
    def post(self, account_id):
        """Mail an invited account a new link to choose its password; earlier links stop working."""
        return accounts.resend_invitation(identity(), account_id)


@blp.route("/users/<account_id>/deactivate")
class Deactivation(MethodView):
    @requires(Role.MODERATOR)
    @blp.response(200, AccountSchema)
    def post(self, account_id):
        """Deactivate an account (moderators): it signs in nowhere, and every token it holds is refused by
        every service within a second."""
        return _set_active(account_id, False)


@blp.route("/users/<account_id>/reactivate")
class Reactivation(MethodView):
    @requires(Role.MODERATOR)
    @blp.response(200, AccountSchema)
    def post(self, account_id):
        """Activate a deactivated account again (moderators)."""
        return _set_active(account_id, True)


def _set_active(account_id: str, active: bool):
    return accounts.set_account_active(identity(), account_id, active, current_principal().subject)
