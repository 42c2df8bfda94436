"""Which answer each domain refusal gets: 409 for what may change later, 403 for what the caller may not,
410 for a link that is gone for good."""

import pytest

from portal_scopes.api.problems import ERRORS
from portal_scopes.domain.access import (
    DailyLimitReached,
    GrantForUnapprovedApplication,
    LinkAnswered,
    LinkExpired,
    LinkInvalid,
    NotYourSchool,
    RequestForUnapprovedApplication,
    RequestNeeded,
)
from portal_scopes.service_layer.handlers import NotFound


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (RequestForUnapprovedApplication("app-1"), 409, "requests.app_not_approved"),
        (GrantForUnapprovedApplication("app-1"), 409, "grants.app_not_approved"),
        (NotYourSchool(["011111"]), 403, "grants.not_your_school"),
        (RequestNeeded(), 403, "grants.request_needed"),
        (LinkInvalid(), 403, "link.invalid"),
        (LinkExpired(), 410, "link.expired"),
        (LinkAnswered(), 410, "link.answered"),
        (NotFound("app-1"), 404, "problem.not_found"),
    ],
)
def test_each_refusal_has_its_own_status_and_text(error, status, code):
    problem = ERRORS[type(error)](error)
    assert (problem.status, problem.code) == (status, code)


def test_a_foreign_school_is_named():
    assert ERRORS[NotYourSchool](NotYourSchool(["011111", "099999"])).params == {"institutions": "011111, 099999"}


def test_a_daily_limit_says_when_to_retry_and_what_is_left():
    problem = ERRORS[DailyLimitReached](DailyLimitReached("partner", 100, 3, 60))
    assert (problem.status, problem.code, problem.params) == (429, "requests.daily_limit_partner", {"limit": 100})
    assert problem.headers == {"Retry-After": "60"} and problem.extra == {"limit": 100, "left": 3}
