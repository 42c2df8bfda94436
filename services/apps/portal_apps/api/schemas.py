"""Request and response bodies of the apps API."""

import marshmallow as ma


class ApplicationRequestSchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"maxLength": 200})
    description = ma.fields.String(required=True, metadata={"maxLength": 2000})
    technical_contact = ma.fields.String(required=True, metadata={"maxLength": 200})
    contact_email = ma.fields.String(required=True, metadata={"format": "email"})
    apis = ma.fields.List(ma.fields.String(), required=True)


class ApplicationSchema(ma.Schema):
    id = ma.fields.String()
    partner_id = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    technical_contact = ma.fields.String()
    contact_email = ma.fields.String()
    apis = ma.fields.List(ma.fields.String())
    status = ma.fields.String()
    client_id = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
