"""Hot read paths: a paginated list GET answered by WSGI middleware in front of the Flask app, without
Flask's routing, hooks, webargs and marshmallow, when the request is plain.

A service gives the path, the query fields it accepts and a function that either declines the request
(None) or returns its search ``(offset, limit) -> (items, total)``; the middleware parses the query and
the page as strictly as the view would accept them and answers with the same body, ``X-Pagination`` and
headers the view sends. Whatever it declines (odd or invalid input, an error on the way, a request it was
not written for) goes to the Flask view untouched, which answers it as it always has: every error is the
view's own problem+json. Each service's ``tests/test_hot_paths.py`` compares both answers.

Answers are kept per process (:class:`AnswerCache`) for the service's ``cached_tables``, until the next
write to any of them; a bearer token is still checked on every request.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import unquote_plus

from flask import Flask
from werkzeug.http import parse_cookie

from portalkit.changes import ChangeFeed
from portalkit.inputs import MAX_PAGE, bad_text
from portalkit.logs import request_id_var
from portalkit.web import Blueprint, log_access, request_id_of

PAGE_FIELDS = frozenset({"page", "page_size"})
_NUMBER = re.compile(r"[1-9][0-9]{0,6}")

log = logging.getLogger("portalkit.hot_paths")

Search = Callable[[int, int], tuple[list[dict], int]]
"""``(offset, limit) -> (rows, total)``: one page of a search and its total."""
Answer = tuple[bytes, str]
"""A hot path's body and ``X-Pagination``."""


def plain_query(query_string: str, fields: frozenset[str]) -> dict[str, str] | None:
    """``name=value`` pairs of ``fields``, each once and not empty, in ASCII with UTF-8 percent-escapes,
    holding no text portalkit.inputs refuses; None for anything else."""
    query: dict[str, str] = {}
    if not query_string:
        return query
    for pair in query_string.split("&"):
        name, equals, value = pair.partition("=")
        if not equals or not value or name not in fields or name in query or not value.isascii():
            return None
        try:
            text = unquote_plus(value, errors="strict")
        except UnicodeDecodeError:
            return None
        if bad_text(text):
            return None
        query[name] = text
    return query


def page_of(query: dict[str, str]) -> tuple[int, int] | None:
    """(page, page size) as ``portalkit.web.Blueprint.paginate`` accepts them, defaults included; None
    for anything it would refuse or read differently (left to the view)."""
    defaults = Blueprint.DEFAULT_PAGINATION_PARAMETERS
    page, size = query.get("page"), query.get("page_size")
    if any(value is not None and not _NUMBER.fullmatch(value) for value in (page, size)):
        return None
    page, size = int(page or defaults["page"]), int(size or defaults["page_size"])
    if page > MAX_PAGE or size > defaults["max_page_size"]:
        return None
    return page, size


def pagination_metadata(page: int, page_size: int, total: int) -> dict[str, int]:
    """flask-smorest's ``X-Pagination`` content (``Blueprint._make_pagination_metadata``), key for key,
    without building its marshmallow schema per request."""
    if total == 0:
        return {"total": 0, "total_pages": 0}
    last_page = (total - 1) // page_size + 1
    metadata = {"total": total, "total_pages": last_page, "first_page": 1, "last_page": last_page}
    if page <= last_page:
        metadata["page"] = page
        if page > 1:
            metadata["previous_page"] = page - 1
        if page < last_page:
            metadata["next_page"] = page + 1
    return metadata


