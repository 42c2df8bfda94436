"""Request and response bodies of the scopes API."""

import marshmallow as ma

from portal_scopes.domain.access import MAX_DECLINE_REASON_LENGTH, MAX_EMAILS_LENGTH


class SchoolSearchSchema(ma.Schema):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))


class SchoolSchema(ma.Schema):
    institution_number = ma.fields.String()
    name = ma.fields.String()


class AccessRequestInputSchema(ma.Schema):
    application_id = ma.fields.String(required=True, validate=ma.validate.Length(max=36))
    emails = ma.fields.String(
        required=True,
        validate=ma.validate.Length(max=MAX_EMAILS_LENGTH),
        metadata={"description": "School admin addresses, separated by ';' (limits: .../access-requests/limits)"},
    )


class RequestLimitsQuerySchema(ma.Schema):
    application_id = ma.fields.String(load_default=None, validate=ma.validate.Length(max=36))


class RequestLimitsSchema(ma.Schema):
    addresses_per_request = ma.fields.Integer()
    per_application_per_day = ma.fields.Integer(metadata={"description": "Requests within any 24 hours"})
    per_partner_per_day = ma.fields.Integer(metadata={"description": "Requests within any 24 hours"})
    left_for_partner = ma.fields.Integer()
    left_for_application = ma.fields.Integer(allow_none=True, metadata={"description": "When application_id is given"})


class AccessRequestSchema(ma.Schema):
    id = ma.fields.String()
    application_id = ma.fields.String()
    email = ma.fields.String()
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime()
    answered_at = ma.fields.DateTime(allow_none=True)
    state = ma.fields.Method("_state", metadata={"description": "open, answered, declined or expired"})
    decline_reason = ma.fields.String(allow_none=True, metadata={"description": "When a school admin declined"})
    reminded_at = ma.fields.DateTime(allow_none=True, metadata={"description": "When the addressee was reminded"})
    expired_at = ma.fields.Method(
        "_expired_at",
        metadata={"description": "When the link ran out unanswered (the partner may send a new request)"},
        allow_none=True,
    )

    def _state(self, request):
        from portalkit.events.envelope import utcnow

        return request.state(utcnow())

    def _expired_at(self, request):
        return request.expires_at.isoformat() if self._state(request) == "expired" else None


class RequestListQuerySchema(ma.Schema):
    application_id = ma.fields.String(load_default=None)


class GrantedSchoolsQuerySchema(ma.Schema):
    application_id = ma.fields.String(required=True, validate=ma.validate.Length(max=36))


class SchoolAccessSchema(ma.Schema):
    institution_number = ma.fields.String()
    name = ma.fields.String(allow_none=True)
    grants = ma.fields.List(ma.fields.String(), metadata={"description": "APIs granted at this school"})
    ends_on = ma.fields.Date(
        allow_none=True, metadata={"description": "The soonest end date of the grants here (the end of that day)"}
    )


class ApplicationAccessSchema(ma.Schema):
    application_id = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    partner_name = ma.fields.String(allow_none=True)
    partner_email = ma.fields.String(allow_none=True, metadata={"description": "The partner profile's address"})
    contact_email = ma.fields.String(allow_none=True, metadata={"description": "The application's contact"})
    apis = ma.fields.List(ma.fields.String(), metadata={"description": "The APIs the application checked"})
    schools = ma.fields.List(ma.fields.Nested(SchoolAccessSchema), metadata={"description": "The admin's schools"})
    request_id = ma.fields.String()
    expires_at = ma.fields.DateTime()


class LinkQuerySchema(ma.Schema):
    token = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "From the mail's link; not needed by the admin the request was mailed to"},
    )


class DeclineSchema(ma.Schema):
    token = ma.fields.String(
        load_default=None, load_only=True, metadata={"description": "From the mail's link; not needed by its addressee"}
    )
    reason = ma.fields.String(load_default=None, validate=ma.validate.Length(max=MAX_DECLINE_REASON_LENGTH))


class InboxQuerySchema(ma.Schema):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))


