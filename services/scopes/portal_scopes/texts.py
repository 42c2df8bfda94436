"""Every user-facing text of the scopes service, Dutch first (issue 6 fills it)."""

TEXTS: dict[str, dict[str, str]] = {}
