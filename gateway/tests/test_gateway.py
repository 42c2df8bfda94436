"""One route table: nginx's configuration and the embedded dispatcher agree, and nginx accepts it."""

import shutil
import subprocess

import pytest

from portal_gateway.dispatcher import Dispatcher
from portal_gateway.nginx import COMPOSE_CONF, COMPOSE_SITE, NginxSite, render
from portal_gateway.routes import WEB_HEADERS, WEB_ROOT, Route, RouteTable, WebUi, route_table
from portalkit.testing import free_port


def test_longest_prefix_wins():
    table = route_table()
    assert table.match("/api/v1/partner/applications/42").service == "apps"
    assert table.match("/api/v1/admin/schools").service == "scopes"
    assert table.match("/.well-known/jwks.json").service == "identity"
    assert table.match("/_/notifier/readyz").upstream_path("/_/notifier/readyz") == "/readyz"
    assert table.match("/elsewhere") is None


def test_the_table_refuses_unknown_services_and_duplicates():
    with pytest.raises(ValueError, match="unknown service"):
        RouteTable({"a": 1}, (Route("/x", "b", "front-office"),))
    with pytest.raises(ValueError, match="twice"):
        RouteTable({"a": 1}, (Route("/x", "a", "f"), Route("/x", "a", "f")))


def block(config: str, location: str) -> str:
    return config.split(f"location {location} {{")[1].split("}")[0]


def test_every_route_has_an_nginx_location():
    config = render(COMPOSE_SITE)
    for route in route_table().routes:
        target = f"http://{route.service}/" if route.strip else f"http://{route.service}"
        assert f"location ^~ {route.prefix} {{" in config
        if route.side == "internal" or route.only:  # never exposed through nginx, or only some paths
            assert "return 404;" in block(config, f"^~ {route.prefix}")
            assert "proxy_pass" not in block(config, f"^~ {route.prefix}")
            for path in route.only:
                assert f"proxy_pass {target}{path};" in block(config, f"= {route.prefix}{path}")
        else:
            assert f"proxy_pass {target};" in config


def test_under_the_operations_prefix_only_health_and_the_contract_answer(dispatcher):
    config = render(COMPOSE_SITE)
    for service in route_table().services:
        for path in ("healthz", "readyz", "openapi.json"):
            assert call(dispatcher, f"/_/{service}/{path}", HTTP_X_REQUEST_ID="r")[0] == "200 OK"
            assert f"location = /_/{service}/{path} {{" in config
        for path in ("internal/v1/clients/link", "login", "oauth/token", "api/v1/admin/mail/deliveries", "", "x"):
            assert call(dispatcher, f"/_/{service}/{path}")[0].startswith("404"), path
        assert block(config, f"^~ /_/{service}/").strip().endswith("return 404;")


def test_tokens_and_the_login_page_are_limited_per_address():
    config = render(COMPOSE_SITE)
    assert "limit_req_zone $binary_remote_addr zone=token:10m rate=20r/s;" in config
    assert "limit_req_zone $binary_remote_addr zone=login:10m rate=5r/s;" in config
    assert "limit_req zone=token burst=200 nodelay;" in block(config, "= /oauth/token")
    assert "limit_req zone=login burst=20 nodelay;" in block(config, "^~ /login")
    assert "limit_req" not in block(config, "^~ /oauth/")  # introspection: resource servers call it often


def test_requests_safe_to_repeat_go_to_another_replica_within_bounds():
    config = render(COMPOSE_SITE)
    server = config.split("    server {")[1]
    assert "proxy_next_upstream error timeout;" in server  # never a POST that reached a replica...
    assert "proxy_next_upstream_tries 2;" in server and "proxy_next_upstream_timeout 10s;" in server
    assert "proxy_hide_header X-Content-Type-Options;" in server  # one nosniff header, nginx's
    # ...except a token request: a client_credentials token changes no state
    assert "proxy_next_upstream error timeout non_idempotent;" in block(config, "= /oauth/token")
    assert "limit_req zone=token" in block(config, "= /oauth/revoke")  # it checks client secrets too
    assert "non_idempotent" not in block(config, "= /oauth/revoke")


