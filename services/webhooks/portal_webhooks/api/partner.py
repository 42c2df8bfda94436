"""Front-office: a partner's webhook endpoints per application, their deliveries, redelivery and tests."""

from flask.views import MethodView

from portal_webhooks.api import webhooks
from portal_webhooks.api.schemas import (
    DeliveryDetailSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    EndpointChangeSchema,
    EndpointCreatedSchema,
    EndpointInputSchema,
    EndpointSchema,
    EventTypeSchema,
    RotatedSecretSchema,
)
from portal_webhooks.domain.payloads import TYPES
from portal_webhooks.service_layer import handlers
from portalkit.auth import requires
from portalkit.trust import acting_partner_id
from portalkit.web import Blueprint, one_page

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks", description="Webhooks")


def _partner_id() -> str:
    return acting_partner_id("webhooks.no_profile")


@blp.route("/event-types")
class EventTypes(MethodView):
    @requires("partner")
    @blp.response(200, EventTypeSchema(many=True))
    def get(self):
        """The events an endpoint can subscribe to (and ``webhook.test``), each with its body's JSON Schema."""
        return [
            {"name": kind.name, "description": kind.description, "schema_url": f"contracts/webhooks/{kind.name}.json"}
            for kind in TYPES
        ]


@blp.route("/applications/<string:application_id>/endpoints")
class ApplicationEndpoints(MethodView):
    @requires("partner")
    @blp.response(200, EndpointSchema(many=True))
    def get(self, application_id):
        """The application's endpoints (never their secrets)."""
        return handlers.endpoints_of(webhooks().unit_of_work, _partner_id(), application_id)

    @requires("partner")
    @blp.arguments(EndpointInputSchema)
    @blp.response(201, EndpointCreatedSchema)
    def post(self, body, application_id):
        """Register an endpoint; the answer holds its signing secret, which is never shown again."""
        return handlers.create_endpoint(
            webhooks(), _partner_id(), application_id, body["url"], body["description"], body["event_types"]
        )


@blp.route("/endpoints/<string:endpoint_id>")
class OneEndpoint(MethodView):
    @requires("partner")
    @blp.response(200, EndpointSchema)
    def get(self, endpoint_id):
        return handlers.endpoint(webhooks().unit_of_work, _partner_id(), endpoint_id)

    @requires("partner")
    @blp.arguments(EndpointChangeSchema)
    @blp.response(200, EndpointSchema)
    def patch(self, body, endpoint_id):
        """Change the URL, description or event types, or disable / enable the endpoint."""
        return handlers.change_endpoint(webhooks(), _partner_id(), endpoint_id, body)

    @requires("partner")
    @blp.response(204)
    def delete(self, endpoint_id):
        """Remove the endpoint and its delivery log."""
        handlers.delete_endpoint(webhooks().unit_of_work, _partner_id(), endpoint_id)


@blp.route("/endpoints/<string:endpoint_id>/secret")
class EndpointSecret(MethodView):
    @requires("partner")
    @blp.response(200, RotatedSecretSchema)
    def post(self, endpoint_id):
        """A new signing secret, shown once; the previous one keeps signing beside it for a while (24 h)."""
        return handlers.rotate_secret(webhooks(), _partner_id(), endpoint_id)


@blp.route("/endpoints/<string:endpoint_id>/test")
class EndpointTest(MethodView):
    @requires("partner")
    @blp.response(202, DeliverySchema)
    def post(self, endpoint_id):
        """Send a ``webhook.test`` event to the endpoint; follow it in the delivery log."""
        return handlers.send_test(webhooks(), _partner_id(), endpoint_id)


@blp.route("/endpoints/<string:endpoint_id>/deliveries")
class EndpointDeliveries(MethodView):
    @requires("partner")
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliverySchema(many=True))
    @blp.paginate()
    def get(self, query, endpoint_id, pagination_parameters):
        """The endpoint's deliveries, newest first."""
        partner_id = _partner_id()
        return one_page(
            pagination_parameters,
            lambda offset, limit: handlers.deliveries_of(
                webhooks().unit_of_work, partner_id, endpoint_id, query["status"], offset, limit
            ),
        )


@blp.route("/endpoints/<string:endpoint_id>/deliveries/<string:delivery_id>")
class OneDelivery(MethodView):
    @requires("partner")
    @blp.response(200, DeliveryDetailSchema)
    def get(self, endpoint_id, delivery_id):
        """One delivery with the body it sends and every attempt."""
        return handlers.delivery(webhooks().unit_of_work, _partner_id(), endpoint_id, delivery_id)


@blp.route("/endpoints/<string:endpoint_id>/deliveries/<string:delivery_id>/redeliver")
class Redelivery(MethodView):
    @requires("partner")
    @blp.response(202, DeliverySchema)
    def post(self, endpoint_id, delivery_id):
        """Send the same message again (same webhook-id and body), after any older one still pending."""
        return handlers.redeliver(webhooks(), _partner_id(), endpoint_id, delivery_id)
