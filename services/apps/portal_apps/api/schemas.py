"""Request and response bodies of the apps API."""

import datetime as dt

import marshmallow as ma

from portal_apps.domain.model import Status
from portalkit.web import choices


class ApplicationFieldsSchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"maxLength": 200})
    description = ma.fields.String(required=True, metadata={"maxLength": 2000})
    technical_contact = ma.fields.String(required=True, metadata={"maxLength": 200})
    contact_email = ma.fields.String(required=True, metadata={"format": "email"})


class ApplicationRequestSchema(ApplicationFieldsSchema):
    apis = ma.fields.List(ma.fields.String(metadata=choices("apis")), required=True, metadata={"minItems": 1})


class ClientCredentialsSchema(ma.Schema):
    client_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    client_secret = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=500))


class ApplicationLinkSchema(ApplicationFieldsSchema, ClientCredentialsSchema):
    pass


class CheckedClientSchema(ma.Schema):
    client_id = ma.fields.String(required=True)
    apis = ma.fields.List(
        ma.fields.String(metadata=choices("apis")),
        required=True,
        metadata={"description": "The APIs the client may already read: the application keeps them."},
    )


class ApplicationEditSchema(ma.Schema):
    name = ma.fields.String()
    description = ma.fields.String()
    technical_contact = ma.fields.String()
    contact_email = ma.fields.String()
    apis = ma.fields.List(ma.fields.String(metadata=choices("apis")))
    confirm_removal = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Unchecking an API removes the schools' grants for it; say yes to go on."},
    )


class PendingChangeSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String(allow_none=True, metadata={"description": "The new name asked for; null: unchanged"})
    apis_added = ma.fields.List(ma.fields.String(metadata=choices("apis")))
    requested_by = ma.fields.String()
    requested_by_email = ma.fields.String(allow_none=True, metadata={"description": "Who asked, when known"})
    requested_at = ma.fields.DateTime()


class ApplicationSchema(ma.Schema):
    id = ma.fields.String()
    partner_id = ma.fields.String()
    partner_name = ma.fields.String(allow_none=True, metadata={"description": "In listings: the profile's name"})
    name = ma.fields.String()
    description = ma.fields.String()
    technical_contact = ma.fields.String()
    contact_email = ma.fields.String()
    apis = ma.fields.List(ma.fields.String(metadata=choices("apis")))
    status = ma.fields.String()
    client_id = ma.fields.String(allow_none=True)
    pending_change = ma.fields.Nested(
        PendingChangeSchema,
        allow_none=True,
        metadata={"description": "A new name or added APIs waiting for a moderator; name and apis stay in force"},
    )
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class StatusChangeSchema(ma.Schema):
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String()
    changed_by = ma.fields.String()
    changed_by_email = ma.fields.String(allow_none=True, metadata={"description": "Who made it, when known"})
    changed_at = ma.fields.DateTime()
    reason = ma.fields.String(allow_none=True)
    kind = ma.fields.String(
        metadata={
            "description": "status, edited, change_requested, change_withdrawn, change_approved or change_rejected"
        }
    )
    details = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "fields (edited); name as [old, new] and apis_added (changes)"},
    )


class RejectionSchema(ma.Schema):
    reason = ma.fields.String(required=True, metadata={"maxLength": 2000})


class ApplicationSearchSchema(ma.Schema):
    q = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=200),
        metadata={"description": "Matches the application's name or description, or the partner's name"},
    )
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf([s.value for s in Status]))
    partner_id = ma.fields.String(load_default=None)
    api = ma.fields.String(load_default=None)
    created_from = ma.fields.AwareDateTime(load_default=None, default_timezone=dt.UTC)
    created_to = ma.fields.AwareDateTime(load_default=None, default_timezone=dt.UTC)
    oldest_first = ma.fields.Boolean(load_default=False)
