"""The school year's rules: default end dates, the latest end a school admin may pick, renewal, the end of a day."""

import datetime as dt

import pytest

from portal_scopes.domain.access import InvalidRequest, choose_end
from portal_scopes.domain.school_year import SchoolYear, has_ended, today_in_brussels

YEAR = SchoolYear()


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (dt.date(2026, 9, 1), dt.date(2027, 8, 31)),  # the first day of a school year
        (dt.date(2027, 8, 31), dt.date(2027, 8, 31)),  # its last day
        (dt.date(2027, 9, 1), dt.date(2028, 8, 31)),
        (dt.date(2027, 1, 15), dt.date(2027, 8, 31)),
        (dt.date(2026, 12, 31), dt.date(2027, 8, 31)),
    ],
)
def test_a_grant_ends_by_default_with_the_school_year_it_is_made_in(day, end):
    assert YEAR.end_of(day) == end


def test_renewing_gives_the_end_of_the_next_school_year():
    assert YEAR.end_of_next(dt.date(2027, 8, 1)) == dt.date(2028, 8, 31)
    assert YEAR.end_of_next(dt.date(2027, 9, 1)) == dt.date(2029, 8, 31)


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (dt.date(2027, 3, 1), dt.date(2028, 2, 29)),  # 2028 is a leap year
        (dt.date(2028, 2, 29), dt.date(2028, 2, 29)),
        (dt.date(2028, 3, 1), dt.date(2029, 2, 28)),  # 2029 is not: the last day of February
        (dt.date(2029, 2, 28), dt.date(2029, 2, 28)),
    ],
)
def test_a_school_year_ending_on_29_february_ends_on_28_february_in_other_years(day, end):
    assert SchoolYear.parse("02-29").end_of(day) == end


@pytest.mark.parametrize("text", ["8-31", "13-01", "02-30", "00-10", "08-32", "31-08"])
def test_the_setting_is_a_day_of_the_year_written_mm_dd(text):
    with pytest.raises(ValueError, match="school year end"):
        SchoolYear.parse(text)


def test_the_setting_names_the_month_and_day():
    assert SchoolYear.parse("06-30").end_of(dt.date(2027, 7, 1)) == dt.date(2028, 6, 30)


def test_a_grant_works_until_the_end_of_its_last_day_in_brussels():
    ends_on = dt.date(2027, 8, 31)
    # 31 August 23:59 in Brussels (summer time, UTC+2) is 21:59 UTC; midnight is 22:00 UTC
    assert not has_ended(ends_on, dt.datetime(2027, 8, 31, 21, 59, tzinfo=dt.UTC))
    assert has_ended(ends_on, dt.datetime(2027, 8, 31, 22, 0, tzinfo=dt.UTC))
    assert today_in_brussels(dt.datetime(2027, 12, 31, 23, 30, tzinfo=dt.UTC)) == dt.date(2028, 1, 1)


def test_no_pick_is_the_end_of_the_school_year():
    assert choose_end(None, dt.date(2026, 12, 7), YEAR, "f") == dt.date(2027, 8, 31)


@pytest.mark.parametrize("picked", [dt.date(2026, 12, 7), dt.date(2027, 3, 1), dt.date(2028, 8, 31)])
def test_an_admin_picks_an_end_from_today_to_the_end_of_the_next_school_year(picked):
    assert choose_end(picked, dt.date(2026, 12, 7), YEAR, "f") == picked


@pytest.mark.parametrize(
    ("picked", "key", "params"),
    [
        (dt.date(2026, 12, 6), "grants.ends_on_past", {"today": "2026-12-07"}),
        (dt.date(2028, 9, 1), "grants.ends_on_too_late", {"latest": "2028-08-31"}),
    ],
)
def test_an_end_in_the_past_or_beyond_the_next_school_year_is_refused(picked, key, params):
    with pytest.raises(InvalidRequest) as refused:
        choose_end(picked, dt.date(2026, 12, 7), YEAR, "grants.012345")
    assert refused.value.violations == [("grants.012345", key, params)]
