"""The scopes service's settings (environment only)."""

import dataclasses

from portalkit.config import Settings


@dataclasses.dataclass(frozen=True)
class ScopesSettings(Settings):
    access_request_days: int = 31  # the mail's link is valid for a month
    access_request_max_addresses: int = 10  # per request
    access_requests_per_application_per_day: int = 30  # within any 24 hours
    access_requests_per_partner_per_day: int = 100
    school_year_end: str = "08-31"  # MM-DD: grants end at the end of this day by default (Brussels)
    grant_reminder_days: int = 30  # the school admin is reminded this many days before a grant ends
    grant_sweep_seconds: float = 60  # how often the worker expires grants and requests and sends reminders

    @property
    def school_year(self):
        from portal_scopes.domain.school_year import SchoolYear

        return SchoolYear.parse(self.school_year_end)

    @property
    def access_request_limits(self):
        from portal_scopes.domain.access import RequestLimits

        return RequestLimits(
            self.access_request_max_addresses,
            self.access_requests_per_application_per_day,
            self.access_requests_per_partner_per_day,
        )
