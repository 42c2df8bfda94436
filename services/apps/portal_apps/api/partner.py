"""Front-office: a partner's own applications."""

from flask.views import MethodView

from portal_apps.adapters.repositories import ApplicationFilter
from portal_apps.api import apps
from portal_apps.api.schemas import (
    ApplicationEditSchema,
    ApplicationLinkSchema,
    ApplicationRequestSchema,
    ApplicationSchema,
    CheckedClientSchema,
    ClientCredentialsSchema,
    StatusChangeSchema,
)
from portal_apps.service_layer import handlers
from portalkit.auth import current_principal, requires
from portalkit.trust import acting_partner_id
from portalkit.web import Blueprint, one_page

blp = Blueprint(
    "partner_applications", __name__, url_prefix="/api/v1/partner/applications", description="A partner's applications"
)


def _partner_id() -> str:
    return acting_partner_id("apps.no_profile")


@blp.route("")
class PartnerApplications(MethodView):
    @requires("partner")
    @blp.response(200, ApplicationSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The partner's applications, newest first."""
        return one_page(
            pagination_parameters,
            lambda offset, limit: handlers.search(
                apps().unit_of_work,
                ApplicationFilter(partner_id=_partner_id()),
                offset,
                limit,
            ),
        )

    @requires("partner")
    @blp.arguments(ApplicationRequestSchema)
    @blp.response(201, ApplicationSchema)
    def post(self, body):
        """Request a new client ID: the application waits for a moderator (status ``new``)."""
        return handlers.request_application(
            apps().unit_of_work,
            partner_id=_partner_id(),
            requested_by=current_principal().subject,
            known_apis=apps().known_apis,
            **body,
        )


@blp.route("/link/check")
class ApplicationLinkCheck(MethodView):
    @requires("partner")
    @blp.arguments(ClientCredentialsSchema)
    @blp.response(200, CheckedClientSchema)
    @blp.alt_response(409, description="This client is already linked to another application")
    @blp.alt_response(422, description="The client/secret entered is invalid")
    def post(self, body):
        """The link's first step (manual 3.3.2): check the client ID and secret before the application's
        properties are asked; nothing is linked yet."""
        return handlers.check_link(apps().unit_of_work, apps().identity, partner_id=_partner_id(), **body)


@blp.route("/link")
class ApplicationLink(MethodView):
    @requires("partner")
    @blp.arguments(ApplicationLinkSchema)
    @blp.response(201, ApplicationSchema)
    @blp.alt_response(409, description="This client is already linked to another application")
    @blp.alt_response(422, description="The client/secret entered is invalid")
    def post(self, body):
        """Link an existing client ID and secret: checked at once; the application is approved and keeps
        the client's scopes."""
        return handlers.link_application(
            apps().unit_of_work,
            apps().identity,
            partner_id=_partner_id(),
            linked_by=current_principal().subject,
            known_apis=apps().known_apis,
            **body,
        )


@blp.route("/<id:application_id>")
class PartnerApplication(MethodView):
    @requires("partner")
    @blp.response(200, ApplicationSchema)
    def get(self, application_id):
        """One of the partner's applications; another partner's answers 404, so existence does not leak."""
        return handlers.application_of_partner(apps().unit_of_work, _partner_id(), application_id)

    @requires("partner")
    @blp.arguments(ApplicationEditSchema)
    @blp.response(200, ApplicationSchema)
    @blp.alt_response(409, description="Unchecked APIs need confirm_removal, or the status forbids the change")
    def patch(self, body, application_id):
        """Change fields. A rejected application goes back to the moderator; unchecking an API needs
        ``confirm_removal`` and then removes the schools' grants for it. On an approved application a new
        name and added APIs become ``pending_change`` for a moderator, while the approved ones stay in force;
        a later edit of them replaces the pending change, and an edit back to the approved values withdraws
        it."""
        confirm = body.pop("confirm_removal")
        return handlers.edit_application(
            apps().unit_of_work,
            application_id,
            _partner_id(),
            changed_by=current_principal().subject,
            known_apis=apps().known_apis,
            confirm_removal=confirm,
            changes=body,
        )


@blp.route("/<id:application_id>/archive")
class PartnerArchive(MethodView):
    @requires("partner")
    @blp.response(200, ApplicationSchema)
    def post(self, application_id):
        """Archive: the application goes out of use and its client stops working."""
        return handlers.archive_by_partner(
            apps().unit_of_work, application_id, _partner_id(), current_principal().subject
        )


@blp.route("/<id:application_id>/history")
class PartnerHistory(MethodView):
    @requires("partner")
    @blp.response(200, StatusChangeSchema(many=True))
    def get(self, application_id):
        """Every status change, edit and decision on a change: who, when, and the reason of a rejection."""
        return handlers.history(apps().unit_of_work, application_id, _partner_id())