def test_committed_compose_config_is_current():
    assert COMPOSE_CONF.read_text() == render(COMPOSE_SITE), "run make nginx-conf"


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (.ci/run installs it)")
def test_nginx_accepts_the_configuration(tmp_path):
    site = NginxSite(
        listen="127.0.0.1:18999",
        upstreams={
            service: (f"127.0.0.1:{port}", f"127.0.0.1:{port + 100}")
            for service, port in route_table().services.items()
        },
        run_dir=str(tmp_path),
        access_log=str(tmp_path / "access.log"),
        error_log=str(tmp_path / "error.log"),
    )
    (tmp_path / "nginx.conf").write_text(render(site))
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def echo(name):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"{name} {environ['PATH_INFO']} {environ['HTTP_X_REQUEST_ID']}".encode()]

    return app


@pytest.fixture
def dispatcher():
    return Dispatcher({service: echo(service) for service in route_table().services}, max_body=10)


def call(dispatcher, path, **environ):
    captured = {}

    def start_response(status, headers):
        captured["status"], captured["headers"] = status, dict(headers)

    body = b"".join(dispatcher({"PATH_INFO": path, **environ}, start_response))
    return captured["status"], captured["headers"], body


def test_dispatcher_routes_like_nginx(dispatcher):
    for route in route_table().routes:
        path = route.prefix + (route.only[0] if route.only else "x")
        status, _, body = call(dispatcher, path, HTTP_X_REQUEST_ID="r1")
        assert status == "200 OK"
        assert body.decode() == f"{route.service} {route.upstream_path(path)} r1"


def test_dispatcher_answers_its_own_errors_as_problems(dispatcher):
    status, headers, body = call(dispatcher, "/nowhere")
    assert status.startswith("404") and headers["Content-Type"] == "application/problem+json"
    assert headers["X-Request-ID"] and b'"status": 404' in body
    status, _, _ = call(dispatcher, "/api/v1/partner/applications", CONTENT_LENGTH="11")
    assert status.startswith("413")


def test_dispatcher_needs_every_service():
    with pytest.raises(ValueError, match="no application"):
        Dispatcher({"identity": echo("identity")})


def test_the_mail_page_shows_caught_mail_with_clickable_links(tmp_path):
    import smtplib
    from email.message import EmailMessage

    from werkzeug.test import Client

    from portal_gateway.mailpage import MailPage
    from portal_gateway.mailsink import MailSink

    port = free_port()
    sink = MailSink(tmp_path / "mail", port=port).start()
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@portal.example", "b@x.example", "Activeer <je> account"
        message.set_content("Klik: http://127.0.0.1:8080/login/activate?token=abc")
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(message)
    finally:
        sink.stop()
    mail_page = MailPage(tmp_path / "mail", host="127.0.0.1:8080")
    dispatcher = Dispatcher({s: echo(s) for s in route_table().services}, pages={"/mail": mail_page})
    page = Client(dispatcher).get("/mail", base_url="http://127.0.0.1:8080")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Activeer &lt;je&gt; account" in body
    assert '<a href="http://127.0.0.1:8080/login/activate?token=abc">' in body
    for host in ("evil.example", "127.0.0.1:8080.evil.example", "localhost:8080"):
        refused = Client(dispatcher).get("/mail", headers={"Host": host})
        assert refused.status_code == 421 and "token=abc" not in refused.get_data(as_text=True)


def test_web_ui_paths_name_files_under_web():
    web = route_table().web
    assert web.file_path("/") == "/front/index.html"
    assert web.file_path("/backoffice/") == "/backoffice/index.html"
    assert web.file_path("/assets/core.js") == "/assets/core.js"
    assert web.file_path("/api/v1/public/partners") is None
    with pytest.raises(ValueError, match="overlaps"):
        RouteTable({"a": 1}, (Route("/assets/x", "a", "f"),), WebUi(prefixes=("/assets/",)))


