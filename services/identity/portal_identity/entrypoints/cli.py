"""The identity service's part of ``portalctl``."""

import datetime as dt
import json
import sys

import click

from portal_identity.domain.accounts import InvalidAccount, Role
from portal_identity.service_layer import accounts, clients
from portal_identity.service_layer.context import key_ring_of
from portal_identity.service_layer.keys import reseal_keys, rotate_keys
from portal_identity.texts import TEXTS
from portalkit.i18n import SHARED


def _runtime():
    from portal_identity.bootstrap import SERVICE

    return SERVICE.runtime()


@click.group()
def commands() -> None:
    """Identity commands."""


@commands.group()
def keys() -> None:
    """Token signing keys."""


@keys.command("rotate")
def keys_rotate() -> None:
    """Publish a new signing key; it signs after the publish lead, the old one retires after that."""
    runtime = _runtime()
    settings = runtime.settings
    key = rotate_keys(
        runtime.unit_of_work,
        lead=dt.timedelta(seconds=settings.key_publish_lead_seconds),
        token_lifetime=dt.timedelta(seconds=settings.access_token_seconds),
        ring=key_ring_of(settings),
    )
    click.echo(f"new key {key.kid} ({key.algorithm}) signs from {key.signs_from.isoformat()}")


@keys.command("reseal")
def keys_reseal() -> None:
    """Seal every signing key with the first KEY_ENCRYPTION_KEY (rotation: new first, the old one after it,
    reseal, then drop the old one)."""
    runtime = _runtime()
    resealed, total = reseal_keys(runtime.unit_of_work, key_ring_of(runtime.settings))
    click.echo(f"{resealed} of {total} signing keys resealed with the current key-encryption key")


@commands.group()
def users() -> None:
    """Back-office accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([Role.MODERATOR.value, Role.SCHOOL_ADMIN.value]))
@click.option("--institution", "institutions", multiple=True, help="Institution number (repeat for more).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email, role, institutions, password_stdin) -> None:
    """Create a moderator or a school admin (active at once)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    identity = _runtime().container
    try:
        account = accounts.create_back_office_account(
            identity, email=email, password=password, role=role, institutions=list(institutions)
        )
    except InvalidAccount as error:
        texts = SHARED.extend(TEXTS)
        reasons = [f"{field}: {texts.text(key, 'en', **params)}" for field, key, params in error.violations]
        raise click.ClickException("; ".join(reasons)) from None
    except accounts.EmailTaken:
        raise click.ClickException(f"an account for {email} exists already") from None
    click.echo(f"created {account.roles[0]} {account.email} ({account.id})")


@commands.group("clients")
def client_commands() -> None:
    """OAuth clients."""


@client_commands.command("import")
@click.argument("json_file", type=click.File("r", encoding="utf-8"))
def clients_import(json_file) -> None:
    """Import existing clients with their secrets (or secret hashes) and scopes from JSON_FILE; safe to repeat.

    The file holds a list of {"client_id", "name", "client_secret" or "secret_hash", "grants":
    [{"api", "institution_number"}], optional "jwks" or "jwks_uri"}.
    """
    try:
        entries = json.load(json_file)
        if not isinstance(entries, list) or not all("client_id" in e and "name" in e for e in entries):
            raise ValueError("expected a list of objects with client_id and name")
    except ValueError as error:
        raise click.ClickException(f"cannot read {json_file.name}: {error}") from None
    result = clients.import_clients(_runtime().container, entries)
    click.echo(f"clients: {result.created} created, {result.updated} updated")


@client_commands.command("create-resource-server")
@click.option("--name", required=True)
def clients_create_resource_server(name) -> None:
    """A client for a data API that introspects tokens; prints its id and secret once."""
    client, secret = clients.create_resource_server(_runtime().container, name)
    click.echo(f"client_id={client.client_id}\nclient_secret={secret}")
