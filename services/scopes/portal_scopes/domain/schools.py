"""Schools: institution numbers and names, the tenants whose data the apps ask to read."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

INSTITUTION_NUMBER = re.compile(r"^\d{1,10}$")


class InvalidSchoolFile(ValueError):
    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclasses.dataclass
class School:
    institution_number: str
    name: str


def parse_schools_csv(text: str) -> list[School]:
    """``institution_number,name`` rows with a header; all or nothing, with the line of the first error."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames:
        reader.fieldnames = [name.strip() for name in reader.fieldnames]
    if not reader.fieldnames or {"institution_number", "name"} - set(reader.fieldnames):
        raise InvalidSchoolFile(1, "header must name the columns institution_number and name")
    schools: dict[str, School] = {}
    for line, row in enumerate(reader, start=2):
        number = (row.get("institution_number") or "").strip()
        name = (row.get("name") or "").strip()
        if not INSTITUTION_NUMBER.match(number):
            raise InvalidSchoolFile(line, f"institution number {number!r} is not 1 to 10 digits")
        if not name or len(name) > 200:
            raise InvalidSchoolFile(line, "name must be 1 to 200 characters")
        if number in schools and schools[number].name != name:
            raise InvalidSchoolFile(line, f"institution number {number} appears twice with different names")
        schools[number] = School(number, name)
    return list(schools.values())
