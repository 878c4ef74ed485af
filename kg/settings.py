"""The one registry of settings: names, environment variables, defaults, help.

The CLI builds its options' defaults and help texts from here, and the README's
settings table is checked against it by a test, so the three cannot drift.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str

    def value(self) -> str:
        """The value from the environment, else the default."""
        return os.environ.get(self.env, self.default)


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "root",
            "PASSERELLES_ROOT",
            str(ROOT),
            "Project folder holding ontology/, data/ and queries/.",
        ),
        Setting(
            "store",
            "PASSERELLES_STORE",
            "var/store",
            "Path of the embedded Oxigraph store (a link to the current build).",
        ),
        Setting(
            "lang",
            "PASSERELLES_LANG",
            "en",
            "Language of messages and reports: en or fr.",
        ),
    )
}


def get(name: str) -> str:
    """The current value of a setting."""
    return SETTINGS[name].value()
