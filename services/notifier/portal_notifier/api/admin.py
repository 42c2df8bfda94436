"""Back-office: mail deliveries, for moderators."""

import marshmallow as ma
from flask.views import MethodView

from portal_notifier.api import notifier
from portal_notifier.domain.mail import DeliveryStatus
from portal_notifier.service_layer.handlers import list_deliveries, retry_delivery
from portalkit.auth import requires
from portalkit.secrets import redact_links
from portalkit.web import Blueprint, one_page

blp = Blueprint("admin_mail", __name__, url_prefix="/api/v1/admin/mail", description="Mail deliveries")


class DeliveryQuerySchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf([s.value for s in DeliveryStatus]))
    recipient = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=320),
        metadata={"description": "Part of the recipient's address, any case"},
    )


class DeliverySchema(ma.Schema):
    id = ma.fields.Integer()
    event_id = ma.fields.String()
    event_type = ma.fields.String()
    recipient = ma.fields.String()
    subject = ma.fields.String()
    status = ma.fields.String()
    attempts = ma.fields.Integer()
    last_error = ma.fields.String(allow_none=True)
    next_attempt_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(allow_none=True)
    preview = ma.fields.Function(
        lambda delivery: redact_links(delivery.body),
        metadata={"description": "The mail's text, one-time links redacted: a moderator never holds them"},
    )


@blp.route("/deliveries")
class DeliveryList(MethodView):
    @requires("moderator")
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliverySchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Recent deliveries, newest first; ``status=failed`` shows what needs attention, ``recipient`` finds
        the mails to one address."""
        return one_page(
            pagination_parameters,
            lambda offset, limit: list_deliveries(
                notifier().unit_of_work, query["status"], query["recipient"], offset, limit
            ),
        )


@blp.route("/deliveries/<int:delivery_id>/retry")
class DeliveryRetry(MethodView):
    @requires("moderator")
    @blp.response(200, DeliverySchema)
    def post(self, delivery_id):
        """Send a failed mail again (after fixing the address or the mail server)."""
        return retry_delivery(notifier().unit_of_work, delivery_id)
