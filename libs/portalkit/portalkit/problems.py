"""RFC 9457 problem details: the one error format of every portal API.

Domain code raises its own exceptions; views translate them into :class:`Problem` with a catalogue key.
Everything else (routing, validation, size limits, crashes) is translated here, so no client ever sees
a stack trace or an HTML error page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

import flask_smorest
from flask import Flask, Response, g, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from portalkit.i18n import Catalogue, negotiate_language

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("portalkit.problems")


class Problem(Exception):
    """An error answer: HTTP status, catalogue key for the detail, optional field errors."""

    def __init__(self, status: int, code: str, *, errors=None, headers=None, extra=None, **params):
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}


def field_errors(messages, location: str | None = None, prefix: str = "") -> list[dict]:
    """Flatten marshmallow/webargs messages into RFC 9457 ``errors`` entries with JSON pointers."""
    entries: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if (
                prefix == ""
                and location is None
                and key in {"json", "query", "form", "files", "headers", "path", "view_args"}
            ):
                entries.extend(field_errors(value, location=key))
                continue
            path = f"{prefix}/{key}" if prefix or key != "_schema" else ""
            entries.extend(field_errors(value, location, path))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        field = prefix.strip("/").replace("/", ".") or None
        for message in messages:
            entry = {"pointer": "#" + prefix, "field": field, "detail": message}
            if location:
                entry["in"] = location
            entries.append(entry)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            entries.extend(field_errors(value, location, f"{prefix}/{index}"))
    elif isinstance(messages, str):
        entries.append(
            {"pointer": "#" + prefix, "field": prefix.strip("/").replace("/", ".") or None, "detail": messages}
        )
    return entries


def current_language(app: Flask | None = None) -> str:
    from flask import current_app

    app = app or current_app
    return negotiate_language(
        request.headers.get("Accept-Language"),
        request.args.get("lang"),
        app.config.get("PORTAL_DEFAULT_LANGUAGE", "nl"),
    )


def _oauth_error(status: int, detail: str, headers) -> Response:
    """RFC 6749 section 5.2 errors for OAuth endpoints, which clients parse as such, not as problems. A field
    the portal refuses (422 elsewhere, e.g. a NUL character) is a malformed request here: 400 ``invalid_request``."""
    error = "server_error" if status >= 500 else "invalid_request"
    if status == 422:
        status = 400
    body = json.dumps({"error": error, "error_description": detail})
    response = Response(body, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def problem_response(status: int, detail: str, *, errors=None, code=None, headers=None, extra=None) -> Response:
    from flask import current_app

    if request.path.startswith(current_app.config.get("PORTAL_OAUTH_PREFIXES", ())):
        return _oauth_error(status, detail, headers)
    catalogue: Catalogue = current_app.extensions["portal.catalogue"]
    language = current_language()
    title_key = f"http.{status}" if f"http.{status}" in catalogue else "http.other"
    code = code.removeprefix("problem.") if code else None
    body = {
        "type": f"urn:portal:problem:{code}" if code else "about:blank",
        "title": catalogue.text(title_key, language),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": g.get("request_id"),
    }
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    response.headers["Content-Language"] = language
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _text(key: str, **params) -> str:
    from flask import current_app

    return current_app.extensions["portal.catalogue"].text(key, current_language(), **params)


def _http_exception(error: HTTPException) -> Response:
    from flask import current_app

    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("errors") or data.get("messages")
    headers = dict(data.get("headers") or {})
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 422 or (status == 400 and messages):
        return problem_response(
            422 if status == 422 else 400,
            _text("problem.validation"),
            errors=field_errors(messages),
            code="validation",
            headers=headers,
        )
    known = {
        400: lambda: _text("problem.bad_json") if request.is_json else error.description,
        404: lambda: _text("problem.not_found"),
        405: lambda: _text("problem.method_not_allowed"),
        413: lambda: _text("problem.too_large", limit=current_app.config.get("MAX_CONTENT_LENGTH")),
    }
    if status >= 500:
        return _unexpected(error)
    detail = known[status]() if status in known else (data.get("message") or error.description)
    return problem_response(status, detail, headers=headers)


def _problem(problem: Problem) -> Response:
    return problem_response(
        problem.status,
        _text(problem.code, **problem.params),
        errors=problem.errors,
        code=problem.code,
        headers=problem.headers,
        extra=problem.extra,
    )


def _validation(error: ValidationError) -> Response:
    return problem_response(
        422, _text("problem.validation"), errors=field_errors(error.messages, "json"), code="validation"
    )


def _unexpected(error: BaseException) -> Response:
    original = getattr(error, "original_exception", None) or error
    log.error("unhandled error", exc_info=(type(original), original, original.__traceback__))
    return problem_response(500, _text("problem.internal", request_id=g.get("request_id")), code="internal")


class ProblemApi(flask_smorest.Api):
    """flask-smorest's Api whose errors are problem+json instead of its own JSON shape."""

    def handle_http_exception(self, error):
        return _http_exception(error)


ErrorMap = Mapping[type[Exception], Callable[[Exception], Problem]]
"""A service's one table from domain exception to the problem it answers (status, catalogue key, fields)."""


def install_problem_handlers(app: Flask, errors: ErrorMap) -> None:
    for exception_type, answer in errors.items():
        app.register_error_handler(exception_type, lambda error, answer=answer: _problem(answer(error)))
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(Problem, _problem)
    app.register_error_handler(ValidationError, _validation)
    app.register_error_handler(Exception, _unexpected)


ACCEPTED_BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


def check_media_type() -> None:
    """415 for a body of a type no endpoint of this service reads."""
    from flask import current_app

    if request.method not in {"POST", "PUT", "PATCH"}:
        return
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    if not has_body:
        return
    accepted = current_app.config.get("PORTAL_ACCEPTED_BODY_TYPES", ACCEPTED_BODY_TYPES)
    mimetype = request.mimetype or ""
    if mimetype in accepted or (mimetype.startswith("application/") and mimetype.endswith("+json")):
        return
    raise Problem(415, "problem.media_type", media_type=mimetype or "-", accepted=", ".join(accepted))


def field_problem(code: str, violations, status: int = 422) -> Problem:
    """A 422 naming each offending field; ``violations`` are (field, catalogue key, parameters)."""
    from flask import current_app

    catalogue: Catalogue = current_app.extensions["portal.catalogue"]
    language = current_language()
    errors = [
        {"pointer": f"#/{field}", "field": field, "detail": catalogue.text(key, language, **params)}
        for field, key, params in violations
    ]
    return Problem(status, code, errors=errors)
