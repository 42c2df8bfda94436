"""Grants follow the school year: when a grant ends by default, how far ahead a school admin may set its end,
and what "renew for next school year" moves it to. A grant ends at the end of its end date, Brussels time."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
import zoneinfo

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def today_in_brussels(now: dt.datetime) -> dt.date:
    return now.astimezone(BRUSSELS).date()


def has_ended(ends_on: dt.date, now: dt.datetime) -> bool:
    """A grant ending on ``ends_on`` still works all of that day in Brussels, and no longer after it."""
    return today_in_brussels(now) > ends_on


@dataclasses.dataclass(frozen=True)
class SchoolYear:
    """The day the school year ends (31 August by default); 29 February is 28 February in other years."""

    month: int = 8
    day: int = 31

    @classmethod
    def parse(cls, text: str) -> SchoolYear:
        """``MM-DD``, as the ``SCHOOL_YEAR_END`` setting is written."""
        found = MONTH_DAY.match(text.strip())
        if not found:
            raise ValueError(f"school year end {text!r} is not MM-DD")
        month, day = int(found.group(1)), int(found.group(2))
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:
            raise ValueError(f"school year end {text!r} is not a day of the year")
        return cls(month, day)

    def end_in(self, year: int) -> dt.date:
        return dt.date(year, self.month, min(self.day, calendar.monthrange(year, self.month)[1]))

    def end_of(self, day: dt.date) -> dt.date:
        """The last day of the school year ``day`` is in: a grant's default end date."""
        this_year = self.end_in(day.year)
        return this_year if day <= this_year else self.end_in(day.year + 1)

    def end_of_next(self, day: dt.date) -> dt.date:
        """The last day of the school year after the one ``day`` is in: where renewing moves a grant's end,
        and the latest end date a school admin may choose."""
        return self.end_in(self.end_of(day).year + 1)
