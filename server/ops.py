"""Operational concerns: security headers on every response, and health checks.

``POST /-/reload`` rebuilds and publishes the store (only with the admin token).
``/healthz`` says the process is up; ``/readyz`` says it can answer a query (a
worker evaluated ``ASK {}`` within two seconds), for a load balancer to route by.
"""

from __future__ import annotations

import hmac
import threading
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request

from kg import remote_build
from kg.build import NotConforming, build
from kg.executor import QueryFailed, Request
from kg.queries import QueryError
from kg.remote import Endpoint, RemoteStoreError
from kg.sources import SourceError
from kg.store import StoreError
from server.answers import own_pool, pool
from server.errors import error_response
from server.indexes import forget_build_key

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


_reloading = threading.Lock()


@bp.post("/-/reload")
def reload() -> Response:
    """Rebuild the store from the sources and publish it if it passes the gate.

    Off unless ``admin_token`` is set; the caller sends it as a Bearer token. The
    query workers follow the published store before their next query.
    """
    settings = current_app.config["PASSERELLES"]
    token = settings["admin_token"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return error_response(
            401, "a valid admin token is required", {"WWW-Authenticate": "Bearer"}
        )
    if not _reloading.acquire(blocking=False):
        return error_response(409, "a reload is already running")
    where = settings["location"]
    try:
        if isinstance(where, Endpoint):
            staged = remote_build.build(Path(settings["root"]), where)
            forget_build_key()
        else:
            staged = build(Path(settings["root"]), where)
    except NotConforming as error:
        return error_response(422, f"{error}; the served store is unchanged\n{error.report.text()}")
    except (SourceError, QueryError) as error:
        return error_response(422, f"{error}; the served store is unchanged")
    except RemoteStoreError as error:
        return error_response(502, str(error))
    except StoreError as error:  # another process (a replica, the CLI) is building
        return error_response(409, str(error))
    finally:
        _reloading.release()
    return jsonify({"quads": staged.triples, "files": staged.files, "derived": staged.rules.total})
