"""``make stack``: every service as its own web process (``portalctl serve``) and worker, real nginx in
front, PostgreSQL (one database per service) and RabbitMQ from this machine, and an SMTP sink.

The system tests drive the same :class:`Stack` on other ports, databases and broker namespace, and use
it to stop and restart single processes.
"""

from __future__ import annotations

import dataclasses
import grp
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import requests
from sqlalchemy.engine import make_url

from portal_gateway.nginx import NginxSite, render
from portal_gateway.routes import WEB_ROOT, route_table


@dataclasses.dataclass
class StackSettings:
    port: int = 8080
    port_offset: int = 0  # added to every service port of the route table
    postgres_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    database_prefix: str = "portal_"
    broker_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    broker_namespace: str = "portal"
    smtp_port: int = 8025
    run_dir: Path = Path("var/stack")
    web_workers: int = 2
    web_threads: int = 2
    web_processes: dict[str, int] = dataclasses.field(default_factory=dict)  # service -> web processes (1)
    nginx_limits: dict[str, object] = dataclasses.field(default_factory=dict)  # NginxSite's limits, changed
    web_root: Path = WEB_ROOT
    extra_env: dict[str, str] = dataclasses.field(default_factory=dict)
    # The services' shared secret for internal calls; a fresh one per stack unless given.
    internal_token: str = dataclasses.field(default_factory=lambda: secrets.token_urlsafe(32))

    @classmethod
    def from_env(cls) -> StackSettings:
        env = os.environ
        return cls(
            port=int(env.get("PORT", 8080)),
            postgres_url=env.get("POSTGRES_URL", cls.postgres_url),
            broker_url=env.get("AMQP_URL", cls.broker_url),
            smtp_port=int(env.get("SMTP_PORT", 8025)),
            web_workers=int(env.get("WEB_WORKERS", cls.web_workers)),
            web_threads=int(env.get("WEB_THREADS", cls.web_threads)),
        )


