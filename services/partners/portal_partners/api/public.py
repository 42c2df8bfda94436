"""Front-office, no login: the public partner directory."""

from flask import Response
from flask.views import MethodView

from portal_partners.api import partners
from portal_partners.api.schemas import LOGO_HEADERS, ContactSchema, DirectorySearchSchema, PublicPartnerSchema
from portal_partners.service_layer import handlers
from portalkit.problems import field_problem
from portalkit.web import Blueprint, one_page

blp = Blueprint(
    "public_directory", __name__, url_prefix="/api/v1/public/partners", description="Public partner directory"
)

contact = Blueprint("public_contact", __name__, url_prefix="/api/v1/public/contact", description="The helpdesk")


@contact.route("")
class Contact(MethodView):
    @contact.response(200, ContactSchema)
    def get(self):
        """Where partners get help: one setting (HELPDESK_EMAIL), shown on the portal's contact page."""
        return {"helpdesk_email": partners().helpdesk_email}


def check_category(category: str | None) -> None:
    categories = partners().categories
    if category is not None and category not in categories:
        raise field_problem(
            "problem.validation",
            [("category", "category.unknown", {"category": category, "known": ", ".join(categories)})],
        )


@blp.route("")
class PartnerDirectory(MethodView):
    @blp.arguments(DirectorySearchSchema, location="query")
    @blp.response(200, PublicPartnerSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Partners that are active, public and have an approved application; search and filter.

        A search reaches its first 1,000 results and its pages end there; narrow it to see more. The total in
        ``X-Pagination`` is exact below 1,000 and 1,000 above, judged from the database's estimate when that is
        far above (a page near the end may then come back short, with the exact total).
        """
        check_category(query["category"])
        return one_page(
            pagination_parameters,
            lambda offset, limit: handlers.directory(
                partners().unit_of_work,
                query["q"],
                query["category"],
                offset,
                limit,
            ),
        )


@blp.route("/<partner_id>")
class PartnerPage(MethodView):
    @blp.response(200, PublicPartnerSchema)
    def get(self, partner_id):
        """One listed partner's public page."""
        return handlers.directory_entry(partners().unit_of_work, partner_id)


@blp.route("/<partner_id>/logo")
class PartnerLogo(MethodView):
    @blp.response(200, content_type="image/*")
    def get(self, partner_id):
        """A listed partner's logo, with its own content type."""
        data, media_type, updated_at = handlers.public_logo(partners().unit_of_work, partner_id)
        response = Response(data, mimetype=media_type, headers={"Cache-Control": "public, max-age=300", **LOGO_HEADERS})
        response.last_modified = updated_at
        return response
