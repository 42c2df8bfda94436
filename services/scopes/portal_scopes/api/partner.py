"""Front-office: a partner asks school admins for data access and follows the requests."""

from flask.views import MethodView

from portal_scopes.api import scopes
from portal_scopes.api.schemas import (
    AccessRequestInputSchema,
    AccessRequestSchema,
    GrantedSchoolsQuerySchema,
    RequestLimitsQuerySchema,
    RequestLimitsSchema,
    RequestListQuerySchema,
    SchoolAccessSchema,
)
from portal_scopes.service_layer import handlers
from portalkit.auth import current_principal, requires
from portalkit.trust import acting_partner_id
from portalkit.web import Blueprint

blp = Blueprint("partner_access", __name__, url_prefix="/api/v1/partner/access-requests", description="Access requests")


def _partner_id() -> str:
    return acting_partner_id("requests.no_profile")


@blp.route("")
class AccessRequests(MethodView):
    @requires("partner")
    @blp.arguments(AccessRequestInputSchema)
    @blp.response(201, AccessRequestSchema(many=True))
    @blp.alt_response(429, description="A daily limit is reached (Retry-After says when it frees up)")
    def post(self, body):
        """Ask school admins (addresses separated by ';') for access; each gets a mail with a one-month link."""
        service = scopes()
        return handlers.request_access(
            service.unit_of_work,
            public_url=service.public_url,
            valid_days=service.request_valid_days,
            partner_id=_partner_id(),
            requested_by=current_principal().subject,
            application_id=body["application_id"],
            emails=body["emails"],
            limits=service.request_limits,
        )

    @requires("partner")
    @blp.arguments(RequestListQuerySchema, location="query")
    @blp.response(200, AccessRequestSchema(many=True))
    def get(self, query):
        """The requests the partner sent: to whom, when, and whether answered or expired."""
        return handlers.requests_of_partner(scopes().unit_of_work, _partner_id(), query["application_id"])


@blp.route("/limits")
class AccessRequestLimits(MethodView):
    @requires("partner")
    @blp.arguments(RequestLimitsQuerySchema, location="query")
    @blp.response(200, RequestLimitsSchema)
    def get(self, query):
        """How many addresses a request may name and how many requests are left within 24 hours."""
        return handlers.request_limits(
            scopes().unit_of_work, scopes().request_limits, _partner_id(), query["application_id"]
        )


@blp.route("/grants")
class GrantedSchools(MethodView):
    @requires("partner")
    @blp.arguments(GrantedSchoolsQuerySchema, location="query")
    @blp.response(200, SchoolAccessSchema(many=True))
    def get(self, query):
        """The schools that gave the application access, by name, with the APIs each granted."""
        return handlers.granted_schools(scopes().unit_of_work, _partner_id(), query["application_id"])
