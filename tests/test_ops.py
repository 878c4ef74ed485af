"""Security headers on every response, and the health checks."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from server.ops import security_headers

PATHS = ["/", "/sparql?query=ASK%7B%7D", "/page/organisation/co-actions", "/no-such-page",
         "/static/site.css", "/queries"]  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_a_configured_tile_server_may_serve_images_and_nothing_else() -> None:
    policy = security_headers("https://{s}.tile.example.org/{z}/{x}/{y}.png")[
        "Content-Security-Policy"
    ]
    assert "img-src 'self' data: blob: https://*.tile.example.org;" in policy
    assert "connect-src 'self';" in policy


def test_health_and_readiness(client: FlaskClient) -> None:
    assert client.get("/healthz").get_data(as_text=True) == "ok\n"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_data(as_text=True) == "ready\n"