def answer_ok(environ, start_response, headers: list[tuple[str, str]], body: bytes, started: float):
    """A hot path's ``200 OK`` with ``body``: ``headers`` and those every answer of the services carries
    (length, ``X-Request-ID`` as ``portalkit.web`` makes it, ``nosniff``), logged as the access log does."""
    request_id = request_id_of(environ.get("HTTP_X_REQUEST_ID"))
    request_id_var.set(request_id)
    start_response(
        "200 OK",
        [
            *headers,
            ("Content-Length", str(len(body))),
            ("X-Request-ID", request_id),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    log_access(environ.get("REMOTE_ADDR"), environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), 200, started)
    return [body]


class AnswerCache:
    """Answers by request, kept only while this process hears every write to the tables they are read from
    (``feed.listening``), and all dropped at each one: a commit shows in this process's next answer and in
    the other processes' as soon as the notice arrives (milliseconds; the trust rules allow a second).
    At most ``budget`` bytes, the least recently used out first. An answer read while a write was
    announced is not kept, since it may predate the write."""

    def __init__(self, feed: ChangeFeed, tables: frozenset[str], budget: int):
        self._listening = feed.listening.is_set
        self._tables = tables
        self._budget = budget
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._size = 0
        self._generation = 0
        self._lock = threading.Lock()
        feed.subscribe(self._heard)

    def _heard(self, table: str | None) -> None:
        if table is None or table == "*" or table in self._tables:
            with self._lock:
                self._generation += 1
                self._answers.clear()
                self._size = 0

    @property
    def generation(self) -> int:
        """Take before reading an answer, hand to :meth:`keep`."""
        return self._generation

    def get(self, key: tuple) -> Answer | None:
        if not self._listening():
            return None
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def keep(self, key: tuple, answer: Answer, generation: int) -> None:
        size = len(answer[0]) + len(answer[1])
        if size > self._budget or not self._listening():
            return
        with self._lock:
            if generation != self._generation or key in self._answers:
                return
            self._answers[key] = answer
            self._size += size
            while self._size > self._budget:
                _key, (body, pagination) = self._answers.popitem(last=False)
                self._size -= len(body) + len(pagination)


class ListShortcut:
    """``GET path`` outside Flask when ``search_of(app, environ, query)`` takes the request (not None);
    every other request goes on to ``wsgi_app``."""

    def __init__(
        self,
        app: Flask,
        wsgi_app,
        path: str,
        fields: frozenset[str],
        search_of: Callable[[Flask, dict, dict[str, str]], Search | None],
        serialize: Callable[[dict], dict],
    ):
        self.app = app
        self.wsgi_app = wsgi_app
        self.path = path
        self.fields = fields | PAGE_FIELDS
        self.search_of = search_of
        self.serialize = serialize
        runtime = app.extensions["portal.runtime"]
        budget = runtime.settings.answer_cache_mb * 2**20
        tables = runtime.definition.cached_tables
        self.cache = AnswerCache(runtime.table_changes, tables, budget) if budget and tables else None

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != self.path or environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        try:
            answer = self._answer(environ)
        except Exception:  # noqa: BLE001 - declined, not lost: the view meets the same failure and answers it
            log.debug("hot path declined %s", self.path, exc_info=True)
            answer = None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        body, pagination = answer
        headers = [("Content-Type", "application/json"), ("X-Pagination", pagination)]
        if environ.get("HTTP_AUTHORIZATION") or parse_cookie(environ.get("HTTP_COOKIE")):
            headers.append(("Cache-Control", "no-store"))  # as portalkit.web's after-request hook: theirs alone
        return answer_ok(environ, start_response, headers, body, started)

    def _answer(self, environ) -> Answer | None:
        if environ.get("CONTENT_LENGTH") or environ.get("HTTP_TRANSFER_ENCODING"):
            return None
        query = plain_query(environ.get("QUERY_STRING", ""), self.fields)
        paging = page_of(query) if query is not None else None
        search = self.search_of(self.app, environ, query) if paging is not None else None
        if search is None:
            return None
        if self.cache is None:
            return self._read(search, *paging)
        key = tuple(sorted(query.items()))
        generation = self.cache.generation
        answer = self.cache.get(key)
        if answer is None:
            answer = self._read(search, *paging)
            self.cache.keep(key, answer, generation)
        return answer

    def _read(self, search: Search, page: int, size: int) -> Answer:
        items, total = search((page - 1) * size, size)
        pagination = json.dumps(pagination_metadata(page, size, total))  # as flask-smorest's paginate writes it
        body = self.app.json.dumps([self.serialize(item) for item in items], separators=(",", ":")) + "\n"
        return body.encode(), pagination
