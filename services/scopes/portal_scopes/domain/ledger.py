"""The consent ledger as a spreadsheet: every row, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

LEDGER_COLUMNS = (
    "institution_number",
    "school_name",
    "application_name",
    "partner_name",
    "api",
    "granted_at",
    "granted_by",
    "granted_by_email",
    "carried_over",
    "request_id",
    "revoked_at",
    "revoked_by",
    "revoked_by_email",
    "ends_on",
    "expired",
    "renewed_at",
    "renewed_by_email",
)
# OWASP "CSV injection": a cell starting with one of these is a formula to Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value) -> str:
    """The cell's text; one that a spreadsheet would read as a formula gets a leading ``'``, which makes it
    plain text and shows the value unchanged."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def ledger_csv(rows: Iterable[Mapping]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(LEDGER_COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(row.get(column)) for column in LEDGER_COLUMNS])
    return out.getvalue()
