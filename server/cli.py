"""``passerelles serve``, added to the ``kg`` command group (``kg`` never imports Flask)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg import netguard, settings
from kg.cli import EXIT_ERROR, main
from kg.store import StoreError

__all__ = ["main"]

# Secrets are not options: a command line is visible to every user of the machine.
SERVE_SETTINGS = tuple(
    name for name, setting in settings.SETTINGS.items() if name != "lang" and not setting.secret
)
CLICK_TYPES = {int: int, float: float}


def serve_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """One option per server setting. No default here: an option given on the command
    line overrides the config file and the environment, an absent one does not."""
    for name in reversed(SERVE_SETTINGS):
        setting = settings.SETTINGS[name]
        multiple = isinstance(setting.default, tuple)
        command = click.option(
            setting.option,
            name,
            type=CLICK_TYPES.get(type(setting.default), str),
            multiple=multiple,
            default=None,
            help=f"{setting.help} [env var: {setting.env}; default: "
            f"{(' '.join(setting.default) or '(none)') if multiple else setting.default}]",
        )(command)
    return command


@main.command("serve")
@serve_options
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), envvar="PASSERELLES_CONFIG", show_envvar=True,
              help="A TOML file of settings (keys as in the README's settings table).")  # fmt: skip
@click.option("--get", "get_path", metavar="PATH",
              help="Print the response to one GET of PATH and exit (a smoke test).")  # fmt: skip
def serve(config_file: Path | None, get_path: str | None, **options: Any) -> None:
    """Serve the SPARQL endpoint and the named-query API with waitress.

    Settings come from their defaults, then the --config file, then the
    environment, then these options.
    """
    from waitress import serve as waitress_serve

    from server import create_app

    given = {k: v for k, v in options.items() if v is not None and v != ()}
    try:
        app = create_app(given, config_file)
    except (StoreError, settings.SettingsError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    config = app.config["PASSERELLES"]
    netguard.install(config["outbound"])
    if get_path is not None:
        response = app.test_client().get(get_path)
        sys.stdout.buffer.write(response.get_data())
        sys.exit(0 if response.status_code < 400 else EXIT_ERROR)
    # One JSON line per request on stderr (the passerelles.access logger), and waitress's own.
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    host, port = config["host"], config["port"]
    click.echo(f"Serving {config['store']} on http://{host}:{port}/sparql", err=True)
    waitress_serve(app, host=host, port=port, threads=config["threads"], ident="passerelles")
