"""Back-office: the schools directory."""

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from portal_scopes.service_layer.handlers import search_schools
from portalkit.auth import requires
from portalkit.web import runtime

blp = Blueprint("admin_schools", __name__, url_prefix="/api/v1/admin/schools", description="Schools")


class SchoolSearchSchema(ma.Schema):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))


class SchoolSchema(ma.Schema):
    institution_number = ma.fields.String()
    name = ma.fields.String()


@blp.route("")
class SchoolList(MethodView):
    @requires("moderator")
    @blp.arguments(SchoolSearchSchema, location="query")
    @blp.response(200, SchoolSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Search schools by name or institution number, ordered by name (moderators)."""
        schools, total = search_schools(
            runtime().unit_of_work, query["q"], pagination_parameters.first_item, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return schools
