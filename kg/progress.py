"""Progress of long work: a callable that takes one line (the CLI prints it with the time)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    """Report nothing: the default of library callers."""
