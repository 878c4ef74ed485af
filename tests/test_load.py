"""The load test, short: 20 clients for 5 s over queries and pages, no error, flat memory.

The full run (50 clients for 60 s) is `python bench/load.py`; its figures are in
bench/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_scripts import load_script

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.server
@pytest.mark.slow
def test_a_short_load_fails_nothing_and_keeps_memory_flat(
    built_store_path: Path, tmp_path: Path
) -> None:
    load = load_script("load")
    figures = load.run(built_store_path, 20, 5.0, tmp_path / "server.log")
    assert figures["requests"] > 200
    assert figures["errors"] == 0
    assert figures["memory_after_mib"] - figures["memory_before_mib"] < 64
