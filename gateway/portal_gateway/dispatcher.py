"""The embedded mode's gateway: a WSGI dispatcher built from the same route table as nginx."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping

from portal_gateway.routes import GATEWAY_ERRORS, RouteTable, route_table
from portal_gateway.webfiles import WebFiles

WsgiApp = Callable


class Dispatcher:
    def __init__(
        self,
        apps: Mapping[str, WsgiApp],
        table: RouteTable | None = None,
        max_body: int = 2 * 1024 * 1024,
        pages: Mapping[str, WsgiApp] | None = None,
    ):
        """``pages``: exact paths the embedded mode serves itself (the ``/mail`` page)."""
        self.table = table or route_table()
        self.pages = dict(pages or {})
        missing = set(self.table.services) - set(apps)
        if missing:
            raise ValueError(f"no application for service(s): {', '.join(sorted(missing))}")
        self.apps = apps
        self.max_body = max_body
        self.web_files = WebFiles()

    def __call__(self, environ, start_response):
        request_id = environ.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        environ["HTTP_X_REQUEST_ID"] = request_id
        path = environ.get("PATH_INFO", "/")
        if path in self.pages:
            return self.pages[path](environ, start_response)
        web_file = self.table.web.file_path(path)
        if web_file is not None:
            response = self.web_files.response(environ, web_file)
            if response is None:
                return self._problem(start_response, 404, request_id)
            return response(environ, start_response)
        route = self.table.match(path)
        if route is None or not route.serves(path):
            return self._problem(start_response, 404, request_id)
        if int(environ.get("CONTENT_LENGTH") or 0) > self.max_body:
            return self._problem(start_response, 413, request_id)
        environ["PATH_INFO"] = route.upstream_path(path)
        return self.apps[route.service](environ, start_response)

    @staticmethod
    def _problem(start_response, status: int, request_id: str):
        title, detail = GATEWAY_ERRORS[status]
        body = json.dumps(
            {"type": "about:blank", "title": title, "status": status, "detail": detail, "request_id": request_id},
            ensure_ascii=False,
        ).encode()
        reasons = {404: "Not Found", 413: "Content Too Large"}
        start_response(
            f"{status} {reasons[status]}",
            [
                ("Content-Type", "application/problem+json"),
                ("Content-Length", str(len(body))),
                ("X-Request-ID", request_id),
            ],
        )
        return [body]
