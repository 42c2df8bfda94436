"""Back-office: moderators search all profiles and (de)activate them."""

from flask.views import MethodView

from portal_partners.api import partners
from portal_partners.api.public import check_category
from portal_partners.api.schemas import ProfileSchema, ProfileSearchSchema
from portal_partners.service_layer import handlers
from portalkit.auth import current_principal, requires
from portalkit.web import Blueprint, one_page

blp = Blueprint("admin_profiles", __name__, url_prefix="/api/v1/admin/profiles", description="All profiles")


@blp.route("")
class Profiles(MethodView):
    @requires("moderator")
    @blp.arguments(ProfileSearchSchema, location="query")
    @blp.response(200, ProfileSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Search every profile by name or description, category and active flag.

        A search reaches its first 1,000 results and its pages end there; narrow it to see more. The total in
        ``X-Pagination`` is exact below 1,000 and 1,000 above, judged from the database's estimate when that is
        far above (a page near the end may then come back short, with the exact total).
        """
        check_category(query["category"])
        return one_page(
            pagination_parameters,
            lambda offset, limit: handlers.search_profiles(
                partners().unit_of_work,
                query["q"],
                query["category"],
                query["active"],
                offset,
                limit,
            ),
        )


@blp.route("/<partner_id>")
class Profile(MethodView):
    @requires("moderator")
    @blp.response(200, ProfileSchema)
    def get(self, partner_id):
        """One profile with its contact details (website, enterprise number, contact person, address)."""
        return handlers.profile(partners().unit_of_work, partner_id)


def _set_active(partner_id: str, active: bool):
    return handlers.set_active(partners().unit_of_work, partner_id, active, current_principal().subject)


@blp.route("/<partner_id>/deactivate")
class Deactivate(MethodView):
    @requires("moderator")
    @blp.response(200, ProfileSchema)
    def post(self, partner_id):
        """Deactivate: the profile leaves the public directory."""
        return _set_active(partner_id, False)


@blp.route("/<partner_id>/reactivate")
class Reactivate(MethodView):
    @requires("moderator")
    @blp.response(200, ProfileSchema)
    def post(self, partner_id):
        """Reactivate a deactivated profile."""
        return _set_active(partner_id, True)
