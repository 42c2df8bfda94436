"""Request and response bodies of the partners API."""

import marshmallow as ma

from portal_partners.domain.profiles import (
    ADDRESS_FIELDS,
    CATEGORIES_MAX,
    CONTACT_MAX,
    DESCRIPTION_MAX,
    EXTRA_INFO_MAX,
    NAME_MAX,
)
from portalkit.web import choices

# A logo is an image and nothing else, wherever a browser meets it: no sniffing, no scripts, no framing.
LOGO_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "inline",
}
LOGO_DOC = {
    "description": "The logo as a data URL (data:image/png;base64,...) or base64: PNG, JPEG, GIF or WebP, 1 MB and"
    " 4096 pixels a side at most; stored re-encoded (JPEG as JPEG, the others as PNG)"
}

DEPRECATED_CATEGORY = {"deprecated": True, "description": "One category; use categories (read for one more version)"}
FIRST_CATEGORY = {
    "type": "string",
    "deprecated": True,
    "description": "The first of categories (answered for one more version)",
}


def _address_part(name: str) -> ma.fields.String:
    return ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=ADDRESS_FIELDS[name]))


class AddressSchema(ma.Schema):
    street = _address_part("street")
    number = _address_part("number")
    postal_code = _address_part("postal_code")
    city = _address_part("city")
    country = _address_part("country")


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
    categories = ma.fields.List(ma.fields.String(metadata=choices("categories")), allow_none=True)
    category = ma.fields.String(allow_none=True, metadata={**choices("categories"), **DEPRECATED_CATEGORY})
    website = ma.fields.String(allow_none=True)
    logo = ma.fields.String(allow_none=True, metadata=LOGO_DOC)
    extra_info = ma.fields.String(allow_none=True)

    @ma.post_load
    def one_category_as_a_list(self, body: dict, **_) -> dict:
        """Until clients send ``categories``: ``category`` alone means a list of that one."""
        category = body.pop("category", None)
        if category is not None and "categories" not in body:
            body["categories"] = [category]
        return body


class NewProfileSchema(ma.Schema):
    """What creating a profile requires (documentation: the body is read with :class:`ProfileFieldsSchema`, so
    every missing or wrong field is answered at once by the domain's rules, in the caller's language)."""

    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=NAME_MAX))
    enterprise_number = ma.fields.String(allow_none=True, metadata={"description": "Belgian, with check digits"})
    description = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=DESCRIPTION_MAX))
    contact_person = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=CONTACT_MAX))
    address = ma.fields.Nested(AddressSchema, required=True)
    public = ma.fields.Boolean(required=True)
    categories = ma.fields.List(
        ma.fields.String(metadata=choices("categories")),
        required=True,
        validate=ma.validate.Length(min=1, max=CATEGORIES_MAX),
        metadata={"uniqueItems": True, "description": "The partner's order; the first is its main category"},
    )
    category = ma.fields.String(metadata={**choices("categories"), **DEPRECATED_CATEGORY})
    website = ma.fields.String(
        required=True, validate=ma.validate.Length(max=500), metadata={"format": "uri", "pattern": "^https?://"}
    )
    logo = ma.fields.String(required=True, validate=ma.validate.Length(min=1), metadata=LOGO_DOC)
    extra_info = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=EXTRA_INFO_MAX))


class ProfileSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    enterprise_number = ma.fields.String(allow_none=True)
    description = ma.fields.String()
    email = ma.fields.String(metadata={"description": "The creating account's; read-only"})
    contact_person = ma.fields.String()
    address = ma.fields.Nested(AddressSchema)
    public = ma.fields.Boolean()
    categories = ma.fields.List(ma.fields.String(metadata=choices("categories")))
    category = ma.fields.Function(lambda p: p.categories[0], metadata={**choices("categories"), **FIRST_CATEGORY})
    website = ma.fields.String()
    logo_url = ma.fields.Function(lambda p: "/api/v1/partner/profile/logo")
    extra_info = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ContactSchema(ma.Schema):
    helpdesk_email = ma.fields.String(required=True, metadata={"format": "email"})


class PublicPartnerSchema(ma.Schema):
    """Only the public fields (manual 3.2): never e-mail, contact, address or enterprise number."""

    id = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    categories = ma.fields.List(ma.fields.String())
    category = ma.fields.Function(lambda p: p.categories[0], metadata=FIRST_CATEGORY)
    website = ma.fields.String()
    extra_info = ma.fields.String(allow_none=True)
    logo_url = ma.fields.Function(lambda p: f"/api/v1/public/partners/{p.id}/logo")


class DirectorySearchSchema(ma.Schema):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))
    category = ma.fields.String(
        load_default=None, metadata={**choices("categories"), "description": "Any of a partner's categories"}
    )


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
