"""The Flask application every service starts from: problems, request ids, health, OpenAPI, auth."""

from __future__ import annotations

import http
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from copy import deepcopy
from functools import wraps

import flask_smorest
import marshmallow as ma
from flask import Flask, current_app, g, request
from flask.views import MethodView
from flask_smorest.utils import prepare_response
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BaseConverter

from portalkit.auth import JwksCache, TokenVerifier, fetch_jwks_over_http
from portalkit.i18n import SHARED, Catalogue
from portalkit.inputs import MAX_PAGE, BoundedInt, check_request_input
from portalkit.logs import request_id_var
from portalkit.problems import (
    PROBLEM_MEDIA_TYPE,
    ErrorMap,
    Problem,
    ProblemApi,
    check_media_type,
    install_problem_handlers,
)
from portalkit.service import ServiceRuntime

access_log = logging.getLogger("portalkit.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, as every error of the API is answered (documentation only)."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    instance = ma.fields.String()
    code = ma.fields.String()
    request_id = ma.fields.String()
    errors = ma.fields.List(ma.fields.Dict(), metadata={"description": "Offending fields, with JSON pointers"})


class _Api(ProblemApi):
    ERROR_SCHEMA = ProblemSchema

    def _register_pagination_header(self):
        """``X-Pagination`` carries JSON: declared as such (OpenAPI 3 ``content``), not as an object that the
        header's default ``simple`` style would spell ``key,value,...``."""
        self.spec.components.header(
            "PAGINATION",
            {"description": "Pagination metadata (JSON)", "content": {"application/json": {"schema": Pagination}}},
            lazy=True,
        )

    def _register_responses(self):
        """Document every error response as ``application/problem+json``, which is what is sent."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with bounded pagination: ``page`` at most :data:`MAX_PAGE`, so the offset
    always fits the database's integer (a larger page is a 422, never an overflow)."""

    def paginate(self, pager=None, *, page=None, page_size=None, max_page_size=None):
        defaults = self.DEFAULT_PAGINATION_PARAMETERS
        first = page or defaults["page"]
        size = page_size or defaults["page_size"]
        largest = max_page_size or defaults["max_page_size"]
        smorest_decorator = super().paginate(pager, page=first, page_size=size, max_page_size=largest)

        class PaginationQuerySchema(ma.Schema):
            class Meta:
                unknown = ma.EXCLUDE

            page = ma.fields.Integer(load_default=first, validate=ma.validate.Range(min=1, max=MAX_PAGE))
            page_size = ma.fields.Integer(load_default=size, validate=ma.validate.Range(min=1, max=largest))

        def decorator(func):
            paginated = smorest_decorator(func)

            @wraps(paginated)
            def bounded(*args, **kwargs):
                self.PAGINATION_ARGUMENTS_PARSER.parse(PaginationQuerySchema, request, location="query")
                return paginated(*args, **kwargs)

            bounded._apidoc = deepcopy(paginated._apidoc)
            bounded._apidoc["pagination"]["parameters"]["schema"] = PaginationQuerySchema
            return bounded

        return decorator


def runtime() -> ServiceRuntime:
    return current_app.extensions["portal.runtime"]


def container():
    """The serving service's dependencies (``ServiceRuntime.container``); each service types it."""
    return runtime().container


def request_id_of(incoming: str | None) -> str:
    """The caller's (or gateway's) request id when it is sane, a new one otherwise."""
    return incoming if incoming and _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _start_request() -> None:
    g.request_id = request_id_of(request.headers.get("X-Request-ID"))
    g.request_started = time.perf_counter()
    request_id_var.set(g.request_id)


def log_access(client: str | None, method: str, path: str, status: int, started: float) -> None:
    """One access log line. ``client``: the client's address, behind nginx too (``proxy_hops``); ``path``
    never with the query string, which may carry one-time tokens."""
    access_log.info("%s %s %s %s %.1fms", client, method, path, status, (time.perf_counter() - started) * 1000)


def _finish_request(response):
    response.headers["X-Request-ID"] = g.get("request_id", "-")
    response.headers["X-Content-Type-Options"] = "nosniff"
    if "Cache-Control" not in response.headers and (
        request.headers.get("Authorization") or request.cookies or response.headers.get("Set-Cookie")
    ):
        # Answers to a signed-in caller are theirs alone: no shared or browser cache keeps them.
        response.headers["Cache-Control"] = "no-store"
    if "request_started" in g:
        log_access(request.remote_addr, request.method, request.path, response.status_code, g.request_started)
    return response


health = Blueprint("health", __name__, description="Liveness and readiness probes")


class Pagination(ma.Schema):
    """What ``X-Pagination`` holds on every list endpoint (flask-smorest's metadata, every key documented)."""

    total = ma.fields.Integer(required=True, metadata={"description": "Total number of items."})
    total_pages = ma.fields.Integer(required=True, metadata={"description": "Total number of pages."})
    first_page = ma.fields.Integer(metadata={"description": "First available page number."})
    last_page = ma.fields.Integer(metadata={"description": "Last available page number."})
    page = ma.fields.Integer(metadata={"description": "Current page number."})
    previous_page = ma.fields.Integer(metadata={"description": "Previous page number."})
    next_page = ma.fields.Integer(metadata={"description": "Next page number."})


class IdConverter(BaseConverter):
    """``<id:name>``: a UUID, kept as text. A fixed path beside it (``/applications/link``) is then never taken
    for an id, so it answers (and its ``Allow`` lists) only its own methods."""

    regex = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def choices(setting: str) -> dict:
    """Field metadata: the allowed values are the service setting ``setting`` (categories, APIs), listed as the
    field's ``enum`` in the OpenAPI document as this deployment is configured."""
    return {"choices_from": setting}


class HealthSchema(ma.Schema):
    status = ma.fields.String()
    service = ma.fields.String()
    checks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


@health.route("/healthz")
class Liveness(MethodView):
    @health.response(200, HealthSchema)
    def get(self):
        """The process answers."""
        return {"status": "ok", "service": runtime().name}


@health.route("/readyz")
class Readiness(MethodView):
    @health.response(200, HealthSchema)
    @health.alt_response(503, schema=ProblemSchema, description="A dependency is unreachable")
    def get(self):
        """The database and the broker can be reached."""
        current = runtime()
        checks = {}
        for name, probe in (("database", current.database.ping), ("broker", current.transport.ping)):
            try:
                probe()
                checks[name] = "ok"
            except Exception as error:  # noqa: BLE001 - any failure means not ready
                checks[name] = type(error).__name__
        failing = [name for name, state in checks.items() if state != "ok"]
        if failing:
            raise Problem(503, "problem.unavailable", failing=", ".join(failing), extra={"checks": checks})
        return {"status": "ok", "service": current.name, "checks": checks}


def create_service_app(
    current: ServiceRuntime,
    *,
    import_name: str,
    title: str,
    blueprints: Iterable[Blueprint],
    texts: dict | None = None,
    errors: ErrorMap | None = None,
    verifier: TokenVerifier | None = None,
    middleware: Iterable[Callable] = (),
) -> Flask:
    """``middleware``: ``(app, wsgi_app) -> wsgi_app`` wrappers of the service's own, inside the proxy fix."""
    settings = current.settings
    app = Flask(import_name)
    app.url_map.converters["int"] = BoundedInt
    app.config.update(
        API_TITLE=title,
        API_VERSION="1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=settings.max_content_length,
        PORTAL_DEFAULT_LANGUAGE=settings.default_language,
    )
    app.json.sort_keys = False
    catalogue: Catalogue = SHARED.extend(texts or {})
    app.extensions["portal.runtime"] = current
    current.trust.listen()  # bearer tokens are checked here: revocations looked up are kept until revoked
    app.extensions["portal.catalogue"] = catalogue
    app.extensions["portal.verifier"] = verifier or TokenVerifier(
        JwksCache(lambda: fetch_jwks_over_http(settings.jwks_url), ttl=settings.jwks_cache_seconds),
        issuer=settings.token_issuer,
        audience=settings.token_audience,
    )
    api = _Api(app, spec_kwargs={"info": {"description": f"Partner portal: {title}."}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    install_problem_handlers(app, errors or {})
    app.before_request(_start_request)
    app.before_request(check_media_type)
    app.before_request(check_request_input)
    app.after_request(_finish_request)
    api.ma_plugin.converter.add_attribute_function(_choices_of(settings))
    api.ma_plugin.converter.add_attribute_function(_storable_text)
    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, lambda converter: {"type": "string", "format": "uuid"})
    api.register_blueprint(health)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    _as_the_gateway_serves_it(api, current.name)
    app.extensions["portal.api"] = api
    for wrap in middleware:
        app.wsgi_app = wrap(app, app.wsgi_app)
    if settings.proxy_hops:
        # Behind nginx the peer is always nginx; the client is the last address it appended.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=0, x_host=0, x_port=0, x_prefix=0)
    return app


def _choices_of(settings):
    def enum(converter, field, **kwargs) -> dict:
        setting = field.metadata.get("choices_from")
        if not setting:
            return {}
        return {"enum": [*getattr(settings, setting), *([None] if field.allow_none else [])]}

    return enum


# Text the portal stores: no NUL character (portalkit.inputs refuses it with 422 naming the field). A JSON
# string cannot hold a lone surrogate once encoded as UTF-8, so only NUL needs saying.
STORABLE_TEXT = "^[^\\u0000]*$"


def _storable_text(converter, field, ret=None, **kwargs) -> dict:
    """Every free text field's contract says what :func:`portalkit.inputs.check_request_input` enforces: a
    field with its own format, pattern or choices already excludes a NUL character."""
    ret = ret or {}
    types = ret.get("type")
    is_text = types == "string" or (isinstance(types, list) and "string" in types)
    if not is_text or any(key in ret for key in ("format", "pattern", "enum", "const")):
        return {}
    return {"pattern": STORABLE_TEXT}


def _as_the_gateway_serves_it(api, service: str) -> None:
    """The public document describes the API as clients reach it through the gateway: the probes under
    ``/_/<service>/`` and no ``/internal/`` path (never routed to the public)."""
    paths = api.spec._paths  # apispec keeps registered paths here; there is no public way to move one
    for probe in ("/healthz", "/readyz"):
        if probe in paths:
            paths[f"/_/{service}{probe}"] = paths.pop(probe)
    for path in [path for path in paths if path.startswith("/internal/")]:
        del paths[path]


def wsgi_app(definition) -> Flask:
    """The app ``portalctl serve`` runs in each web worker: settings and logging from the environment."""
    from portalkit.config import scrub_environment
    from portalkit.logs import configure_logging

    settings = definition.settings()
    configure_logging(definition.name, settings.log_level, settings.log_format)
    app = definition.create_app(settings)
    # granian copies os.environ into every WSGI environ after loading this app: leave it no secret to copy.
    scrub_environment(definition.settings_class)
    return app


def serve(definition, host: str, port: int, workers: int, threads: int) -> None:
    """Serve one service's API with granian: worker processes of Rust HTTP handling, each calling the WSGI
    app from ``threads`` threads. Chosen over gunicorn for the token endpoint's throughput and tail latency
    (README, "Performance")."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.log import LogLevels

    from portalkit.logs import stderr_handler

    settings = definition.settings()
    Granian(
        f"{definition.package}.entrypoints.wsgi:app",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,  # nginx speaks HTTP/1.1 to its upstreams
        websockets=False,
        workers=workers,
        blocking_threads=threads,
        respawn_failed_workers=True,
        workers_kill_timeout=10,
        log_level=LogLevels(settings.log_level.lower()),
        log_dictconfig={
            "handlers": {"portal": {"()": stderr_handler, "service": definition.name, "fmt": settings.log_format}},
            "loggers": {"_granian": {"handlers": ["portal"], "propagate": False}},
        },
    ).serve()


def one_page(pagination_parameters, search):
    """A flask-smorest paginated view's answer: ``search(offset, limit)`` gives (items, total)."""
    items, total = search(pagination_parameters.first_item, pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return items
