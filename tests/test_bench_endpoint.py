"""bench/endpoint.py: the endpoint benchmark's harness, run briefly against our server."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_scripts import load_script

ROOT = Path(__file__).resolve().parents[1]


bench = load_script("endpoint")


@pytest.mark.server
@pytest.mark.slow
def test_measure_our_server_on_the_real_data(built_store_path: Path, tmp_path: Path) -> None:
    """Every query of the mix, about 1 s in all with one client: answers and latencies."""
    prepared = bench.Prepared("real", built_store_path.parent, {})
    params = bench._params(prepared)
    assert params["person"] and params["organisation"] and params["region"]
    with bench.running("ours", prepared, 30.0, tmp_path / "server.log") as endpoint:
        rows = [
            bench.measure(endpoint, query, params[query.param], 1, 0.35, 1000)
            for query in bench.QUERIES.values()
        ]
    assert [row.query for row in rows] == ["who-met-whom", "describe", "aggregate"]
    for row in rows:
        assert row.requests > 0 and row.errors == 0 and row.timeouts == 0, row
        assert row.p50_ms > 0 and row.p95_ms >= row.p50_ms and row.throughput > 0


def test_no_two_requests_alike() -> None:
    query = bench.QUERIES["describe"]
    bodies = {bench.request_body(query, ["http://example.org/a", "http://example.org/b"], k)
              for k in range(100)}  # fmt: skip
    assert len(bodies) == 100


def test_ratios_and_goals() -> None:
    def row(server: str, clients: int, p50: float, throughput: float) -> object:
        return bench.Row("real", server, "describe", clients, 10, 0, 0, p50, p50, throughput, 0.1)

    rows = [row("ours", 4, 2.0, 80.0), row("raw", 4, 1.0, 100.0), row("rdflib", 4, 20.0, 5.0)]
    records = bench.with_ratios(rows)
    assert records[0]["p50_ours_over_raw"] == 2.0
    assert records[0]["throughput_ours_over_raw"] == 0.8
    assert records[0]["p50_rdflib_over_ours"] == 10.0
    assert bench.goals(records) == [
        "real describe 4 client(s): p50 ours/raw = 2.0 (<= 1.3) NOT MET",
        "real describe 4 client(s): p50 rdflib/ours = 10.0 (>= 5.0) met",
        "real describe 4 client(s): throughput ours/raw = 0.8 (>= 0.8) met",
    ]
