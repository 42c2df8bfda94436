"""The embedded mode's server of the web UIs' files, as nginx serves them in the stack."""

from __future__ import annotations

from pathlib import Path

from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Response

from portal_gateway.routes import WEB_HEADERS, WEB_ROOT, WEB_TYPES


class WebFiles:
    def __init__(self, root: Path = WEB_ROOT):
        self.root = root

    def response(self, environ, file_path: str) -> Response | None:
        """The file's response, or None when there is no such file (the gateway answers its own 404)."""
        target = safe_join(str(self.root), file_path.lstrip("/"))
        if target is None or not Path(target).is_file():
            return None
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return Response(status=405, headers={"Allow": "GET, HEAD"})
        mimetype = WEB_TYPES.get(Path(target).suffix.lstrip("."), "application/octet-stream")  # as nginx does
        response = send_file(target, environ, mimetype=mimetype, conditional=True, max_age=None)
        response.headers.update(WEB_HEADERS)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