class Stack:
    def __init__(self, settings: StackSettings, with_mail_sink: bool = True):
        self.settings = settings
        self.with_mail_sink = with_mail_sink
        self.run_dir = settings.run_dir.resolve()
        self.processes: dict[str, subprocess.Popen] = {}
        self.services = list(route_table().services)

    # -- addresses -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def service_port(self, service: str, replica: int = 1) -> int:
        """The route table's port for the first web process of a service; 100 higher for each further one."""
        return route_table().services[service] + self.settings.port_offset + 100 * (replica - 1)

    def web_replicas(self, service: str) -> range:
        return range(1, self.settings.web_processes.get(service, 1) + 1)

    def database_url(self, service: str) -> str:
        url = make_url(self.settings.postgres_url)
        return url.set(database=f"{self.settings.database_prefix}{service}").render_as_string(hide_password=False)

    def env(self, service: str) -> dict[str, str]:
        settings = self.settings
        return {
            **os.environ,
            "DATABASE_URL": self.database_url(service),
            "BROKER_URL": settings.broker_url,
            "BROKER_NAMESPACE": settings.broker_namespace,
            "PUBLIC_URL": self.url,
            "SMTP_PORT": str(settings.smtp_port),
            "LOG_FORMAT": "json",
            "PROXY_HOPS": "1",  # nginx
            "INTERNAL_TOKEN": settings.internal_token,
            "IDENTITY_URL": f"http://127.0.0.1:{self.service_port('identity')}",  # internal calls skip nginx
            **settings.extra_env,
        }

    # -- lifecycle -----------------------------------------------------------------------------------
    def create_databases(self) -> None:
        admin = make_url(self.settings.postgres_url).set(drivername="postgresql")
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
            for service in self.services:
                name = f"{self.settings.database_prefix}{service}"
                exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
                if not exists:
                    connection.execute(f'CREATE DATABASE "{name}"')

    def drop_databases(self) -> None:
        admin = make_url(self.settings.postgres_url).set(drivername="postgresql")
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
            for service in self.services:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.settings.database_prefix}{service}" WITH (FORCE)')

    def portalctl(self, service: str, *args: str, input_text: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "portalkit.cli", *args],
            env=self.env(service),
            input=input_text,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"portalctl {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self) -> Stack:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "logs").mkdir(exist_ok=True)
        self.create_databases()
        for service in self.services:
            self.portalctl(service, "db", "upgrade", service)
        if self.with_mail_sink:
            self.start_process(
                "mailsink",
                [
                    sys.executable,
                    "-m",
                    "portal_gateway.mailsink",
                    "--port",
                    str(self.settings.smtp_port),
                    "--maildir",
                    str(self.run_dir / "mail"),
                ],
                os.environ.copy(),
            )
        for service in self.services:
            for replica in self.web_replicas(service):
                self.start_web(service, replica)
            self.start_worker(service)
        self.start_nginx()
        self.wait_ready()
        return self

    def start_web(self, service: str, replica: int = 1) -> None:
        settings = self.settings
        self.start_process(
            f"{service}-web" if replica == 1 else f"{service}-web-{replica}",
            [
                *(sys.executable, "-m", "portalkit.cli", "serve", service),
                *("--host", "127.0.0.1", "--port", str(self.service_port(service, replica))),
                *("--workers", str(settings.web_workers), "--threads", str(settings.web_threads)),
            ],
            self.env(service),
        )

    def start_worker(self, service: str) -> None:
        self.start_process(
            f"{service}-worker", [sys.executable, "-m", "portalkit.cli", "worker", service], self.env(service)
        )

    def start_nginx(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        site = NginxSite(
            listen=f"127.0.0.1:{self.settings.port}",
            upstreams={
                service: tuple(f"127.0.0.1:{self.service_port(service, n)}" for n in self.web_replicas(service))
                for service in self.services
            },
            run_dir=str(self.run_dir),
            access_log=str(self.run_dir / "logs" / "nginx-access.log"),
            error_log=str(self.run_dir / "logs" / "nginx-error.log"),
            web_root=str(self.settings.web_root),
            # Started as root, nginx hands its workers to "nobody" unless told: they could not read a checkout
            # under a folder only its owner may enter (a clone in /root or in a 0700 temporary folder).
            user=_owner(self.settings.web_root) if os.geteuid() == 0 else None,
            **self.settings.nginx_limits,
        )
        config = self.run_dir / "nginx.conf"
        config.write_text(render(site))
        self.start_process(
            "nginx", [nginx, "-p", str(self.run_dir), "-c", str(config), "-g", "daemon off;"], os.environ.copy()
        )

    def start_process(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        log = open(self.run_dir / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - owned by the process
        self.processes[name] = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop_process(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.services)
        while pending:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {self.run_dir}/logs/{name}.log")
            try:
                if requests.get(f"{self.url}/_/{pending[0]}/readyz", timeout=2).status_code == 200:
                    pending.pop(0)
                    continue
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{pending[0]} not ready after {timeout}s; see {self.run_dir}/logs")
            time.sleep(0.2)

    def stop(self) -> None:
        """Signal every process at once, then wait for each: shutdown takes one grace period, not ten."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name in list(self.processes):
            self.stop_process(name)


def _owner(path: Path) -> str:
    """nginx's ``user`` value (user and group) for the owner of ``path``."""
    status = path.stat()
    return f"{pwd.getpwuid(status.st_uid).pw_name} {grp.getgrgid(status.st_gid).gr_name}"


def main() -> None:
    stack = Stack(StackSettings.from_env())
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    try:
        stack.start()
        print(f"\nPartner portal (local stack) on {stack.url}; logs in {stack.run_dir}/logs", flush=True)
        print(f"Mail lands in {stack.run_dir}/mail. Ctrl-C stops everything.\n", flush=True)
        while not stop:
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}", flush=True)
                    stop.append(True)
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
