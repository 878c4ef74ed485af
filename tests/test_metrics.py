"""Prometheus metrics and structured access logs."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server import close, create_app

MONSTER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture
def app(built_store_path: Path) -> Iterator[Flask]:
    """An app of its own: its counters start at zero, and its time limit is short."""
    app = create_app({"store": str(built_store_path), "timeout": 1.0, "rate_limit": 0})
    yield app
    close(app)


def metric(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = (
        rf"^{re.escape(name)}" + (rf"\{{{re.escape(wanted)}\}}" if labels else "") + r" (\S+)$"
    )
    found = re.search(pattern, text, re.M)
    assert found, f"{name} {labels} not in the metrics"
    return float(found.group(1))


def test_counts_latencies_rows_and_timeouts(app: Flask) -> None:
    client = app.test_client()
    for _ in range(3):
        client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5"})
    client.get("/no/such/page")
    assert client.get("/sparql", query_string={"query": MONSTER}).status_code == 503
    text = client.get("/metrics").get_data(as_text=True)
    assert metric(text, "passerelles_requests_total", route="/sparql", method="GET",
                  status="200") == 3  # fmt: skip
    assert metric(text, "passerelles_requests_total", route="(unmatched)", method="GET",
                  status="404") == 1  # fmt: skip
    count = metric(text, "passerelles_request_duration_seconds_count", route="/sparql")
    assert count == 4
    assert metric(text, "passerelles_request_duration_seconds_bucket", route="/sparql",
                  le="+Inf") == count  # fmt: skip
    assert metric(text, "passerelles_request_duration_seconds_bucket", route="/sparql",
                  le="0.5") == 3, "the monster took its whole second"  # fmt: skip
    assert metric(text, "passerelles_result_rows_total") == 15
    assert metric(text, "passerelles_query_timeouts_total") == 1


def test_one_json_access_line_per_request(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="passerelles.access"):
        app.test_client().get("/page/organisation/co-actions")
    (line,) = [json.loads(r.message) for r in caplog.records if r.name == "passerelles.access"]
    assert line["route"].startswith("/page/") and "<slug>" in line["route"], "a route, not a path"
    assert line["path"] == "/page/organisation/co-actions"
    assert line["status"] == 200 and line["ms"] > 0
