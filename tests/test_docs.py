"""The README cannot drift from the code: its settings table and command list are checked."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from kg.settings import SETTINGS
from server.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def shown_default(default: object) -> str:
    if isinstance(default, tuple):
        default = " ".join(default)
    return str(default) or "(empty)"


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "make serve" in first_block and "make test" in first_block


def test_settings_table_matches_the_registry() -> None:
    rows = re.findall(r"^\| `(\w+)` \| `(PASSERELLES_\w+)` \| (.+?) \| (.+?) \|$", README, re.M)
    assert {name for name, *_ in rows} == set(SETTINGS)
    for name, env, default, meaning in rows:
        setting = SETTINGS[name]
        assert env == setting.env and meaning == setting.help
        if name != "root":
            assert default.strip("`") == shown_default(setting.default), name


def test_every_command_is_in_the_readme() -> None:
    for command in main.commands:
        assert f"passerelles {command}" in README, command
        assert CliRunner().invoke(main, [command, "--help"]).exit_code == 0