def test_dispatcher_serves_the_web_uis_with_their_security_policy(dispatcher):
    status, headers, body = call(dispatcher, "/", REQUEST_METHOD="GET")
    assert status.startswith("200") and headers["Content-Type"].startswith("text/html")
    assert b'src="/front/app.js"' in body
    assert headers["Content-Security-Policy"] == WEB_HEADERS["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'self': no inline script
    status, headers, body = call(dispatcher, "/backoffice/", REQUEST_METHOD="GET")
    assert status.startswith("200") and b'src="/backoffice/app.js"' in body
    status, headers, _ = call(dispatcher, "/assets/core.js", REQUEST_METHOD="GET")
    assert status.startswith("200") and headers["Content-Type"].startswith("text/javascript")
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_dispatcher_refuses_what_is_not_a_web_ui_file(dispatcher):
    for path in ("/assets/missing.js", "/assets/../routes.toml", "/front/../../dispatcher.py"):
        status, headers, _ = call(dispatcher, path, REQUEST_METHOD="GET")
        assert status.startswith("404") and headers["Content-Type"] == "application/problem+json", path
    status, headers, _ = call(dispatcher, "/assets/core.js", REQUEST_METHOD="POST")
    assert status.startswith("405") and headers["Allow"] == "GET, HEAD"


def test_nginx_serves_the_web_uis_from_the_same_folders():
    config = render(COMPOSE_SITE)
    assert "location = / {  # web UI" in config and "try_files /front/index.html =404;" in config
    for prefix in route_table().web.prefixes:
        block = config.split(f"location ^~ {prefix} {{  # web UI")[1].split("}")[0]
        assert f"root {COMPOSE_SITE.web_root};" in block
        assert "Content-Security-Policy" in block and "X-Frame-Options" in block


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (.ci/run installs it)")
def test_the_stacks_nginx_serves_a_checkout_in_a_folder_only_its_owner_may_enter(tmp_path):
    import time

    import requests

    from portal_gateway.stack import Stack, StackSettings

    private = tmp_path / "private"
    web_root = private / "checkout" / "web"
    shutil.copytree(WEB_ROOT, web_root)
    private.chmod(0o700)
    port = free_port()
    stack = Stack(StackSettings(port=port, run_dir=private / "checkout" / "var", web_root=web_root))
    (stack.run_dir / "logs").mkdir(parents=True)
    stack.start_nginx()
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                front = requests.get(f"{stack.url}/", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, (stack.run_dir / "logs" / "nginx.log").read_text()
                time.sleep(0.1)
        assert front.status_code == 200 and front.content == (web_root / "front" / "index.html").read_bytes()
    finally:
        stack.stop()


def test_the_embedded_portal_follows_its_port_unless_a_public_url_is_set():
    from portal_gateway.embedded import service_settings
    from portalkit.service import installed_services

    for definition in installed_services().values():
        moved = service_settings(definition, {"PORT": "8181"}, 8181, "t")
        assert moved.public_url == moved.token_issuer == "http://127.0.0.1:8181"
        assert moved.jwks_url == "http://127.0.0.1:8181/.well-known/jwks.json"
        public = service_settings(definition, {"PUBLIC_URL": "https://portal.example"}, 8181, "t")
        assert public.public_url == public.token_issuer == "https://portal.example"
        assert public.jwks_url == "http://127.0.0.1:8181/.well-known/jwks.json"  # its own portal, by loopback


def test_an_embedded_service_never_fetches_its_signing_keys_from_another_portal():
    from portal_gateway.embedded import service_settings
    from portalkit.service import installed_services

    elsewhere = {"JWKS_URL": "http://127.0.0.1:8080/.well-known/jwks.json", "PARTNERS_JWKS_URL": "https://x.example/k"}
    for definition in installed_services().values():
        assert (
            service_settings(definition, elsewhere, 8181, "t").jwks_url == "http://127.0.0.1:8181/.well-known/jwks.json"
        )
