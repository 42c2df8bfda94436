"""Back-office: schools, the school admin's request page and grants, and the consent ledger."""

from flask import Response
from flask.views import MethodView

from portal_scopes.adapters.repositories import LedgerFilter
from portal_scopes.api import scopes
from portal_scopes.api.schemas import (
    ApplicationAccessSchema,
    DeclineSchema,
    GrantChoiceSchema,
    GrantEndSchema,
    GrantEndsQuerySchema,
    InboxEntrySchema,
    InboxQuerySchema,
    LedgerEntrySchema,
    LedgerQuerySchema,
    LinkQuerySchema,
    RenewalSchema,
    RenewalTokenSchema,
    RenewedSchema,
    RenewSchema,
    SchoolSchema,
    SchoolSearchSchema,
)
from portal_scopes.domain.ledger import ledger_csv
from portal_scopes.service_layer import handlers
from portalkit.auth import Principal, current_principal, requires
from portalkit.web import Blueprint, one_page

blp = Blueprint("admin_schools", __name__, url_prefix="/api/v1/admin/schools", description="Schools")
requests_blp = Blueprint(
    "admin_access_requests", __name__, url_prefix="/api/v1/admin/access-requests", description="Requests for admins"
)
grants_blp = Blueprint("admin_grants", __name__, url_prefix="/api/v1/admin/grants", description="Grants and ledger")
SCHOOL_ADMIN, MODERATOR = "school-admin", "moderator"


