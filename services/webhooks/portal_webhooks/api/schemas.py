"""Request and response bodies of the webhooks API."""

import marshmallow as ma

from portal_webhooks.domain.addresses import URL_MAX
from portal_webhooks.domain.deliveries import DeliveryStatus
from portal_webhooks.domain.endpoints import DESCRIPTION_MAX
from portal_webhooks.domain.payloads import SUBSCRIBABLE

EVENT_TYPE = ma.fields.String(validate=ma.validate.OneOf(SUBSCRIBABLE))


class EndpointInputSchema(ma.Schema):
    url = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=URL_MAX),
        metadata={"description": "HTTPS; plain HTTP only to loopback while the portal runs in development"},
    )
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=DESCRIPTION_MAX))
    event_types = ma.fields.List(EVENT_TYPE, required=True, validate=ma.validate.Length(min=1, max=len(SUBSCRIBABLE)))


class EndpointChangeSchema(ma.Schema):
    url = ma.fields.String(validate=ma.validate.Length(min=1, max=URL_MAX))
    description = ma.fields.String(validate=ma.validate.Length(max=DESCRIPTION_MAX))
    event_types = ma.fields.List(EVENT_TYPE, validate=ma.validate.Length(min=1, max=len(SUBSCRIBABLE)))
    enabled = ma.fields.Boolean(metadata={"description": "true enables a disabled endpoint again"})


class EndpointSchema(ma.Schema):
    id = ma.fields.String()
    application_id = ma.fields.String()
    url = ma.fields.String()
    description = ma.fields.String()
    event_types = ma.fields.List(ma.fields.String())
    enabled = ma.fields.Boolean()
    disabled_at = ma.fields.DateTime(allow_none=True)
    disabled_reason = ma.fields.String(
        allow_none=True, metadata={"description": "failing (after the retry window) or by_partner"}
    )
    created_at = ma.fields.DateTime()
    secret_rotated_at = ma.fields.DateTime(allow_none=True)
    previous_secret_expires_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "Until then the previous secret signs too (a second signature)"}
    )


class EndpointCreatedSchema(EndpointSchema):
    secret = ma.fields.String(
        metadata={"description": "The signing secret (whsec_...): shown in this answer only, never again"}
    )

    @ma.pre_dump
    def _flatten(self, revealed, **kwargs):
        return {**vars(revealed.endpoint), "secret": revealed.secret}


class RotatedSecretSchema(ma.Schema):
    endpoint_id = ma.fields.String(attribute="endpoint.id")
    secret = ma.fields.String(metadata={"description": "The new signing secret: shown in this answer only"})
    previous_secret_expires_at = ma.fields.DateTime(
        attribute="endpoint.previous_secret_expires_at",
        allow_none=True,
        metadata={"description": "The previous secret signs beside the new one until then"},
    )


class DeliveryQuerySchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf([s.value for s in DeliveryStatus]))


class DeliverySchema(ma.Schema):
    id = ma.fields.String(attribute="message_id", metadata={"description": "The webhook-id of every attempt"})
    event_type = ma.fields.String()
    status = ma.fields.String(metadata={"description": "pending, delivered or failed"})
    attempts = ma.fields.Integer()
    last_status_code = ma.fields.Integer(allow_none=True)
    last_latency_ms = ma.fields.Integer(allow_none=True)
    last_error = ma.fields.String(allow_none=True)
    next_attempt_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    delivered_at = ma.fields.DateTime(allow_none=True)


class AttemptSchema(ma.Schema):
    number = ma.fields.Integer()
    attempted_at = ma.fields.DateTime()
    status_code = ma.fields.Integer(allow_none=True)
    latency_ms = ma.fields.Integer()
    error = ma.fields.String(allow_none=True)
    response_excerpt = ma.fields.String(allow_none=True, metadata={"description": "The receiver's answer, cut short"})


class DeliveryDetailSchema(DeliverySchema):
    body = ma.fields.String(metadata={"description": "The JSON body as sent (and signed), byte for byte"})
    attempt_history = ma.fields.List(ma.fields.Nested(AttemptSchema))

    @ma.pre_dump
    def _flatten(self, detail, **kwargs):
        return {**vars(detail.delivery), "attempt_history": detail.attempts}


class EventTypeSchema(ma.Schema):
    name = ma.fields.String()
    description = ma.fields.String()
    schema_url = ma.fields.String(metadata={"description": "Its JSON Schema in the portal's contracts"})
