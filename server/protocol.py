"""Reading a SPARQL 1.1 Protocol query request (GET, form POST, direct POST)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import abort, request
from werkzeug.datastructures import MultiDict

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+")


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None  # None: no query, the client asks for the service description
    default_graph: tuple[str, ...]
    named_graphs: tuple[str, ...]


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        abort(400, f"the {name} parameter must be given once, not {len(values)} times")
    return values[0] if values else None


def read(max_bytes: int) -> ProtocolRequest:
    """The query and dataset of the current request; aborts with the protocol's status codes."""
    if request.content_length is not None and request.content_length > max_bytes:
        abort(413, f"the request is larger than the {max_bytes} bytes a query may have")
    args = request.args
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == FORM:
            if "update" in request.form:
                abort(403, "SPARQL Update is not allowed: this public endpoint is read-only")
            query = _one(request.form.getlist("query"), "query")
            args = request.form  # the dataset parameters travel in the body too
        elif mimetype == QUERY:
            query = request.get_data(as_text=True)
        elif mimetype == UPDATE:
            abort(403, "SPARQL Update is not allowed: this public endpoint is read-only")
        else:
            abort(415, f"POST takes {FORM} or {QUERY}, not {mimetype or 'no content type'}")
        if _one(request.args.getlist("query"), "query") is not None and mimetype != FORM:
            abort(400, "the query must not be given both in the URL and in the body")
    else:
        query = _one(request.args.getlist("query"), "query")
    if query is not None and len(query.encode("utf-8")) > max_bytes:
        abort(413, f"the query is larger than the {max_bytes} bytes allowed")
    return ProtocolRequest(
        query, _graphs(args, "default-graph-uri"), _graphs(args, "named-graph-uri")
    )


def _graphs(args: MultiDict[str, str], name: str) -> tuple[str, ...]:
    """The graph IRIs of a dataset parameter; a 400 for anything not an absolute IRI."""
    graphs = tuple(args.getlist(name))
    for graph in graphs:
        if not ABSOLUTE_IRI.fullmatch(graph):
            abort(400, f"{name} must be an absolute IRI, not {graph!r}")
    return graphs
