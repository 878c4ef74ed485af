"""Rate limiting per client address: a token bucket, 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server import close, create_app
from server.limits import MAX_CLIENTS, RateLimiter


def test_a_burst_then_the_steady_rate() -> None:
    limiter = RateLimiter(per_minute=60)  # one a second, bursts of ten
    assert [limiter.wait("a", now=0.0) for _ in range(10)] == [0.0] * 10
    assert limiter.wait("a", now=0.0) == pytest.approx(1.0)
    assert limiter.wait("b", now=0.0) == 0.0, "another address has its own bucket"
    assert limiter.wait("a", now=1.0) == 0.0, "one second later, one more token"
    assert limiter.wait("a", now=1.5) == pytest.approx(0.5)


def test_memory_stays_bounded() -> None:
    limiter = RateLimiter(per_minute=60)
    for n in range(MAX_CLIENTS + 50):
        limiter.wait(f"10.0.{n // 256}.{n % 256}", now=0.0)
    assert len(limiter._buckets) == MAX_CLIENTS


@pytest.fixture
def strict(built_store_path: Path) -> Iterator[Flask]:
    app = create_app({"store": str(built_store_path), "rate_limit": 6})  # bursts of one
    yield app
    close(app)


def test_over_the_limit_a_client_gets_429_and_when_to_retry(strict: Flask) -> None:
    client = strict.test_client()
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    refused = client.get("/queries/missions")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "too many queries" in refused.get_data(as_text=True)
    assert refused.headers["Access-Control-Allow-Origin"] == "*", "scripts can read it"
    assert client.get("/page/organisation/co-actions").status_code == 200, "pages: no limit"
    assert client.options("/sparql").status_code == 204, "preflights: no limit"
