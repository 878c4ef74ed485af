"""``passerelles serve``, added to the ``kg`` command group (``kg`` never imports Flask)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import netguard, settings
from kg.cli import EXIT_ERROR, main, setting_option
from kg.store import StoreError

__all__ = ["main"]


@main.command("serve")
@setting_option("host")
@setting_option("port", type=int)
@setting_option("store")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), envvar="PASSERELLES_CONFIG", show_envvar=True,
              help="A TOML file of settings (keys as in the README's settings table).")  # fmt: skip
@click.option("--get", "get_path", metavar="PATH",
              help="Print the response to one GET of PATH and exit (a smoke test).")  # fmt: skip
def serve(host: str, port: int, store: str, config_file: Path | None, get_path: str | None) -> None:
    """Serve the SPARQL endpoint and the named-query API with waitress."""
    from waitress import serve as waitress_serve

    from server import create_app

    try:
        app = create_app({"store": store, "host": host, "port": port}, config_file)
    except (StoreError, settings.SettingsError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    config = app.config["PASSERELLES"]
    netguard.install(config["service_allowlist"])
    if get_path is not None:
        response = app.test_client().get(get_path)
        sys.stdout.buffer.write(response.get_data())
        sys.exit(0 if response.status_code < 400 else EXIT_ERROR)
    click.echo(f"Serving {config['store']} on http://{host}:{port}/sparql", err=True)
    waitress_serve(app, host=host, port=port, threads=config["threads"], ident="passerelles")
