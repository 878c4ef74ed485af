"""Operational concerns: security headers on every response, and health checks.

``/healthz`` says the process is up; ``/readyz`` says it can answer a query (a
worker evaluated ``ASK {}`` within two seconds), for a load balancer to route by.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response

from kg.executor import QueryFailed, Request
from server.answers import own_pool, pool

bp = Blueprint("ops", __name__)

# No inline script anywhere (JSON blocks are data, not script); styles may be inline
# because YASGUI's column resizer and Leaflet set them; images may be data: URLs.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:{tiles}; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def security_headers(map_tiles: str) -> dict[str, str]:
    """The headers every response carries; a configured tile server may serve images."""
    # Leaflet's "{s}" placeholder stands for a subdomain: allow them all.
    tiles = urlsplit(map_tiles.replace("{s}", "*"))
    origin = f" {tiles.scheme}://{tiles.netloc}" if tiles.netloc else ""
    return {
        "Content-Security-Policy": POLICY.format(tiles=origin),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
    }


@bp.get("/healthz")
def healthz() -> Response:
    return Response("ok\n", content_type="text/plain; charset=utf-8")


@bp.get("/readyz")
def readyz() -> Response:
    try:
        for workers in (pool(), own_pool()):
            workers.execute(Request("ASK {}", "json", None), timeout=2.0)
    except QueryFailed as failed:
        return Response(f"not ready: {failed}\n", 503, content_type="text/plain; charset=utf-8")
    return Response("ready\n", content_type="text/plain; charset=utf-8")


def init_app(app: Flask) -> None:
    headers = security_headers(app.config["PASSERELLES"]["map_tiles"])

    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    app.register_blueprint(bp)
