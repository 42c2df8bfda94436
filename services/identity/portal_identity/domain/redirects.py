"""Where a browser may be sent after signing in: only a path in this portal (OWASP unvalidated
redirects). Browsers drop tabs and newlines from a Location, treat ``\\`` as ``/`` and ``//host`` as another
host, so the rule judges the target as a browser will read it, percent-decoded, and refuses rather than
repairs."""

from __future__ import annotations

import re
from urllib.parse import unquote

HOME = "/"
_PRINTABLE = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no space: what a Location may carry as is
_DOT_SEGMENT = re.compile(r"(^|/)\.{1,2}(/|$)")
_URI = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")  # RFC 3986's characters
_RESPONSE_TYPE = re.compile(r"[A-Za-z0-9_ ]*")  # RFC 6749 appendix A.3


def safe_next(target: str | None) -> str:
    """``target`` when it is a same-origin relative path (``/path?query#fragment``), otherwise ``/``."""
    if not target or not _PRINTABLE.fullmatch(target) or "\\" in target:
        return HOME
    path = re.split(r"[?#]", target, maxsplit=1)[0]
    decoded = path
    for _ in range(3):  # %252F is %2F once decoded, / twice
        decoded = unquote(decoded)
    if (
        not decoded.startswith("/")
        or decoded.startswith("//")
        or "//" in decoded
        or "\\" in decoded
        or _DOT_SEGMENT.search(decoded)
        or not _PRINTABLE.fullmatch(decoded)
    ):
        return HOME
    return target


def malformed_authorization_parameter(parameters) -> str | None:
    """The name of the first authorization request parameter that breaks its RFC 6749 / 3986 syntax (a
    ``"`` in ``redirect_uri``, say), or None. Such a request is answered on the server's own page: it
    cannot name a checked redirect URI, and its values must not be echoed into an error description."""
    if not _URI.fullmatch(parameters.get("redirect_uri", "")):
        return "redirect_uri"
    if not _RESPONSE_TYPE.fullmatch(parameters.get("response_type", "")):
        return "response_type"
    return None
