"""The scopes service's part of ``portalctl``."""

import click

from portal_scopes.domain.schools import InvalidSchoolFile
from portal_scopes.service_layer.handlers import import_schools


@click.group()
def commands() -> None:
    """Scopes commands."""


@commands.group()
def schools() -> None:
    """The schools directory."""


@schools.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8"))
def schools_import(csv_file) -> None:
    """Import schools from CSV_FILE (columns institution_number,name); safe to repeat."""
    from portal_scopes.bootstrap import SERVICE

    runtime = SERVICE.runtime()
    try:
        result = import_schools(runtime.unit_of_work, csv_file.read())
    except InvalidSchoolFile as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"schools: {result.added} added, {result.renamed} renamed, {result.unchanged} unchanged")
