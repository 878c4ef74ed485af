"""The load test, short: 20 clients for 5 s over queries and pages, no error, flat memory.

The full run (50 clients for 60 s) is `python bench/load.py`; its figures are in
bench/README.md.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load() -> object:
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.server
@pytest.mark.slow
def test_a_short_load_fails_nothing_and_keeps_memory_flat(
    built_store_path: Path, tmp_path: Path
) -> None:
    load = _load()
    figures = load.run(built_store_path, 20, 5.0, tmp_path / "server.log")  # type: ignore[attr-defined]
    assert figures["requests"] > 200
    assert figures["errors"] == 0
    assert figures["memory_after_mib"] - figures["memory_before_mib"] < 64
