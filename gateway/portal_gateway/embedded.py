"""``make run``: the whole portal in one Python process, on SQLite, the in-process bus and a local SMTP sink.

Every service keeps its own database file, outbox, relay, inbox and consumer; only the broker hop and
nginx are replaced (by the in-process transport and the route-table dispatcher).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

import waitress

from portal_gateway.dispatcher import Dispatcher
from portal_gateway.mailpage import MailPage
from portal_gateway.mailsink import MailSink
from portalkit.config import EMBEDDED_PORT
from portalkit.events.memory import InProcessTransport
from portalkit.logs import configure_logging
from portalkit.service import ServiceDefinition, installed_services

log = logging.getLogger("portal.embedded")


def service_settings(definition: ServiceDefinition, environ: Mapping[str, str], port: int, internal_token: str):
    """A service's settings in the embedded portal on ``port``.

    The public address follows the port unless ``PUBLIC_URL`` says otherwise (the issuer, mail links and
    redirect URIs with it), and the signing keys always come from this portal itself, over loopback: never
    from a URL that could be another portal.
    """
    local = f"http://127.0.0.1:{port}"
    environ = {"PUBLIC_URL": local, **environ}
    return definition.settings(
        environ, broker_url="memory://", internal_token=internal_token, jwks_url=f"{local}/.well-known/jwks.json"
    )


def build(stop: threading.Event, mail_folder: str, environ: Mapping[str, str] | None = None, port: int = EMBEDDED_PORT):
    """Migrate, prepare and start every installed service; return the dispatcher and the runtimes."""
    transport = InProcessTransport.shared()
    internal_token = secrets.token_urlsafe(32)  # the services' shared secret for this run
    environ = os.environ if environ is None else environ
    apps, runtimes = {}, []
    for name, definition in installed_services().items():
        settings = service_settings(definition, environ, port, internal_token)
        runtime = definition.runtime(settings, transport)
        runtime.migrate()
        definition.prepare(runtime)
        runtime.start_background(stop)
        apps[name] = definition.create_app(runtime=runtime)
        runtimes.append(runtime)
    pages = {"/mail": MailPage(mail_folder, host=urlsplit(runtimes[0].settings.public_url).netloc)}
    return Dispatcher(apps, max_body=runtimes[0].settings.max_content_length, pages=pages), runtimes


def seed_demo(runtimes) -> list[str]:
    """Logins to walk the whole journey by hand at once; repeated runs keep what exists."""
    return [line for runtime in runtimes for line in runtime.definition.seed_demo(runtime)]


def main() -> None:
    configure_logging("portal", os.environ.get("LOG_LEVEL", "INFO"), os.environ.get("LOG_FORMAT", "text"))
    stop = threading.Event()
    port = int(os.environ.get("PORT", EMBEDDED_PORT))
    data_dir = os.environ.get("DATA_DIR", "var")
    mail_folder = os.path.join(data_dir, "mail")
    sink = MailSink(mail_folder, port=int(os.environ.get("SMTP_PORT", 8025))).start()
    dispatcher, runtimes = build(stop, mail_folder, port=port)
    demo = seed_demo(runtimes) if os.environ.get("DEMO", "true").lower() not in ("0", "false", "no") else []
    base, public = f"http://127.0.0.1:{port}", runtimes[0].settings.public_url.rstrip("/")
    print(f"\nPartner portal (embedded) on {base}", flush=True)
    if public != base:
        print(f"  public address (PUBLIC_URL, the token issuer and mail links): {public}", flush=True)
    print(f"  sign in   {base}/login    register: POST {base}/api/v1/accounts", flush=True)
    for runtime in runtimes:
        print(f"  {runtime.name:9} {base}/_/{runtime.name}/healthz   {base}/_/{runtime.name}/openapi.json", flush=True)
    print(f"  mail      {base}/mail (every mail the portal sends lands there)", flush=True)
    if demo:
        print("Demo logins (DEMO=false skips them):", flush=True)
        for line in demo:
            print(f"  {line}", flush=True)
    print("Ctrl-C stops everything.\n", flush=True)
    try:
        waitress.serve(dispatcher, host="127.0.0.1", port=port, threads=16, ident="portal")
    except KeyboardInterrupt:
        print("\nStopping.", flush=True)
    finally:
        stop.set()
        sink.stop()
        for runtime in runtimes:
            runtime.close()


if __name__ == "__main__":
    main()
