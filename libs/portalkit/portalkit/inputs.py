"""What every request's input must be before any view reads it: JSON of a sane depth, text without NUL
characters or lone surrogates (PostgreSQL and UTF-8 refuse them later, as a 500), page numbers and path
ids a database integer can hold."""

from __future__ import annotations

import json
from collections.abc import Iterator

from flask import current_app, request
from werkzeug.routing import IntegerConverter

from portalkit.problems import Problem, current_language

MAX_JSON_DEPTH = 32
MAX_PATH_ID = 2**31 - 1  # an INTEGER column on PostgreSQL
MAX_PAGE = 1_000_000


class TooDeep(ValueError):
    pass


def parse_json(body: bytes | str, max_depth: int = MAX_JSON_DEPTH):
    """``json.loads`` that refuses nesting deeper than ``max_depth`` (ValueError) instead of recursing
    into a RecursionError."""
    try:
        value = json.loads(body)
    except RecursionError as error:
        raise TooDeep("nested too deep") from error
    _check_depth(value, max_depth)
    return value


def _check_depth(value, max_depth: int) -> None:
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise TooDeep("nested too deep")
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)


def bad_text(text: str) -> str | None:
    """Why a string cannot be stored as text: ``"nul"`` (a NUL character), ``"surrogate"`` (a lone UTF-16
    surrogate, not encodable as UTF-8), or None."""
    if "\x00" in text:
        return "nul"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "surrogate"
    return None


def text_violations(value, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(JSON pointer, reason) for every string, key or value, in a decoded JSON document that
    :func:`bad_text` refuses."""
    if isinstance(value, str):
        reason = bad_text(value)
        if reason:
            yield pointer, reason
    elif isinstance(value, dict):
        for key, item in value.items():
            escaped = key.replace("~", "~0").replace("/", "~1") if isinstance(key, str) else str(key)
            reason = bad_text(key) if isinstance(key, str) else None
            if reason:
                yield f"{pointer}/{escaped}", reason
            yield from text_violations(item, f"{pointer}/{escaped}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from text_violations(item, f"{pointer}/{index}")


def bad_fields(values) -> list[tuple[str, str]]:
    """(name, reason) for every field of a query or form (a werkzeug MultiDict) whose name or value
    :func:`bad_text` refuses."""
    found = [(name, bad_text(name) or bad_text(text)) for name, text in values.items(multi=True)]
    return [(name, reason) for name, reason in found if reason]


def _field_errors(violations, location: str) -> list[dict]:
    catalogue = current_app.extensions["portal.catalogue"]
    language = current_language()
    return [
        {
            "pointer": "#" + pointer,
            "field": pointer.strip("/").replace("/", ".") or None,
            "in": location,
            "detail": catalogue.text(f"text.{reason}", language),
        }
        for pointer, reason in violations
    ]


def check_request_input() -> None:
    """Before every view: 400 for JSON nested deeper than :data:`MAX_JSON_DEPTH`, 422 naming each
    field whose text holds a NUL character or a lone surrogate, in the query, a form or a JSON body. A view
    marked with :func:`checks_its_own_input` answers such input itself (e.g. an HTML page of the OAuth flow)."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, "checks_its_own_input", False):
        return
    violations: list[dict] = []
    for location, values in (("query", request.args), ("form", _form())):
        violations += _field_errors([(f"/{name}", reason) for name, reason in bad_fields(values)], location)
    if request.is_json and request.content_length != 0:
        body = request.get_data(cache=True)
        try:
            document = parse_json(body)
        except TooDeep:
            raise Problem(400, "problem.too_deep", depth=MAX_JSON_DEPTH) from None
        except ValueError:
            document = None  # malformed: the view's parser answers problem.bad_json
        violations += _field_errors(text_violations(document), "json")
    if violations:
        raise Problem(422, "problem.validation", errors=violations)


def checks_its_own_input(view):
    """Marks a view that refuses NUL characters and lone surrogates itself, in its own answer format."""
    view.checks_its_own_input = True
    return view


def _form():
    from werkzeug.datastructures import MultiDict

    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form
    return MultiDict()


class BoundedInt(IntegerConverter):
    """``<int:...>`` in routes: an id past what the database's integer holds is no route (404), not an
    overflow."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_PATH_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
