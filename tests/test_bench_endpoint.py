"""The benchmark suite (python -m bench.endpoint): a tiny run of every target, and its report."""

from __future__ import annotations

import csv
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench(name: str) -> ModuleType:
    """``bench.<name>``: bench/ is a folder beside the packages, imported from the root."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"bench.{name}")


clients, report, targets = _bench("clients"), _bench("report"), _bench("targets")


@pytest.mark.server
@pytest.mark.slow
def test_a_tiny_run_starts_every_target_and_writes_the_csv_and_the_plot(tmp_path: Path) -> None:
    """20k triples, 2 clients, a fraction of a second per measurement; rdflib-endpoint is
    left out only where its virtual environment (made by `make bench`) is missing."""
    chosen = [t for t in targets.TARGETS if t != "rdflib" or targets.RDFLIB_ENDPOINT.exists()]
    out = tmp_path / "results" / "bench.csv"
    argv = [sys.executable, "-m", "bench.endpoint", "--datasets", "20k", "--targets",
            ",".join(chosen), "--clients", "2", "--duration", "0.2", "--rounds", "1",
            "--warmup", "0.1", "--data", str(tmp_path / "data"), "--out", str(out)]  # fmt: skip
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    seen = {(row["target"], row["query"]) for row in rows}
    assert seen == {(t, q) for t in chosen for q in clients.QUERIES}
    for row in rows:
        if row["note"] == "N/A":  # only the peers, only for our pages
            assert row["query"] == "page" and row["target"] in targets.PEERS, row
            continue
        assert int(row["requests"]) > 0 and row["errors"] == row["timeouts"] == "0", row
        assert 0 < float(row["p50_ms"]) <= float(row["p95_ms"]) <= float(row["p99_ms"]), row
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    assert "| N/A |" in done.stdout and "\nGoals:\n" in done.stdout


def test_no_two_requests_alike() -> None:
    endpoint = clients.Endpoint("ours", 1, "/sparql", True)
    params = ["http://example.org/id/organisation/a", "http://example.org/id/organisation/b"]
    for query in clients.QUERIES.values():
        requests = {query.request(endpoint, params, k) for k in range(100)}
        assert len(requests) == (2 if query.page else 100), query.name
    assert clients.QUERIES["page"].request(endpoint, params, 1)[:2] == (
        "GET",
        "/page/organisation/b",
    )


def row(target: str, p50: float, throughput: float, dataset: str = "synthetic-1m") -> object:
    return clients.Row(dataset, target, "describe", 8, 10, p50_ms=p50, throughput=throughput)


def test_ratios_against_the_peers_and_the_goals() -> None:
    rows = [row("ours", 2.0, 80.0), row("raw", 1.0, 100.0), row("rdflib", 50.0, 5.0)]
    records = report.with_ratios(rows, ["synthetic-1m"], ["ours", "raw", "rdflib"])
    ours, raw, rdflib = records
    assert (ours["p50_over_raw"], ours["throughput_over_raw"]) == (2.0, 0.8)
    assert ours["rdflib_p50_over_this"] == 25.0
    assert raw["p50_over_raw"] is None and raw["rdflib_p50_over_this"] == 50.0
    assert rdflib["p50_over_raw"] == 50.0 and rdflib["rdflib_p50_over_this"] is None
    checks = report.goals(records)
    assert [(c.goal, c.target, c.case, c.shown, c.met) for c in checks] == [
        ("p50 ours/raw ≤ 1.5", "ours", "describe 8", "2.0", False),
        ("throughput ours/raw ≥ 1/1.5", "ours", "describe 8", "0.8", True),
        ("p50 rdflib/ours ≥ 20 at 1M", "ours", "describe 8", "25.0", True),
    ]
    assert "| p50 ours/raw ≤ 1.5 | synthetic-1m | ours | **2.0** | 0 of 1 |" in report.goal_table(
        checks
    )


def test_the_rdflib_goal_is_checked_at_1m_triples_only() -> None:
    rows = [row("ours", 2.0, 80.0, "synthetic-100k"), row("rdflib", 5.0, 5.0, "synthetic-100k")]
    records = report.with_ratios(rows, ["synthetic-100k"], ["ours", "rdflib"])
    assert [check.goal for check in report.goals(records)] == [
        "p50 ours/raw ≤ 1.5",
        "throughput ours/raw ≥ 1/1.5",
    ]


def test_a_request_over_the_cap_shows_as_a_lower_bound() -> None:
    run = clients.ClientRun([0.5], timeouts=1, finished=21.0)
    partly = clients.summarise("synthetic-1m", "rdflib", "describe", 1, [run], cap=20.0)
    assert (partly.cap_ms, partly.p50_ms, partly.p99_ms) == (20_000.0, 500.0, 20_000.0)
    cell = {c: report._cell(report.with_ratios([partly], ["synthetic-1m"], ["rdflib"])[0], c)
            for c in ("p50_ms", "p99_ms")}  # fmt: skip
    assert cell == {"p50_ms": "500.0", "p99_ms": "≥ 20000.0"}

    run = clients.ClientRun([], timeouts=1, finished=20.0)
    capped = clients.summarise("synthetic-1m", "rdflib", "describe", 8, [run], cap=20.0)
    records = report.with_ratios([row("ours", 2.0, 80.0), capped], ["synthetic-1m"],
                                 ["ours", "rdflib"])  # fmt: skip
    assert records[0]["rdflib_p50_over_this"] == 10_000.0 and records[0]["rdflib_capped"]
    assert "| ≥ 10000.0 |" in report.table(records)
    last = report.goals(records)[-1]
    assert (last.goal, last.shown, last.met) == ("p50 rdflib/ours ≥ 20 at 1M", "≥ 10000.0", True)


SIZES = [("100k", 100_000), ("1m", 1_000_000), ("20000", 20_000), ("2.5M", 2_500_000)]


@pytest.mark.parametrize(("label", "triples"), SIZES)
def test_sizes(label: str, triples: int) -> None:
    assert _bench("datasets").triples_of(label) == triples


def test_a_size_that_is_not_one() -> None:
    with pytest.raises(ValueError, match="not a number of triples"):
        _bench("datasets").triples_of("lots")
