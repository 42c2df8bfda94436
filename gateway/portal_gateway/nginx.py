"""nginx configuration rendered from the route table through ``templates/nginx.conf.j2``.

``python -m portal_gateway.nginx`` rewrites the committed ``gateway/nginx/compose.conf``; the local stack
renders its own copy at start with local upstreams. A test fails when the committed file drifts.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import jinja2

from portal_gateway.routes import GATEWAY_ERRORS, WEB_HEADERS, WEB_ROOT, WEB_TYPES, RouteTable, route_table

RESPONSE_HEADERS = (
    "add_header X-Request-ID $portal_request_id always;",
    "add_header X-Content-Type-Options nosniff always;",
    "add_header X-Frame-Options DENY always;",
    "add_header Referrer-Policy no-referrer always;",
)
TOKEN_PATH = "/oauth/token"
# Revocation authenticates clients by their secret too: the token endpoint's per-address limit guards it.
REVOKE_PATH = "/oauth/revoke"
LOGIN_PREFIX = "/login"


@dataclasses.dataclass(frozen=True)
class NginxSite:
    listen: str
    upstreams: dict[str, tuple[str, ...]]  # service -> its replicas' host:port
    run_dir: str
    access_log: str
    error_log: str
    web_root: str = str(WEB_ROOT)
    max_body: str = "2m"
    # Per client address: far above what an integration (a token lives 15 minutes) or a person signing in
    # needs, far below what a script guessing secrets or passwords sends. docs/operations.md has them.
    token_rate: str = "20r/s"
    token_burst: int = 200
    login_rate: str = "5r/s"
    login_burst: int = 20
    user: str | None = None  # the workers' user and group when nginx starts as root (who can read web_root)


def _problem_body(status: int, title: str, detail: str) -> str:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    text = json.dumps(body, ensure_ascii=False)[:-1] + ', "request_id": "$portal_request_id"}'
    return text.replace("'", "\\'")


TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("portal_gateway", "templates"),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(site: NginxSite, table: RouteTable | None = None) -> str:
    table = table or route_table()
    return TEMPLATES.get_template("nginx.conf.j2").render(
        site=site,
        table=table,
        run=site.run_dir.rstrip("/"),
        routes=sorted(table.routes, key=lambda route: route.prefix),
        response_headers=RESPONSE_HEADERS,
        web_types=WEB_TYPES,
        web_headers=WEB_HEADERS,
        gateway_errors=GATEWAY_ERRORS,
        problem_bodies={status: _problem_body(status, *text) for status, text in GATEWAY_ERRORS.items()},
        token_path=TOKEN_PATH,
        revoke_path=REVOKE_PATH,
        login_prefix=LOGIN_PREFIX,
    )


COMPOSE_SITE = NginxSite(
    listen="8080",
    upstreams={service: (f"{service}:8000",) for service in route_table().services},
    run_dir="/tmp",
    access_log="/dev/stdout",
    error_log="/dev/stderr",
    web_root="/usr/share/portal/web",
)
COMPOSE_CONF = Path(__file__).resolve().parents[1] / "nginx" / "compose.conf"


def main() -> None:
    COMPOSE_CONF.write_text(render(COMPOSE_SITE))
    sys.stdout.write(f"wrote {COMPOSE_CONF}\n")


if __name__ == "__main__":
    main()
