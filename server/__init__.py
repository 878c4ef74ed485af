"""The Passerelles web app: SPARQL endpoint and named-query API (Flask app factory)."""

from __future__ import annotations

import atexit
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from kg import settings as registry
from kg.executor import QueryPool
from kg.remote import Endpoint, location
from kg.sparql_guard import normalise_allowlist
from kg.store import StoreError


def create_app(config: Mapping[str, Any] | None = None, config_file: Path | None = None) -> Flask:
    """Build the app from the settings registry: defaults < file < environment < ``config``."""
    app = Flask(__name__)
    env_file = os.environ.get("PASSERELLES_CONFIG")
    settings = registry.load(config_file or (Path(env_file) if env_file else None), config)
    settings["allowlist"] = normalise_allowlist(list(settings["service_allowlist"]))
    settings["location"] = where = location(settings["store"], settings)
    # What this process may connect to (kg.netguard): SERVICE targets, and a remote store.
    remote_urls = where.urls if isinstance(where, Endpoint) else ()
    settings["outbound"] = (*settings["service_allowlist"], *remote_urls)
    app.config["PASSERELLES"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings["max_query_bytes"] * 2
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    if isinstance(where, Path) and not where.exists():
        raise StoreError(f"no store at {where}: run `passerelles build` first")
    # Two pools: the public's queries (/sparql, /queries) and the server's own (pages,
    # pictures, dumps), so that slow public queries filling their workers never hold
    # up a page.
    for name, size in (("pool", settings["workers"]), ("own_pool", settings["page_workers"])):
        pool = QueryPool(
            where,
            size=size,
            timeout=settings["timeout"],
            max_rows=settings["max_rows"],
        )
        app.extensions[f"passerelles.{name}"] = pool
        atexit.register(pool.close)

    from server import (
        dataset,
        errors,
        home,
        limits,
        linked_data,
        metrics,
        ontology_doc,
        openapi,
        ops,
        queries_api,
        sparql,
        visuals,
    )

    errors.init_app(app)
    ops.init_app(app)
    limits.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(queries_api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(visuals.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(dataset.bp)
    app.register_blueprint(ontology_doc.bp)
    return app


def close(app: Flask) -> None:
    """Stop the app's query workers (tests and embedding code; a server stops at exit)."""
    for name in ("pool", "own_pool"):
        app.extensions[f"passerelles.{name}"].close()
