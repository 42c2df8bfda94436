"""The introspection endpoint's hot path (RFC 7662): a resource server asking about an access token.

WSGI middleware in front of the Flask app. It answers only the plain case itself: a form body of ``token``
(and ``token_type_hint=access_token`` at most), HTTP Basic credentials of a known client that may
introspect, and a token that verifies as one of our JWT access tokens. It reads the client, the token's
verification and revocations from the process's caches (no database round trip, no Flask request). Every
other request (errors, refresh tokens, other client authentication) goes on to Authlib's endpoint in the
Flask app with its body untouched, so it is answered exactly as before; ``test_introspection_shortcut``
checks that both answer the same.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import time
from urllib.parse import unquote_plus

from authlib.oauth2.rfc6749.util import extract_basic_authorization
from flask import Flask

from portal_identity.service_layer import tokens
from portalkit.inputs import bad_text
from portalkit.logs import request_id_var
from portalkit.web import log_access, request_id_of

PATH = "/oauth/introspect"
FORM_ENCODED = "application/x-www-form-urlencoded"
MAX_BODY = 8192  # far above a token; anything longer is Authlib's to judge
FIELDS = {"token", "token_type_hint"}
HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Pragma", "no-cache")]

log = logging.getLogger("portal_identity.oauth")


class IntrospectionShortcut:
    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        body = _small_form_body(environ)
        answer = None
        if body is not None:
            environ["wsgi.input"] = io.BytesIO(body)  # for the Flask app, when it answers after all
            try:
                answer = self._answer(environ, body)
            except Exception:  # noqa: BLE001 - the Flask app meets the same failure and answers it as ever
                log.debug("introspection shortcut declined", exc_info=True)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        request_id = request_id_of(environ.get("HTTP_X_REQUEST_ID"))
        request_id_var.set(request_id)
        payload = json.dumps(answer).encode()
        headers = [
            *HEADERS,
            ("Content-Length", str(len(payload))),
            ("X-Request-ID", request_id),
            ("X-Content-Type-Options", "nosniff"),
        ]
        start_response("200 OK", headers)
        log_access(environ.get("REMOTE_ADDR"), "POST", PATH, 200, started)
        return [payload]

    def _answer(self, environ, body: bytes) -> dict | None:
        """The answer, or None when the request is not the plain case."""
        form = _plain_form(body)
        if form is None or form.get("token_type_hint", "access_token") not in ("access_token", ""):
            return None
        client_id, secret = extract_basic_authorization({"Authorization": environ.get("HTTP_AUTHORIZATION")})
        if not client_id or not secret:
            return None
        identity = self.app.extensions["identity"]
        client = identity.clients.active(client_id)
        if (
            client is None
            or client.wait_seconds(dt.datetime.now(dt.UTC))
            or not client.check_endpoint_auth_method("client_secret_basic", "introspection")
            or not client.check_client_secret(secret)
        ):
            return None
        token = tokens.verify_access_token(identity, form["token"])
        return tokens.introspection(identity, token, client) if token is not None else None


def _small_form_body(environ) -> bytes | None:
    """The body of a form-encoded request with a query string of nothing and a length of at most MAX_BODY."""
    length = environ.get("CONTENT_LENGTH", "")
    if environ.get("CONTENT_TYPE") != FORM_ENCODED or environ.get("QUERY_STRING") or not length.isdigit():
        return None
    if int(length) > MAX_BODY:
        return None
    return environ["wsgi.input"].read(int(length))


def _plain_form(body: bytes) -> dict[str, str] | None:
    """``name=value`` pairs of :data:`FIELDS`, each once, in ASCII with UTF-8 percent-escapes, holding no
    text that portalkit.inputs refuses; None for anything else."""
    form = {}
    for pair in body.split(b"&"):
        name, equals, value = pair.partition(b"=")
        name = name.decode("ascii")
        if not equals or name not in FIELDS or name in form:
            return None
        text = unquote_plus(value.decode("ascii"), errors="strict")
        if bad_text(text):
            return None
        form[name] = text
    return form if "token" in form else None
