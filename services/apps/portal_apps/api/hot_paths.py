"""The moderators' search hot path: ``GET /api/v1/admin/applications`` answered by WSGI middleware
(``portalkit.hot_paths``) from plain rows, without loading applications or marshmallow.

It answers only a moderator whose bearer token the service trusts (the same verifier and revocation check
as ``portalkit.auth.requires``), with a search of ``q`` (at most 200 characters), a known ``status``,
``partner_id``, ``api``, ``oldest_first`` (``true`` or ``false``) and a page; everything else (no or a bad
token, another role, dates, odd input) goes to the view in ``admin.py``, which answers it and every error
as always. ``tests/test_hot_paths.py`` checks both answer the same.
"""

from __future__ import annotations

from portal_apps.adapters.repositories import ApplicationFilter
from portal_apps.domain.model import Status
from portal_apps.service_layer import handlers
from portalkit.auth import TokenError, bearer_token, trusted_principal
from portalkit.hot_paths import ListShortcut

SEARCH_PATH = "/api/v1/admin/applications"
FIELDS = frozenset({"q", "status", "partner_id", "api", "oldest_first"})
MAX_SEARCH_TEXT = 200  # ApplicationSearchSchema.q
STATUSES = frozenset(status.value for status in Status)
BOOLEANS = {"true": True, "false": False}


def moderator_search(app, environ, query: dict[str, str]):
    """The search of a moderator's plain request; None for any other request."""
    text, status, oldest_first = query.get("q"), query.get("status"), query.get("oldest_first", "false")
    if (text is not None and len(text) > MAX_SEARCH_TEXT) or (status is not None and status not in STATUSES):
        return None
    if oldest_first not in BOOLEANS:
        return None
    token = bearer_token(environ.get("HTTP_AUTHORIZATION"))
    if token is None:
        return None
    try:
        principal = trusted_principal(app, token)
    except TokenError:
        return None
    if "moderator" not in principal.roles:
        return None
    where = ApplicationFilter(
        text=text,
        status=status,
        partner_id=query.get("partner_id"),
        api=query.get("api"),
        oldest_first=BOOLEANS[oldest_first],
    )
    unit_of_work = app.extensions["portal.runtime"].container.unit_of_work
    return lambda offset, limit: handlers.search_entries(unit_of_work, where, offset, limit)


def listed_application(row: dict) -> dict:
    """A search row as ApplicationSchema writes a listed application, key for key."""
    change = row["pending_change"]
    if change is not None:
        change = {
            "id": change["id"],
            "name": change["name"],
            "apis_added": list(change["apis_added"]),
            "requested_by": change["requested_by"],
            "requested_at": change["requested_at"].isoformat(),
        }
    return {
        "id": row["id"],
        "partner_id": row["partner_id"],
        "partner_name": row["partner_name"],
        "name": row["name"],
        "description": row["description"],
        "technical_contact": row["technical_contact"],
        "contact_email": row["contact_email"],
        "apis": list(row["apis"]),
        "status": row["status"],
        "client_id": row["client_id"],
        "pending_change": change,
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


def search_shortcut(app, wsgi_app) -> ListShortcut:
    return ListShortcut(app, wsgi_app, SEARCH_PATH, FIELDS, moderator_search, listed_application)
