"""bench/build.py at a small size: it generates, builds, serves and reports every phase."""

from __future__ import annotations

from pathlib import Path

from bench_scripts import load_script
from click.testing import CliRunner

bench_build = load_script("build")


def test_a_small_run_reports_each_phase_and_the_peak_memory(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(bench_build.main, ["--triples", "20000", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    header, rule, row = result.stdout.splitlines()[:3]
    assert header.startswith("| triples | built quads | generate | parse | rules | SHACL")
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[0] == "20,000"
    # The build derives what the generator left out: about the size asked for, built.
    assert 20_000 < int(cells[1].replace(",", "")) < 25_000
    assert all(cell.endswith(" s") for cell in cells[2:11])
    assert 0 < float(cells[10].split()[0]), "the build and the page cost CPU time"
    assert cells[11].endswith("MiB") and int(cells[11].split()[0].replace(",", "")) > 10
    assert cells[12] == "—", "no goal at this size"
    assert (tmp_path / "build-20000" / "store").is_symlink()


def test_phases_come_from_the_build_progress_lines() -> None:
    lines = [
        "[  0.1s] Parsing 3 files into the store…",
        "[  2.0s] Applying the derivation rules to 1,000 quads…",
        "[  5.0s] Derived 10 triples in 2 rounds; validating against the shapes…",
        "[  9.5s] Writing the store…",
    ]
    assert bench_build.phases(lines, 10.0) == {
        "parse": 1.9,
        "rules": 3.0,
        "shacl": 4.5,
        "write": 0.5,
    }


def test_the_goal_column_says_met_or_not() -> None:
    quick = bench_build.Run(10.0, 500 << 20)
    slow = bench_build.Run(70.0, 500 << 20)
    measure = bench_build.Measure(1_000_000, 1_000_000, quick, quick, quick, {}, "SPARQL")
    assert measure.goal() == "< 60 s, < 2 GiB: met"
    measure.build = slow
    assert measure.goal() == "< 60 s, < 2 GiB: not met"
