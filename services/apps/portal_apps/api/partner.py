"""Front-office: a partner's own applications."""

from flask.views import MethodView
from flask_smorest import Blueprint

from portal_apps.api.schemas import ApplicationRequestSchema, ApplicationSchema
from portal_apps.domain.model import InvalidApplication
from portal_apps.service_layer import handlers
from portalkit.auth import current_principal, requires
from portalkit.problems import Problem, field_problem
from portalkit.web import runtime

blp = Blueprint(
    "partner_applications", __name__, url_prefix="/api/v1/partner/applications", description="A partner's applications"
)


def _partner_id() -> str:
    partner_id = current_principal().claims.get("partner_id")
    if not partner_id:
        raise Problem(403, "apps.no_profile")
    return str(partner_id)


@blp.route("")
class ApplicationRequests(MethodView):
    @requires("partner")
    @blp.arguments(ApplicationRequestSchema)
    @blp.response(201, ApplicationSchema)
    def post(self, body):
        """Request a new client ID: the application waits for a moderator (status ``new``)."""
        try:
            return handlers.request_application(
                runtime().unit_of_work,
                partner_id=_partner_id(),
                requested_by=current_principal().subject,
                known_apis=runtime().settings.apis,
                **body,
            )
        except InvalidApplication as error:
            raise field_problem("apps.invalid", error.violations) from None


@blp.route("/<application_id>")
class ApplicationDetail(MethodView):
    @requires("partner")
    @blp.response(200, ApplicationSchema)
    def get(self, application_id):
        """One of the partner's applications; another partner's answers 404, so existence does not leak."""
        try:
            return handlers.application_of_partner(runtime().unit_of_work, _partner_id(), application_id)
        except handlers.NotFound:
            raise Problem(404, "apps.not_found") from None
