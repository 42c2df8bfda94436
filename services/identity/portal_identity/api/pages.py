"""The hosted pages: login (for the authorization code flow), activation, forgotten and new password.

Forms carry a CSRF token bound to the session. Activation and reset links open a page with a button:
mail scanners that fetch links must not use up a one-time token.
"""

from __future__ import annotations

import secrets as random
from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, render_template, request, session

from portal_identity.api import identity
from portal_identity.domain.accounts import InvalidAccount
from portal_identity.domain.redirects import safe_next
from portal_identity.service_layer import accounts, sessions
from portalkit.problems import current_language

blp = Blueprint("pages", __name__, url_prefix="/login", template_folder="../templates")
LOGIN_SESSION = "login_session"  # the cookie names the server-side session; it holds nothing else of worth


def page_texts() -> dict:
    catalogue = current_app.extensions["portal.catalogue"]
    language = current_language()
    # Unformatted: the few texts with a {placeholder} are filled in where they are used.
    texts = {key[5:]: texts[language] for key, texts in catalogue.messages.items() if key.startswith("page.")}
    other = "en" if language == "nl" else "nl"
    query = {key: value for key, value in request.args.items() if key != "lang"}
    texts.update(lang=language, other_lang=other, switch_query=urlencode({**query, "lang": other}))
    return texts


def _csrf() -> str:
    if "csrf" not in session:
        session["csrf"] = random.token_urlsafe(24)
    return session["csrf"]


def _csrf_ok() -> bool:
    sent = request.form.get("csrf", "")
    return bool(sent) and random.compare_digest(sent, session.get("csrf", ""))


def _render(template: str, status: int = 200, **context):
    response = current_app.make_response((render_template(template, t=page_texts(), csrf=_csrf(), **context), status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
    )
    return response


@blp.route("", methods=["GET"])
def login_form():
    return _render("login.html", next=safe_next(request.args.get("next")), email="", message=None)


@blp.route("", methods=["POST"])
def login():
    texts = page_texts()
    next_url = safe_next(request.form.get("next"))
    email = request.form.get("email", "")[:320]
    if not _csrf_ok():
        return _render("login.html", 400, next=next_url, email=email, message=texts["session_expired"])
    try:
        person = accounts.authenticate(identity(), email, request.form.get("password", ""), request.remote_addr or "-")
    except accounts.LoginRefused as refused:
        if refused.reason in ("locked", "slowed"):
            if refused.reason == "locked":
                message = texts["login_locked"].replace("{until}", refused.locked_until.strftime("%H:%M"))
            else:
                message = texts["login_slowed"].replace("{seconds}", str(refused.retry_after))
            response = _render("login.html", 429, next=next_url, email=email, message=message)
            response.headers["Retry-After"] = str(refused.retry_after)
            return response
        key = "login_not_activated" if refused.reason == "not_activated" else "login_invalid"
        return _render("login.html", 401, next=next_url, email=email, message=texts[key])
    login = sessions.start(identity(), person)
    if login is None:  # the password was reset, or the account deactivated, a moment ago
        return _render("login.html", 401, next=next_url, email=email, message=texts["login_invalid"])
    session.clear()  # a new session id for the signed-in person (no session fixation)
    session.permanent = True
    session[LOGIN_SESSION] = login.id
    return redirect(next_url)


@blp.route("/activate", methods=["GET"])
def activate_form():
    return _render("activate.html", token=request.args.get("token", ""))


@blp.route("/activate", methods=["POST"])
def activate():
    texts = page_texts()
    if not _csrf_ok():
        return _render("activate.html", 400, token=request.form.get("token", ""))
    try:
        accounts.activate(identity(), request.form.get("token", ""))
    except accounts.LinkInvalid:
        message = current_app.extensions["portal.catalogue"].text("accounts.link_invalid", texts["lang"])
        return _render("error.html", 400, message=message)
    return _render("message.html", title=texts["activated_title"], message=texts["activated"])


@blp.route("/forgot", methods=["GET"])
def forgot_form():
    return _render("forgot.html")


@blp.route("/forgot", methods=["POST"])
def forgot():
    texts = page_texts()
    if _csrf_ok():
        accounts.request_password_reset(identity(), request.form.get("email", "")[:320])
    hours = str(identity().settings.password_reset_hours)
    return _render("message.html", title=texts["forgot_title"], message=texts["forgot_sent"].replace("{hours}", hours))


@blp.route("/reset", methods=["GET"])
def reset_form():
    return _render("reset.html", token=request.args.get("token", ""), errors=[])


@blp.route("/reset", methods=["POST"])
def reset():
    texts = page_texts()
    token = request.form.get("token", "")
    if not _csrf_ok():
        return _render("reset.html", 400, token=token, errors=[texts["session_expired"]])
    catalogue = current_app.extensions["portal.catalogue"]
    try:
        accounts.reset_password(identity(), token, request.form.get("password", ""))
    except accounts.LinkInvalid:
        return _render("error.html", 400, message=catalogue.text("accounts.link_invalid", texts["lang"]))
    except InvalidAccount as invalid:
        errors = [catalogue.text(key, texts["lang"], **params) for _, key, params in invalid.violations]
        return _render("reset.html", 422, token=token, errors=errors)
    return _render("message.html", title=texts["reset_done_title"], message=texts["reset_done"])
