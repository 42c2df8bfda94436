"""The OAuth endpoints' hot paths: WSGI middleware in front of the Flask app, without its request handling.

Each answers only the plain case itself, from the process's caches (the client snapshot, verified tokens,
revocations: no database round trip once seen) and with the same parts Authlib's endpoints use:

- ``POST /oauth/token``, client_credentials: a form of ``grant_type``, ``scope`` and the client's id and
  secret (in the form or by HTTP Basic, not both), from a client that may use the grant; the token comes
  from the authorization server's own generator. Every other token request goes to Authlib directly.
- ``POST /oauth/introspect``: a form of ``token`` (and ``token_type_hint=access_token`` at most), HTTP Basic
  credentials of a client that may introspect, and a token that verifies as one of our access tokens.
  Every other request goes on to Authlib's endpoint in the Flask app.

What they decline (errors, other grants and client authentication methods, refresh tokens, odd forms) is
answered exactly as without them, body untouched; ``tests/test_hot_paths.py`` checks both answer the same.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import time
from urllib.parse import unquote_plus

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from portal_identity.service_layer import tokens
from portalkit.hot_paths import answer_ok
from portalkit.inputs import bad_fields, bad_text
from portalkit.logs import request_id_var
from portalkit.web import log_access, request_id_of

TOKEN_PATH = "/oauth/token"
INTROSPECTION_PATH = "/oauth/introspect"
FORM_ENCODED = "application/x-www-form-urlencoded"
MAX_BODY = 8192  # far above a plain request; anything longer is Authlib's to judge
TOKEN_FIELDS = {"grant_type", "scope", "client_id", "client_secret"}
INTROSPECTION_FIELDS = {"token", "token_type_hint"}
JSON_HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Pragma", "no-cache")]

log = logging.getLogger("portal_identity.oauth")


class TokenShortcut:
    """``POST /oauth/token`` outside Flask's routing, hooks and request context; the plain client_credentials
    request outside Authlib's request handling as well."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != TOKEN_PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        body = _small_form_body(environ)
        if body is not None:
            token = _declined_on_error(self._plain_token, environ, body)
            if token is not None:
                return _json_answer(environ, start_response, token, started)
        request_id = request_id_of(environ.get("HTTP_X_REQUEST_ID"))
        request_id_var.set(request_id)
        try:
            request = Request(environ)
            request.max_content_length = self.app.config["MAX_CONTENT_LENGTH"]
            refused = bad_fields(request.form) + bad_fields(request.args)
            if refused:  # as Flask's requests are checked (portalkit.inputs): never to the database
                response = oauth_error(400, "invalid_request", f"Invalid characters in {refused[0][0]}.")
            else:
                with self.app.app_context():
                    response = self.app.extensions["oauth_server"].create_token_response(request)
        except HTTPException as error:  # an oversized or unreadable body
            response = oauth_error(error.code or 400, "invalid_request", error.description)
        except Exception:  # noqa: BLE001 - never a stack trace or HTML page to an OAuth client
            log.exception("token endpoint failed")
            response = oauth_error(500, "server_error", f"request id {request_id}")
        response.headers["X-Request-ID"] = request_id
        response.headers["X-Content-Type-Options"] = "nosniff"
        log_access(environ.get("REMOTE_ADDR"), "POST", TOKEN_PATH, response.status_code, started)
        return response(environ, start_response)

    def _plain_token(self, environ, body: bytes) -> dict | None:
        form = _plain_form(body, TOKEN_FIELDS)
        if form is None or form.get("grant_type") != "client_credentials":
            return None
        header = environ.get("HTTP_AUTHORIZATION")
        if header is None:
            client_id, secret, method = form.get("client_id"), form.get("client_secret"), "client_secret_post"
        elif "client_id" in form or "client_secret" in form:
            return None
        else:
            (client_id, secret), method = extract_basic_authorization({"Authorization": header}), "client_secret_basic"
        client = _authenticated(self.app, client_id, secret, method, "token")
        if client is None or not client.check_grant_type("client_credentials"):
            return None
        try:
            return self.app.extensions["oauth_server"].generate_token(
                grant_type="client_credentials", client=client, scope=form.get("scope"), include_refresh_token=False
            )
        except OAuth2Error:  # a scope beyond the grants: Authlib says so
            return None


class IntrospectionShortcut:
    """``POST /oauth/introspect`` (RFC 7662) by a resource server, in the plain case."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != INTROSPECTION_PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        body = _small_form_body(environ)
        if body is not None:
            answer = _declined_on_error(self._answer, environ, body)
            if answer is not None:
                return _json_answer(environ, start_response, answer, started)
        return self.wsgi_app(environ, start_response)

    def _answer(self, environ, body: bytes) -> dict | None:
        form = _plain_form(body, INTROSPECTION_FIELDS)
        if form is None or "token" not in form or form.get("token_type_hint", "") not in ("access_token", ""):
            return None
        client_id, secret = extract_basic_authorization({"Authorization": environ.get("HTTP_AUTHORIZATION")})
        client = _authenticated(self.app, client_id, secret, "client_secret_basic", "introspection")
        if client is None:
            return None
        identity = self.app.extensions["portal.runtime"].container
        token = tokens.verify_access_token(identity, form["token"])
        return tokens.introspection(identity, token, client) if token is not None else None


def _authenticated(app: Flask, client_id: str | None, secret: str | None, method: str, endpoint: str):
    """The client these credentials authenticate by ``method`` at ``endpoint``, or None (no slowed client)."""
    if not client_id or not secret:
        return None
    client = app.extensions["portal.runtime"].container.clients.active(client_id)
    if (
        client is None
        or client.wait_seconds(dt.datetime.now(dt.UTC))
        or not client.check_endpoint_auth_method(method, endpoint)
        or not client.check_client_secret(secret)
    ):
        return None
    return client


def _declined_on_error(answer, environ, body: bytes):
    """``answer(environ, body)``; None when it fails: Authlib's path meets the same failure and answers it."""
    environ["wsgi.input"] = io.BytesIO(body)  # for Authlib, when it answers after all
    try:
        return answer(environ, body)
    except Exception:  # noqa: BLE001 - declined, not lost
        log.debug("hot path declined %s", environ.get("PATH_INFO"), exc_info=True)
        return None


def _json_answer(environ, start_response, answer: dict, started: float):
    return answer_ok(environ, start_response, JSON_HEADERS, json.dumps(answer).encode(), started)


def _small_form_body(environ) -> bytes | None:
    """The body of a form-encoded request without a query string, when at most MAX_BODY long."""
    length = environ.get("CONTENT_LENGTH", "")
    if environ.get("CONTENT_TYPE") != FORM_ENCODED or environ.get("QUERY_STRING") or not length.isdigit():
        return None
    if int(length) > MAX_BODY:
        return None
    return environ["wsgi.input"].read(int(length))


def _plain_form(body: bytes, fields: set[str]) -> dict[str, str] | None:
    """``name=value`` pairs of ``fields``, each at most once, in ASCII with UTF-8 percent-escapes, holding no
    text portalkit.inputs refuses; None for anything else."""
    form = {}
    for pair in body.split(b"&"):
        name, equals, value = pair.partition(b"=")
        name = name.decode("ascii")
        if not equals or name not in fields or name in form:
            return None
        text = unquote_plus(value.decode("ascii"), errors="strict")
        if bad_text(text):
            return None
        form[name] = text
    return form


def oauth_error(status: int, error: str, description: str) -> Response:
    body = json.dumps({"error": error, "error_description": description})
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    return Response(body, status=status, mimetype="application/json", headers=headers)
