"""The import benchmark, short: bench/import.py on 2,000 generated SIRENE-schema rows.

The measuring run (1,000,000 rows) is `python bench/import.py`; its figures are in
bench/README.md.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from bench_scripts import load_script


def test_the_generated_file_is_deterministic_and_in_the_sirene_schema(tmp_path: Path) -> None:
    bench = load_script("import")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    bench.generate(first, 1000, 3)
    bench.generate(second, 1000, 3)
    assert first.read_bytes() == second.read_bytes()
    with first.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1000
    assert {"siren", "denominationUniteLegale", "categorieJuridiqueUniteLegale"} <= set(rows[0])
    assert sum(r["etatAdministratifUniteLegale"] == "C" for r in rows) == 50


@pytest.mark.slow
def test_a_short_run_reports_rows_per_second_and_memory(tmp_path: Path) -> None:
    figures = load_script("import").run(2000, 7, tmp_path)
    assert figures["rows"] == 2000
    # Skipped: 100 ceased, 4 wrong check digits, 4 repeated SIRENs.
    assert (figures["imported"], figures["skipped"]) == (1892, 108)
    measures = ("command", "import_step_alone", "store_load_alone")
    for measure in (figures[name] for name in measures):
        assert measure["rows_per_s"] > 0 and 0 < measure["peak_rss_mib"] < 1024
    assert figures["store_load_alone"]["load_rows_per_s"] > figures["command"]["rows_per_s"]
    assert figures["command_to_store_load"] > 1
