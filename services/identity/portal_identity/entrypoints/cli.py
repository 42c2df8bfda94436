"""The identity service's part of ``portalctl``."""

import datetime as dt

import click

from portal_identity.service_layer.keys import rotate_keys


@click.group()
def commands() -> None:
    """Identity commands."""


@commands.group()
def keys() -> None:
    """Token signing keys."""


@keys.command("rotate")
def keys_rotate() -> None:
    """Publish a new signing key; it signs after the publish lead, the old one retires after that."""
    from portal_identity.bootstrap import SERVICE

    runtime = SERVICE.runtime()
    settings = runtime.settings
    key = rotate_keys(
        runtime.unit_of_work,
        lead=dt.timedelta(seconds=settings.key_publish_lead_seconds),
        token_lifetime=dt.timedelta(seconds=settings.access_token_seconds),
    )
    click.echo(f"new key {key.kid} ({key.algorithm}) signs from {key.signs_from.isoformat()}")
