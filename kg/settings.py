"""The one registry of settings: names, types, environment variables, defaults, help.

The CLI builds its options from here, the server reads its configuration through
here (defaults < config file < environment < explicit values), and a test checks
the README's settings table against it, so the three cannot drift.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class SettingsError(Exception):
    """A configuration file or value that cannot be used."""


def _words(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return tuple(str(value).replace(",", " ").split())


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any] = str
    secret: bool = False  # from the environment or a config file only, never an option

    @property
    def env(self) -> str:
        return "PASSERELLES_" + self.name.upper()

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("root", str(ROOT), "Project folder holding ontology/, data/ and queries/."),
        Setting(
            "store",
            "var/store",
            "Path of the embedded Oxigraph store (a link to the current build), "
            "or the URL of a SPARQL 1.1 query endpoint.",
        ),
        Setting(
            "store_update",
            "",
            "SPARQL 1.1 Update URL of a remote store (build and reload load through it).",
        ),
        Setting(
            "store_gsp",
            "",
            "Graph Store Protocol URL of a remote store (preferred to store_update to load).",
        ),
        Setting("store_user", "", "User name on a remote store's update side."),
        Setting(
            "store_password",
            "",
            "Password on a remote store's update side (environment or config file only).",
            secret=True,
        ),
        Setting("store_auth", "basic", "HTTP authentication of a remote store: basic or digest."),
        Setting(
            "store_dataset",
            "union",
            "A remote store's default dataset: union (the engine's default graph, "
            "which must be the union of all graphs) or ours (the graphs our build loaded).",
        ),
        Setting("lang", "en", "Language of messages and reports: en or fr."),
        Setting("base", "https://w3id.org/passerelles/", "Canonical base IRI of the data."),
        Setting("host", "127.0.0.1", "Address the HTTP server listens on."),
        Setting("port", 5000, "Port the HTTP server listens on.", int),
        Setting("workers", 2, "Query worker processes (each holds the store open).", int),
        Setting("page_workers", 2, "Query worker processes for the pages' own queries.", int),
        Setting("threads", 8, "HTTP server threads.", int),
        Setting("timeout", 10.0, "Seconds a query may run before it is stopped.", float),
        Setting("max_rows", 10_000, "Most result rows (or triples) a query returns.", int),
        Setting("max_query_bytes", 100_000, "Largest query text accepted, in bytes.", int),
        Setting("admin_token", "", "Token of POST /-/reload; empty: the endpoint is off."),
        Setting(
            "rate_limit",
            600,
            "Queries a minute per client address on /sparql and /queries (0: no limit).",
            int,
        ),
        Setting(
            "map_tiles", "", "Map tile URL template for the pages' maps; none: offline markers."
        ),
        Setting(
            "service_allowlist", (), "Endpoints SERVICE may call (space-separated URLs).", _words
        ),
    )
}


def get(name: str) -> str:
    """The value of a CLI-level setting from the environment, else its default."""
    setting = SETTINGS[name]
    return str(os.environ.get(setting.env, setting.default))


def load(config_file: Path | None = None, overrides: Mapping[str, Any] | None = None) -> dict:
    """Every setting's value: defaults < TOML file < environment < ``overrides``."""
    values = {name: s.default for name, s in SETTINGS.items()}
    if config_file is not None:
        try:
            values.update(
                _known(tomllib.loads(config_file.read_text(encoding="utf-8")), config_file)
            )
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise SettingsError(f"{config_file}: {error}") from error
    values.update({n: os.environ[s.env] for n, s in SETTINGS.items() if s.env in os.environ})
    values.update(_known(overrides or {}, "settings"))
    try:
        return {name: SETTINGS[name].parse(value) for name, value in values.items()}
    except (TypeError, ValueError) as error:
        raise SettingsError(f"bad setting value: {error}") from error


def _known(values: Mapping[str, Any], where: object) -> dict[str, Any]:
    unknown = sorted(set(values) - set(SETTINGS))
    if unknown:
        raise SettingsError(f"{where}: unknown setting(s): {', '.join(unknown)}")
    return dict(values)
