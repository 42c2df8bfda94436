"""One-time secrets at rest: what stays of a one-time link once the mail that carries it has gone out.

Activation, password reset and access request links carry their secret as ``token=...``. Once the event (or the
mail) has been sent, the stored copy keeps the link's place and kind, so an operator still sees what went out,
but not the token: a database or backup reader cannot use it.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

REDACTED = "redacted"
_TOKEN = re.compile(r"(?P<name>\btoken=)(?P<value>[^&#\s\"'<>]+)")
# The JSON Schema keyword that marks an event field carrying a one-time secret (contracts/events/).
SECRET_KEYWORD = "x-one-time-secret"


def token_hash(token: str) -> str:
    """The stored lookup key of a one-time token or code: unkeyed SHA-256, as the token is random already."""
    return hashlib.sha256(token.encode()).hexdigest()


def redact_links(text: str) -> str:
    """``text`` with every ``token=`` value replaced by ``redacted``."""
    return _TOKEN.sub(lambda found: found["name"] + REDACTED, text)


def one_time_secret_fields(contracts_dir: str | Path) -> dict[str, frozenset[str]]:
    """Per event key (``<type>.v<version>``), the ``data`` fields its contract marks as one-time secrets."""
    fields = {}
    for path in sorted(Path(contracts_dir, "events").glob("*.v[0-9]*.json")):
        properties = json.loads(path.read_text()).get("properties", {}).get("data", {}).get("properties", {})
        marked = frozenset(name for name, schema in properties.items() if schema.get(SECRET_KEYWORD))
        if marked:
            fields[path.name.removesuffix(".json")] = marked
    return fields


def redacted_payload(payload: str, fields: frozenset[str]) -> str:
    """An outbox payload (an envelope's JSON) with the one-time links in ``fields`` of its data redacted."""
    document = json.loads(payload)
    data = document.get("data") or {}
    for name in fields & set(data):
        if isinstance(data[name], str):
            data[name] = redact_links(data[name])
    return json.dumps(document, separators=(",", ":"))