@blp.route("")
class SchoolList(MethodView):
    @requires(MODERATOR)
    @blp.arguments(SchoolSearchSchema, location="query")
    @blp.response(200, SchoolSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Search schools by name or institution number, ordered by name (moderators)."""
        return one_page(
            pagination_parameters,
            lambda offset, limit: handlers.search_schools(scopes().unit_of_work, query["q"], offset, limit),
        )


def _schools() -> set[str]:
    return set(current_principal().institutions)


@requests_blp.route("")
class Inbox(MethodView):
    @requires(SCHOOL_ADMIN)
    @requests_blp.arguments(InboxQuerySchema, location="query")
    @requests_blp.response(200, InboxEntrySchema(many=True))
    @requests_blp.paginate()
    def get(self, query, pagination_parameters):
        """The open requests mailed to the school admin, newest first; search by application or partner name."""
        return one_page(
            pagination_parameters,
            lambda offset, limit: handlers.inbox(
                scopes().unit_of_work, current_principal().email, query["q"], offset, limit
            ),
        )


@requests_blp.route("/<request_id>")
class RequestPage(MethodView):
    @requires(SCHOOL_ADMIN)
    @requests_blp.arguments(LinkQuerySchema, location="query")
    @requests_blp.response(200, ApplicationAccessSchema)
    def get(self, query, request_id):
        """The page the mail's link (or the inbox) opens: the application and the admin's own schools."""
        return handlers.request_view(
            scopes().unit_of_work, request_id, query["token"], _schools(), current_principal().email
        )


@requests_blp.route("/<request_id>/decline")
class DeclineRequest(MethodView):
    @requires(SCHOOL_ADMIN)
    @requests_blp.arguments(DeclineSchema)
    @requests_blp.response(204)
    def post(self, body, request_id):
        """Decline the request ("Weigeren"), with an optional reason the partner is told; grants stay as they are."""
        handlers.decline_request(
            scopes().unit_of_work,
            request_id=request_id,
            admin=current_principal().subject,
            reason=body["reason"],
            token=body["token"],
            addressee=current_principal().email,
        )


@grants_blp.route("/applications/<application_id>")
class ApplicationGrants(MethodView):
    @requires(SCHOOL_ADMIN)
    @grants_blp.response(200, ApplicationAccessSchema)
    def get(self, application_id):
        """An application with access to one of the admin's schools, to adjust without a link."""
        return handlers.application_view(scopes().unit_of_work, application_id, _schools())

    @requires(SCHOOL_ADMIN)
    @grants_blp.arguments(GrantChoiceSchema)
    @grants_blp.response(200, ApplicationAccessSchema)
    def put(self, body, application_id):
        """Set, per school of the admin, the APIs the application may read (the full set; [] revokes)."""
        wanted = {choice["institution_number"]: choice["apis"] for choice in body["schools"]}
        return handlers.set_grants(
            scopes().unit_of_work,
            application_id=application_id,
            admin=current_principal().subject,
            institutions=_schools(),
            wanted=wanted,
            ends={choice["institution_number"]: choice["ends_on"] for choice in body["schools"]},
            school_year=scopes().school_year,
            request_id=body["request_id"],
            token=body["token"],
            addressee=current_principal().email,
        )


@grants_blp.route("/applications/<application_id>/renew")
class RenewGrants(MethodView):
    @requires(SCHOOL_ADMIN)
    @grants_blp.arguments(RenewSchema)
    @grants_blp.response(200, RenewedSchema)
    def post(self, body, application_id):
        """Renew the application's grants at one of the admin's schools for the next school year."""
        return handlers.renew_grants(
            scopes().unit_of_work,
            application_id=application_id,
            institution=body["institution_number"],
            admin=current_principal().subject,
            institutions=_schools(),
            school_year=scopes().school_year,
        )


@grants_blp.route("/ends")
class GrantEnds(MethodView):
    @requires(SCHOOL_ADMIN, MODERATOR)
    @grants_blp.arguments(GrantEndsQuerySchema, location="query")
    @grants_blp.response(200, GrantEndSchema(many=True))
    def get(self, query):
        """What expires when: the active grants per application and school, soonest end first."""
        everything = {"application_id": None, "api": None, "q": None, "include_revoked": False}
        where = _ledger_filter(current_principal(), everything | query)
        return handlers.grant_ends(scopes().unit_of_work, where.institutions)


@grants_blp.route("/renewals/<link_id>")
class RenewalLinkPage(MethodView):
    @requires(SCHOOL_ADMIN)
    @grants_blp.arguments(LinkQuerySchema, location="query")
    @grants_blp.response(200, RenewalSchema)
    def get(self, query, link_id):
        """What the reminder's link opens: the application's grants at the school and the end date renewing gives."""
        return handlers.renewal_view(scopes().unit_of_work, link_id, query["token"], _schools(), scopes().school_year)

    @requires(SCHOOL_ADMIN)
    @grants_blp.arguments(RenewalTokenSchema)
    @grants_blp.response(200, RenewedSchema)
    def post(self, body, link_id):
        """The reminder's one click: renew for the next school year (the link works once)."""
        return handlers.renew_by_link(
            scopes().unit_of_work,
            link_id=link_id,
            token=body["token"],
            admin=current_principal().subject,
            institutions=_schools(),
            school_year=scopes().school_year,
        )


def _ledger_filter(principal: Principal, query: dict) -> LedgerFilter:
    """School admins see their own schools only; moderators every school."""
    institutions = None if MODERATOR in principal.roles else frozenset(principal.institutions)
    if query["institution_number"]:
        wanted = frozenset({query["institution_number"]})
        institutions = wanted if institutions is None else institutions & wanted
    return LedgerFilter(institutions, query["application_id"], query["api"], query["q"], query["include_revoked"])


@grants_blp.route("")
class Ledger(MethodView):
    @requires(SCHOOL_ADMIN, MODERATOR)
    @grants_blp.arguments(LedgerQuerySchema, location="query")
    @grants_blp.response(200, LedgerEntrySchema(many=True))
    @grants_blp.paginate()
    def get(self, query, pagination_parameters):
        """The consent ledger: which application reads which API of which school, since when, granted by whom."""
        return one_page(
            pagination_parameters,
            lambda offset, limit: handlers.ledger(
                scopes().unit_of_work,
                _ledger_filter(current_principal(), query),
                offset,
                limit,
            ),
        )


@grants_blp.route("/export.csv")
class LedgerExport(MethodView):
    @requires(SCHOOL_ADMIN, MODERATOR)
    @grants_blp.arguments(LedgerQuerySchema, location="query")
    @grants_blp.response(200, content_type="text/csv")
    def get(self, query):
        """The same ledger as CSV, every row."""
        rows, _ = handlers.ledger(scopes().unit_of_work, _ledger_filter(current_principal(), query), None, None)
        return Response(
            ledger_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="consent-ledger.csv"'},
        )
