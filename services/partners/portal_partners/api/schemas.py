"""Request and response bodies of the partners API."""

import marshmallow as ma

LOGO_DOC = {
    "description": "The logo as a data URL (data:image/png;base64,...) or base64: PNG, JPEG, GIF or WebP, 1 MB at most"
}


class AddressSchema(ma.Schema):
    street = ma.fields.String(required=True)
    number = ma.fields.String(required=True)
    postal_code = ma.fields.String(required=True)
    city = ma.fields.String(required=True)
    country = ma.fields.String(required=True)


class ProfileFieldsSchema(ma.Schema):
    """Types only; the rules (required, lengths, formats) live in the domain and answer per field."""

    name = ma.fields.String(allow_none=True)
    enterprise_number = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    contact_person = ma.fields.String(allow_none=True)
    address = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Raw(),
        allow_none=True,
        metadata={"description": "street, number, postal_code, city, country"},
    )
    public = ma.fields.Raw(allow_none=True, metadata={"type": "boolean"})
    category = ma.fields.String(allow_none=True)
    website = ma.fields.String(allow_none=True)
    logo = ma.fields.String(allow_none=True, metadata=LOGO_DOC)
    extra_info = ma.fields.String(allow_none=True)


class ProfileSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    enterprise_number = ma.fields.String(allow_none=True)
    description = ma.fields.String()
    email = ma.fields.String(metadata={"description": "The creating account's; read-only"})
    contact_person = ma.fields.String()
    address = ma.fields.Nested(AddressSchema)
    public = ma.fields.Boolean()
    category = ma.fields.String()
    website = ma.fields.String()
    logo_url = ma.fields.Function(lambda p: "/api/v1/partner/profile/logo")
    extra_info = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class PublicPartnerSchema(ma.Schema):
    """Only the public fields (manual 3.2): never e-mail, contact, address or enterprise number."""

    id = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    category = ma.fields.String()
    website = ma.fields.String()
    extra_info = ma.fields.String(allow_none=True)
    logo_url = ma.fields.Function(lambda p: f"/api/v1/public/partners/{p.id}/logo")


class DirectorySearchSchema(ma.Schema):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))
    category = ma.fields.String(load_default=None)


class ProfileSearchSchema(DirectorySearchSchema):
    active = ma.fields.Boolean(load_default=None)


class OpenInvitationSchema(ma.Schema):
    """A code as the profile's members see it: never the code itself, only its last characters."""

    id = ma.fields.String()
    hint = ma.fields.String(allow_none=True, metadata={"description": "The code's last 4 characters"})
    created_by = ma.fields.String(metadata={"description": "The account that made it"})
    created_by_email = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime()


class InvitationSchema(OpenInvitationSchema):
    code = ma.fields.String(metadata={"description": "Give it to the colleague; it works once"})


class RedeemSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))


class MembershipSchema(ma.Schema):
    account_id = ma.fields.String()
    email = ma.fields.String()
    linked_at = ma.fields.DateTime()


class AuditEntrySchema(ma.Schema):
    account_id = ma.fields.String()
    email = ma.fields.String(allow_none=True, metadata={"description": "Who changed it, when known"})
    changed_at = ma.fields.DateTime()
    field = ma.fields.String()
    old_value = ma.fields.String(allow_none=True)
    new_value = ma.fields.String(allow_none=True)
