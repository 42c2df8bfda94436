"""nginx configuration rendered from the route table.

``python -m portal_gateway.nginx`` rewrites the committed ``gateway/nginx/compose.conf``; the local stack
renders its own copy at start with local upstreams. A test fails when the committed file drifts.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

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


def _web_locations(site: NginxSite, table: RouteTable) -> list[str]:
    """The web UIs' files: "/" is the front-office's index, the prefixes are folders under the web root."""
    headers = [
        "            charset utf-8;",
        "            charset_types text/css text/javascript image/svg+xml;",
        *(f"            {header}" for header in RESPONSE_HEADERS),
        *(f'            add_header {name} "{value}" always;' for name, value in WEB_HEADERS.items()),
    ]
    lines = [
        "        location = / {  # web UI",
        f"            root {site.web_root};",
        f"            try_files {table.web.index} =404;",
        *headers,
        "        }",
        "",
    ]
    for prefix in table.web.prefixes:
        lines += [
            f"        location ^~ {prefix} {{  # web UI",
            f"            root {site.web_root};",
            "            index index.html;",
            *headers,
            "        }",
            "",
        ]
    return lines


def render(site: NginxSite, table: RouteTable | None = None) -> str:
    table = table or route_table()
    run = site.run_dir.rstrip("/")
    lines = [
        "# Generated from gateway/portal_gateway/routes.toml by portal_gateway.nginx: do not edit.",
        *([f"user {site.user};"] if site.user else []),
        # One worker proxies many times what the Python services behind it answer; a second one only takes
        # CPU from them (2 cores, 32 keep-alive connections: p99 of a token 30 ms with two, 12 ms with one).
        "worker_processes 1;",
        f"pid {run}/nginx.pid;",
        f"error_log {site.error_log} warn;",
        "",
        "events {",
        "    worker_connections 4096;",
        "}",
        "",
        "http {",
        "    default_type application/octet-stream;",
        "    types {",
        *(f"        {mimetype} {extension};" for extension, mimetype in WEB_TYPES.items()),
        "    }",
        "    server_tokens off;",
        "    sendfile on;",
        "    tcp_nodelay on;",
        "    keepalive_timeout 65s;",
        "    keepalive_requests 100000;",
        f"    client_max_body_size {site.max_body};",
        "    client_body_timeout 15s;",
        "    client_header_timeout 15s;",
        f"    client_body_temp_path {run}/client_body;",
        f"    proxy_temp_path {run}/proxy;",
        f"    fastcgi_temp_path {run}/fastcgi;",
        f"    uwsgi_temp_path {run}/uwsgi;",
        f"    scgi_temp_path {run}/scgi;",
        "",
        "    # $uri, never $request_uri: query strings may carry one-time tokens.",
        '    log_format portal_json escape=json \'{"time":"$time_iso8601","request_id":"$portal_request_id",'
        '"remote":"$remote_addr","method":"$request_method","uri":"$uri","status":$status,'
        '"bytes":$body_bytes_sent,"duration":$request_time,"upstream":"$upstream_addr",'
        '"upstream_duration":"$upstream_response_time"}\';',
        f"    access_log {site.access_log} portal_json buffer=64k flush=1s;",
        "",
        "    gzip on;",
        "    gzip_min_length 1024;",
        "    gzip_types application/json application/problem+json text/css application/javascript text/plain;",
        "",
        "    map $http_x_request_id $portal_request_id {",
        "        default $http_x_request_id;",
        '        ""      $request_id;',
        "    }",
        "",
        f"    limit_req_zone $binary_remote_addr zone=token:10m rate={site.token_rate};",
        f"    limit_req_zone $binary_remote_addr zone=login:10m rate={site.login_rate};",
        "    limit_req_status 429;",
        "",
    ]
    for service in table.services:
        lines += [
            f"    upstream {service} {{",
            *(f"        server {address};" for address in site.upstreams[service]),
            "        keepalive 64;",
            "        keepalive_timeout 20s;  # below the services' 30 s idle limit: never reuse a closed one",
            "    }",
            "",
        ]
    lines += [
        "    server {",
        f"        listen {site.listen};",
        "",
        *(f"        {header}" for header in RESPONSE_HEADERS),
        "",
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        "        proxy_set_header Host $host;",
        "        proxy_set_header X-Request-ID $portal_request_id;",
        "        proxy_hide_header X-Request-ID;  # the service echoes it; nginx adds it once for all answers",
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "        proxy_set_header X-Forwarded-Proto $scheme;",
        "        proxy_connect_timeout 5s;",
        "        proxy_send_timeout 30s;",
        "        proxy_read_timeout 30s;",
        # A request that cannot reach a replica (it died, or restarts) goes to another, in bounds. nginx never
        # sends a POST or PATCH again once it reached a replica, except token requests (see routes below).
        # The services send nosniff themselves (for when nothing is in front); nginx adds its own to every answer.
        "        proxy_hide_header X-Content-Type-Options;",
        "        proxy_next_upstream error timeout;",
        "        proxy_next_upstream_tries 2;",
        "        proxy_next_upstream_timeout 10s;",
        "",
    ]
    for status in GATEWAY_ERRORS:
        lines.append(f"        error_page {status} @problem_{status};")
    lines.append("")
    for route in sorted(table.routes, key=lambda r: r.prefix):
        target = f"http://{route.service}/" if route.strip else f"http://{route.service}"
        lines.append(f"        location ^~ {route.prefix} {{  # {route.side}")
        if route.side == "internal" or route.only:
            lines += ["            return 404;", "        }", ""]
            lines += [
                line
                for path in route.only
                for line in (
                    f"        location = {route.prefix}{path} {{",
                    f"            proxy_pass {target}{path};",
                    "        }",
                    "",
                )
            ]
            continue
        if route.prefix == LOGIN_PREFIX:
            lines.append(f"            limit_req zone=login burst={site.login_burst} nodelay;")
        lines += [f"            proxy_pass {target};", "        }", ""]
        if TOKEN_PATH.startswith(route.prefix) and route.prefix != TOKEN_PATH:
            lines += [
                f"        location = {TOKEN_PATH} {{  # {route.side}",
                f"            limit_req zone=token burst={site.token_burst} nodelay;",
                # client_credentials changes no state; a code or refresh exchange whose first try completed
                # gets invalid_grant, and the UI signs in again through the still-live login session.
                "            proxy_next_upstream error timeout non_idempotent;",
                f"            proxy_pass {target};",
                "        }",
                "",
                f"        location = {REVOKE_PATH} {{  # {route.side}",
                f"            limit_req zone=token burst={site.token_burst} nodelay;",
                f"            proxy_pass {target};",
                "        }",
                "",
            ]
    lines += _web_locations(site, table)
    lines += [
        "        location / {",
        "            return 404;",
        "        }",
        "",
    ]
    for status, (title, detail) in GATEWAY_ERRORS.items():
        retry = "            add_header Retry-After 1 always;\n" if status == 429 else ""
        lines += [
            f"        location @problem_{status} {{",
            "            types { }  # not the type of the file asked for (a missing .js)",
            "            default_type application/problem+json;",
            # add_header here replaces the server's, so they are repeated.
            *(f"            {header}" for header in RESPONSE_HEADERS),
            "            add_header Cache-Control no-store always;",
        ]
        if retry:
            lines.append(retry.rstrip("\n"))
        lines += [f"            return {status} '{_problem_body(status, title, detail)}';", "        }", ""]
    lines += ["    }", "}", ""]
    return "\n".join(lines)


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
