"""Request and response bodies of the identity API."""

import marshmallow as ma

from portal_identity.domain.accounts import LANGUAGES, Role


class RegistrationSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(max=320))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=1024))
    accept_terms = ma.fields.Boolean(required=True)
    language = ma.fields.String(load_default="nl", validate=ma.validate.OneOf(["nl", "en"]))


class RegistrationAcceptedSchema(ma.Schema):
    email = ma.fields.String(metadata={"description": "The address an activation mail goes to (normalised)"})


class AccountSchema(ma.Schema):
    id = ma.fields.String()
    email = ma.fields.String()
    status = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())
    institutions = ma.fields.List(ma.fields.String())
    language = ma.fields.String()
    partner_id = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    activated_at = ma.fields.DateTime(allow_none=True)


class TokenSchema(ma.Schema):
    token = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class ResetRequestSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(max=320))


class ResetSchema(TokenSchema):
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=1024))


class BackOfficeRightsSchema(ma.Schema):
    role = ma.fields.String(required=True, validate=ma.validate.OneOf([Role.MODERATOR, Role.SCHOOL_ADMIN]))
    institutions = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=10)),
        load_default=list,
        validate=ma.validate.Length(max=500),
        metadata={"description": "Institution numbers a school admin administers; none for a moderator."},
    )
    language = ma.fields.String(
        load_default="nl",
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={"description": "The language of the account's mails and, by default, its screens."},
    )


class BackOfficeAccountSchema(BackOfficeRightsSchema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(max=320))
    password = ma.fields.String(
        load_only=True,
        load_default=None,
        validate=ma.validate.Length(max=1024),
        metadata={"description": "Omitted: the account is invited by mail to choose its own password."},
    )


class AccountSearchSchema(ma.Schema):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))
    role = ma.fields.String(load_default=None, validate=ma.validate.OneOf([r.value for r in Role]))
    back_office = ma.fields.Boolean(
        load_default=False, metadata={"description": "Only moderators and school admins (no partner accounts)."}
    )


class SecretSchema(ma.Schema):
    client_id = ma.fields.String()
    client_secret = ma.fields.String(metadata={"description": "Shown once; the portal keeps only a hash."})
    created_at = ma.fields.DateTime()
    previous_secret_expires_at = ma.fields.DateTime(
        attribute="previous_expires_at",
        allow_none=True,
        metadata={"description": "Until then the previous secret keeps working too."},
    )


class ClientSecretInfoSchema(ma.Schema):
    id = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    created_by = ma.fields.String(allow_none=True, metadata={"description": "The account that made it."})
    created_by_email = ma.fields.String(allow_none=True)
    last4 = ma.fields.String(
        allow_none=True,
        metadata={"description": "The secret's last 4 characters; null for a secret imported as a hash."},
    )
    expires_at = ma.fields.DateTime(allow_none=True)


class RevokeAllSecretsSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class SecretsRevokedSchema(ma.Schema):
    client_id = ma.fields.String()
    revoked = ma.fields.Integer(metadata={"description": "How many live secrets were ended."})


class GrantSchema(ma.Schema):
    api = ma.fields.String()
    institution_number = ma.fields.String(attribute="institution")


class ClientSchema(ma.Schema):
    client_id = ma.fields.String()
    application_id = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    secrets = ma.fields.List(ma.fields.Nested(ClientSecretInfoSchema), metadata={"description": "The live ones."})
    grants = ma.fields.List(ma.fields.Nested(GrantSchema))


class LinkCheckSchema(ma.Schema):
    client_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    client_secret = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=500))
    application_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=36))


class LinkRequestSchema(LinkCheckSchema):
    partner_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=36))
