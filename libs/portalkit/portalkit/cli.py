"""``portalctl``: the operators' command line, one tool for every service.

Generic commands (migrations, serving, workers) work on any installed service; each service adds its own
command groups (``users``, ``keys``, ``clients``, ``schools``, ...) through its definition.
"""

from __future__ import annotations

import click

from portalkit.service import installed_services
from portalkit.web import serve as serve_service
from portalkit.worker import run_worker


class PortalCli(click.Group):
    """Top-level groups: the generic ones below plus those each installed service brings."""

    def _service_commands(self) -> dict[str, click.Command]:
        commands = {}
        for definition in installed_services().values():
            if definition.commands is not None:
                commands.update(definition.commands.commands)
        return commands

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self._service_commands()})

    def get_command(self, ctx, name):
        return super().get_command(ctx, name) or self._service_commands().get(name)


@click.group(cls=PortalCli)
def main() -> None:
    """Operate the partner portal."""


def _chosen(names: tuple[str, ...]):
    services = installed_services()
    unknown = set(names) - set(services)
    if unknown:
        raise click.BadParameter(f"unknown service(s): {', '.join(sorted(unknown))}; known: {', '.join(services)}")
    return [services[name] for name in (names or services)]


@main.group()
def db() -> None:
    """Database migrations of each service."""


@db.command("upgrade")
@click.argument("services", nargs=-1)
def db_upgrade(services: tuple[str, ...]) -> None:
    """Migrate the databases of SERVICES (default: all) to the newest revision and prepare them."""
    for definition in _chosen(services):
        runtime = definition.runtime()
        runtime.migrate()
        definition.prepare(runtime)
        runtime.close()
        click.echo(f"{definition.name}: up to date")


@main.command("serve")
@click.argument("service")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 in a container).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1), envvar="WEB_WORKERS")
@click.option(
    "--threads",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    envvar="WEB_THREADS",
    help="Threads per worker calling the app: I/O waits overlap, but more threads lengthen the tail of "
    "CPU-bound requests, which take turns at the GIL.",
)
def serve(service: str, host: str, port: int, workers: int, threads: int) -> None:
    """Serve SERVICE's HTTP API (stateless: run as many as needed)."""
    serve_service(_chosen((service,))[0], host, port, workers, threads)


@main.command("worker")
@click.argument("service")
def worker(service: str) -> None:
    """Run SERVICE's outbox relay and event consumer."""
    run_worker(_chosen((service,))[0])


if __name__ == "__main__":
    main()
