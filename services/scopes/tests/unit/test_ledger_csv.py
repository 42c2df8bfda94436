"""The consent ledger's CSV: no cell a spreadsheet runs as a formula (OWASP CSV injection)."""

import csv
import datetime as dt
import io

import pytest

from portal_scopes.domain.ledger import LEDGER_COLUMNS, ledger_csv, spreadsheet_safe


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://evil.example","x")', "＝1"],
)
def test_formulas_become_plain_text(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "cell"),
    [("Agenda Plus", "Agenda Plus"), ("012345", "012345"), (None, ""), (True, "True"), ("a=b", "a=b")],
)
def test_ordinary_values_are_unchanged(value, cell):
    assert spreadsheet_safe(value) == cell


def test_the_csv_has_every_column_quoted():
    row = {"application_name": "=cmd|' /C calc'!A0", "granted_at": dt.datetime(2026, 1, 2, tzinfo=dt.UTC)}
    text = ledger_csv([row])
    [parsed] = list(csv.DictReader(io.StringIO(text)))
    assert list(parsed) == list(LEDGER_COLUMNS)
    assert parsed["application_name"] == "'=cmd|' /C calc'!A0"
    assert parsed["granted_at"] == "2026-01-02T00:00:00+00:00"
    assert text.splitlines()[1].startswith('"')
