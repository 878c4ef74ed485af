"""Answering a SPARQL query over HTTP: guard, negotiate, evaluate, and report limits.

Shared by ``/sparql`` and the named-query API, so both obey the same rules:
read-only, SERVICE only to allow-listed endpoints, a timeout, a row limit that
is announced, and the SPARQL Protocol's status codes.
"""

from __future__ import annotations

import functools
import json

from flask import Response, abort, current_app, g, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.executor import QueryFailed, QueryPool, Request, Substitutions
from kg.sparql_guard import ServiceNotAllowed, check_services, scan
from server.errors import error_response
from server.negotiate import (
    GRAPH_SIBLINGS,
    GRAPH_TYPES,
    SOLUTION_TYPES,
    format_key,
    media_type,
    negotiate,
)

STATUS = {"syntax": 400, "not-acceptable": 406, "timeout": 503, "busy": 503, "upstream": 502,
          "error": 500}  # fmt: skip
TRUNCATED = "X-Result-Truncated"


def pool() -> QueryPool:
    """The workers of the public's queries (``/sparql``, ``/queries``)."""
    return current_app.extensions["passerelles.pool"]  # type: ignore[no-any-return]


def own_pool() -> QueryPool:
    """The workers of the server's own queries (pages, pictures, dumps)."""
    return current_app.extensions["passerelles.own_pool"]  # type: ignore[no-any-return]


def select(text: str, substitutions: Substitutions | None = None) -> list[dict]:
    """The rows of a SELECT as SPARQL JSON bindings (for the server's own queries)."""
    result = own_pool().execute(Request(text, "json", None, substitutions=substitutions or {}))
    return json.loads(result.body)["results"]["bindings"]  # type: ignore[no-any-return]


def chosen_formats() -> tuple[str | None, str | None]:
    """(solutions format, graph format) from ``format`` if given, else from Accept."""
    asked = request.values.get("format")
    if asked:
        key = format_key(asked)
        if key is None:
            abort(400, f"unknown format {asked!r}")
        graph = GRAPH_SIBLINGS.get(key, key)
        return (key if key in SOLUTION_TYPES else None, graph if graph in GRAPH_TYPES else None)
    return _negotiated(request.headers.get("Accept", ""))


@functools.lru_cache(maxsize=256)
def _negotiated(header: str) -> tuple[str | None, str | None]:
    # Clients send the same few Accept headers again and again: negotiate each one once.
    accept = parse_accept_header(header or None, MIMEAccept)
    return negotiate(accept, SOLUTION_TYPES, "json"), negotiate(accept, GRAPH_TYPES, "turtle")


def answer(
    text: str,
    default_graph: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
    substitutions: Substitutions | None = None,
) -> Response:
    """Evaluate ``text`` and build the HTTP response, or the error the protocol asks for."""
    # The full scan costs more than a small query: only run it when it can find something.
    if "service" in text.lower():
        try:
            check_services(scan(text), current_app.config["PASSERELLES"]["allowlist"])
        except ServiceNotAllowed as refused:
            abort(400, str(refused))
    solutions, graph = chosen_formats()
    if solutions is None and graph is None:
        abort(406, "none of the accepted media types is a SPARQL result or RDF format")
    try:
        result = pool().execute(
            Request(text, solutions, graph, default_graph, named_graphs, substitutions or {})
        )
    except QueryFailed as failed:
        g.query_failed = failed.kind
        if failed.kind == "syntax" and scan(text).update:
            abort(403, "SPARQL Update is not allowed: this public endpoint is read-only")
        retry = {"Retry-After": "5"} if failed.kind in ("timeout", "busy") else None
        return error_response(STATUS[failed.kind], str(failed), retry)
    response = Response(result.body, content_type=media_type(result.format))
    response.headers["X-Result-Rows"] = str(result.rows)
    if result.truncated:
        limit = current_app.config["PASSERELLES"]["max_rows"]
        response.headers[TRUNCATED] = f"true; limit={limit}"
    response.vary.add("Accept")
    return response
