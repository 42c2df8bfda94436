"""The public directory's hot path: ``GET /api/v1/public/partners``, answered by
WSGI middleware (``portalkit.hot_paths``) from plain rows, without loading profiles or marshmallow.

It takes a search of known fields only (``q`` of at most 200 characters, a known ``category``, a page)
and leaves everything else to the view in ``public.py``, which answers it (and every error) as always;
``tests/test_hot_paths.py`` checks both answer the same.
"""

from __future__ import annotations

from portal_partners.service_layer import handlers
from portalkit.hot_paths import ListShortcut

DIRECTORY_PATH = "/api/v1/public/partners"
MAX_SEARCH_TEXT = 200  # DirectorySearchSchema.q


def directory_search(app, environ, query: dict[str, str]):
    """The search of a plain request; None for any other. The directory is public: a bearer token or a
    cookie changes nothing but the answer's ``Cache-Control: no-store``, as in the view."""
    partners = app.extensions["portal.runtime"].container
    text, category = query.get("q"), query.get("category")
    if text is not None and len(text) > MAX_SEARCH_TEXT:
        return None
    if category is not None and category not in partners.categories:
        return None
    return lambda offset, limit: handlers.directory_entries(partners.unit_of_work, text, category, offset, limit)


def public_entry(row: dict) -> dict:
    """A directory row as PublicPartnerSchema writes a profile, key for key."""
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "categories": row["categories"],
        "category": row["categories"][0],
        "website": row["website"],
        "extra_info": row["extra_info"],
        "logo_url": f"/api/v1/public/partners/{row['id']}/logo",
    }


def directory_shortcut(app, wsgi_app) -> ListShortcut:
    return ListShortcut(app, wsgi_app, DIRECTORY_PATH, frozenset({"q", "category"}), directory_search, public_entry)