class InboxEntrySchema(ma.Schema):
    id = ma.fields.String()
    application_id = ma.fields.String()
    application_name = ma.fields.String()
    partner_name = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime()


class SchoolChoiceSchema(ma.Schema):
    institution_number = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=10))
    apis = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "The full set; [] revokes all"})
    ends_on = ma.fields.Date(
        load_default=None,
        metadata={
            "description": "When the grants here end (the end of that day, Brussels): from today to the end of the "
            "next school year; by default the end of the current school year, and grants kept keep theirs"
        },
    )


class GrantChoiceSchema(ma.Schema):
    request_id = ma.fields.String(load_default=None, metadata={"description": "From the mail's link, for a new app"})
    token = ma.fields.String(load_default=None, load_only=True)
    schools = ma.fields.List(ma.fields.Nested(SchoolChoiceSchema), required=True)


class LedgerQuerySchema(ma.Schema):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))
    institution_number = ma.fields.String(load_default=None)
    application_id = ma.fields.String(load_default=None)
    api = ma.fields.String(load_default=None)
    include_revoked = ma.fields.Boolean(load_default=False)


class LedgerEntrySchema(ma.Schema):
    application_id = ma.fields.String()
    application_name = ma.fields.String()
    partner_name = ma.fields.String(allow_none=True)
    institution_number = ma.fields.String()
    school_name = ma.fields.String(allow_none=True)
    api = ma.fields.String()
    granted_at = ma.fields.DateTime()
    granted_by = ma.fields.String()
    granted_by_email = ma.fields.String(allow_none=True, metadata={"description": "Who granted, when known"})
    request_id = ma.fields.String(allow_none=True)
    carried_over = ma.fields.Boolean()
    revoked_at = ma.fields.DateTime(allow_none=True)
    revoked_by = ma.fields.String(allow_none=True)
    revoked_by_email = ma.fields.String(allow_none=True, metadata={"description": "Who revoked, when known"})
    ends_on = ma.fields.Date(metadata={"description": "The grant works until the end of this day (Brussels)"})
    expired = ma.fields.Boolean(metadata={"description": "Revoked by the system because its end date passed"})
    renewed_at = ma.fields.DateTime(allow_none=True, metadata={"description": "When the end date was last moved"})
    renewed_by = ma.fields.String(allow_none=True)
    renewed_by_email = ma.fields.String(allow_none=True)


class GrantEndSchema(ma.Schema):
    application_id = ma.fields.String()
    application_name = ma.fields.String(allow_none=True)
    partner_name = ma.fields.String(allow_none=True)
    institution_number = ma.fields.String()
    school_name = ma.fields.String(allow_none=True)
    apis = ma.fields.List(ma.fields.String())
    ends_on = ma.fields.Date(metadata={"description": "The soonest end date of these grants"})
    reminded_at = ma.fields.DateTime(allow_none=True, metadata={"description": "When the school was reminded"})


class GrantEndsQuerySchema(ma.Schema):
    institution_number = ma.fields.String(load_default=None)


class RenewSchema(ma.Schema):
    institution_number = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=10))


class RenewalTokenSchema(ma.Schema):
    token = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=200))


class RenewedSchema(ma.Schema):
    application_id = ma.fields.String()
    institution_number = ma.fields.String()
    ends_on = ma.fields.Date(metadata={"description": "The grants' new end date: the end of the next school year"})


class GrantEndOfApiSchema(ma.Schema):
    api = ma.fields.String()
    ends_on = ma.fields.Date()


class RenewalSchema(ma.Schema):
    link_id = ma.fields.String()
    application_id = ma.fields.String()
    application_name = ma.fields.String()
    partner_name = ma.fields.String(allow_none=True)
    institution_number = ma.fields.String()
    school_name = ma.fields.String(allow_none=True)
    grants = ma.fields.List(ma.fields.Nested(GrantEndOfApiSchema))
    renews_until = ma.fields.Date(metadata={"description": "The end date renewing gives"})
    expires_at = ma.fields.DateTime(metadata={"description": "Until when the link works"})
