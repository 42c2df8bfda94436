"""The embedded mode's ``/mail`` page: every mail the local sink caught, newest first, links clickable.

Like MailHog or Mailpit in development: a newcomer clicks the activation link from the browser.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from werkzeug.wrappers import Request, Response

from portal_gateway.mailsink import read_maildir

LINK = re.compile(r"https?://[^\s<>\"]+")
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Mail · partner portal</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f23}}
article{{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0;padding:1rem}}
h2{{font-size:1.1rem;margin:0 0 .25rem}}.meta{{color:#586069;font-size:.9rem}}
pre{{white-space:pre-wrap;font-family:inherit}}</style></head>
<body><h1>Mail caught by the local SMTP sink</h1><p class="meta">{count} mails in {folder}, newest first.
Nothing here leaves this machine.</p>{mails}</body></html>"""


def _text_part(message) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    return body.get_content() if body is not None else ""


def _linked(text: str) -> str:
    escaped = html.escape(text)
    return LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)


class MailPage:
    """``host``: the one ``Host`` the page answers (the public URL's); any other is refused, so a page on
    another site cannot read the one-time links through DNS rebinding."""

    def __init__(self, folder: str | Path, host: str, limit: int = 100):
        self.folder = Path(folder)
        self.host = host.lower()
        self.limit = limit

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.host.lower() != self.host:
            text = f"This page answers only at http://{self.host}/mail"
            return Response(text, status=421, headers={"Cache-Control": "no-store"})(environ, start_response)
        if request.method != "GET":
            return Response("method not allowed", status=405)(environ, start_response)
        messages = list(reversed(read_maildir(self.folder)))[: self.limit]
        mails = "".join(
            f"<article><h2>{html.escape(str(m['Subject']))}</h2>"
            f"<div class=meta>to {html.escape(str(m['To']))} · {html.escape(str(m['Date']))}</div>"
            f"<pre>{_linked(_text_part(m))}</pre></article>"
            for m in messages
        )
        page = PAGE.format(
            count=len(messages), folder=html.escape(str(self.folder)), mails=mails or "<p>No mail yet.</p>"
        )
        response = Response(page, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response(environ, start_response)
