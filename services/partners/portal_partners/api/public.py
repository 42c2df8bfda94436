"""Front-office, no login: the public partner directory."""

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from portal_partners.service_layer.handlers import search_directory
from portalkit.problems import field_problem
from portalkit.web import runtime

blp = Blueprint(
    "public_directory", __name__, url_prefix="/api/v1/public/partners", description="Public partner directory"
)


class DirectorySearchSchema(ma.Schema):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))
    category = ma.fields.String(load_default=None)


class PublicPartnerSchema(ma.Schema):
    """Only the public fields of a profile (manual 3.2): never e-mail, contact, address or numbers."""

    id = ma.fields.String(attribute="partner_id")
    name = ma.fields.String()
    description = ma.fields.String()
    category = ma.fields.String()
    website = ma.fields.String()
    extra_info = ma.fields.String(allow_none=True)
    logo_url = ma.fields.Method("_logo_url", allow_none=True)

    def _logo_url(self, entry):
        return f"/api/v1/public/partners/{entry.partner_id}/logo" if entry.has_logo else None


@blp.route("")
class PartnerDirectory(MethodView):
    @blp.arguments(DirectorySearchSchema, location="query")
    @blp.response(200, PublicPartnerSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Partners that are active, public and have an approved application; search and filter."""
        categories = runtime().settings.categories
        if query["category"] is not None and query["category"] not in categories:
            raise field_problem(
                "problem.validation",
                [
                    (
                        "category",
                        "directory.unknown_category",
                        {"category": query["category"], "known": ", ".join(categories)},
                    )
                ],
            )
        entries, total = search_directory(
            runtime().unit_of_work,
            query["q"],
            query["category"],
            pagination_parameters.first_item,
            pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return entries
