"""Back-office: moderators' queue, search and decisions."""

from flask.views import MethodView

from portal_apps.adapters.repositories import ApplicationFilter
from portal_apps.api import apps
from portal_apps.api.schemas import ApplicationSchema, ApplicationSearchSchema, RejectionSchema, StatusChangeSchema
from portal_apps.service_layer import handlers
from portalkit.auth import current_principal, requires
from portalkit.web import Blueprint, one_page

blp = Blueprint(
    "admin_applications", __name__, url_prefix="/api/v1/admin/applications", description="Moderation of applications"
)


def _moderator() -> tuple[str, str | None]:
    principal = current_principal()
    return principal.subject, principal.claims.get("partner_id")


@blp.route("")
class Applications(MethodView):
    @requires("moderator")
    @blp.arguments(ApplicationSearchSchema, location="query")
    @blp.response(200, ApplicationSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Search all applications. ``status=new&oldest_first=true`` is the moderation queue.

        A search reaches its first 1,000 results and its pages end there; narrow it to see more. The total in
        ``X-Pagination`` is exact below 1,000 and 1,000 above, judged from the database's estimate when that is
        far above (a page near the end may then come back short, with the exact total).
        """
        return one_page(
            pagination_parameters,
            lambda offset, limit: handlers.search(
                apps().unit_of_work,
                ApplicationFilter(
                    text=query["q"],
                    status=query["status"],
                    partner_id=query["partner_id"],
                    api=query["api"],
                    created_from=query["created_from"],
                    created_to=query["created_to"],
                    oldest_first=query["oldest_first"],
                ),
                offset,
                limit,
            ),
        )


@blp.route("/changes")
class PendingChanges(MethodView):
    @requires("moderator")
    @blp.response(200, ApplicationSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The queue of changes: approved applications with a pending change, the longest waiting first."""
        return one_page(
            pagination_parameters,
            lambda offset, limit: handlers.pending_changes(apps().unit_of_work, offset, limit),
        )


@blp.route("/<id:application_id>")
class Application(MethodView):
    @requires("moderator")
    @blp.response(200, ApplicationSchema)
    def get(self, application_id):
        """Any application."""
        return handlers.application(apps().unit_of_work, application_id)


@blp.route("/<id:application_id>/approve")
class Approval(MethodView):
    @requires("moderator")
    @blp.response(200, ApplicationSchema)
    def post(self, application_id):
        """Approve a new application: the identity service issues its client; the partner is told."""
        moderator, partner_id = _moderator()
        return handlers.approve(apps().unit_of_work, application_id, moderator, partner_id)


@blp.route("/<id:application_id>/reject")
class Rejection(MethodView):
    @requires("moderator")
    @blp.arguments(RejectionSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, body, application_id):
        """Reject a new application with a reason; the partner is told and may edit and resubmit."""
        moderator, partner_id = _moderator()
        return handlers.reject(apps().unit_of_work, application_id, moderator, partner_id, body["reason"])


@blp.route("/<id:application_id>/changes/<change_id>/approve")
class ChangeApproval(MethodView):
    @requires("moderator")
    @blp.response(200, ApplicationSchema)
    @blp.alt_response(409, description="The change was replaced, withdrawn or judged meanwhile")
    def post(self, application_id, change_id):
        """Approve the pending change: the new name and APIs take effect, the added APIs become grantable."""
        moderator, partner_id = _moderator()
        return handlers.approve_change(apps().unit_of_work, application_id, change_id, moderator, partner_id)


@blp.route("/<id:application_id>/changes/<change_id>/reject")
class ChangeRejection(MethodView):
    @requires("moderator")
    @blp.arguments(RejectionSchema)
    @blp.response(200, ApplicationSchema)
    @blp.alt_response(409, description="The change was replaced, withdrawn or judged meanwhile")
    def post(self, body, application_id, change_id):
        """Reject the pending change with a reason: the application keeps its approved name and APIs."""
        moderator, partner_id = _moderator()
        return handlers.reject_change(
            apps().unit_of_work, application_id, change_id, moderator, partner_id, body["reason"]
        )


@blp.route("/<id:application_id>/archive")
class Archive(MethodView):
    @requires("moderator")
    @blp.response(200, ApplicationSchema)
    def post(self, application_id):
        """Archive an application: its client stops working."""
        return handlers.archive_by_moderator(apps().unit_of_work, application_id, current_principal().subject)


@blp.route("/<id:application_id>/history")
class History(MethodView):
    @requires("moderator")
    @blp.response(200, StatusChangeSchema(many=True))
    def get(self, application_id):
        """Every status change, edit and decision on a change of the application."""
        return handlers.history(apps().unit_of_work, application_id)
