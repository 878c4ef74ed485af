"""``/sparql``: the SPARQL 1.1 Protocol query operation, its service description, and YASGUI."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for

from kg.describe import CLASS_STATS, GRAPH_STATS, TOTALS, service_description
from kg.terms import PREFIXES
from server import protocol
from server.answers import answer, select
from server.errors import error_response
from server.negotiate import (
    GRAPH_SIBLINGS,
    GRAPH_TYPES,
    format_key,
    media_type,
    negotiate,
    wants_html,
)
from server.queries_api import named_queries

bp = Blueprint("sparql", __name__)

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Expose-Headers": "X-Result-Rows, X-Result-Truncated",
    "Access-Control-Max-Age": "86400",
}
API_PATHS = ("/sparql", "/queries", "/openapi.json")
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


@bp.after_app_request
def cors(response: Response) -> Response:
    """CORS on the whole API, error responses (405, 406…) included, so scripts can read them."""
    if request.path.startswith(API_PATHS):
        response.headers.update(CORS)
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response | str:
    if request.method == "OPTIONS":
        return Response(status=204)
    settings = current_app.config["PASSERELLES"]
    asked = protocol.read(settings["max_query_bytes"])
    if wants_html():
        return render_template(
            "yasgui.html",
            query=asked.query or "",
            settings=settings,
            prefixes=PREFIXES,
            examples=examples(),
        )
    if asked.query is None:
        return describe()
    return answer(asked.query, asked.default_graph, asked.named_graphs)


def examples() -> list[dict[str, str]]:
    """The named queries, as the ready-made example tabs of the query UI."""
    return [
        {"name": q.name, "title": q.title, "description": q.description, "query": q.text}
        for q in named_queries().values()
    ]


def _rows(query: str) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in row.items()} for row in select(query)]


def describe() -> Response:
    """The service description, in the RDF format the client asked for (Turtle by default)."""
    asked = request.values.get("format")
    fmt = format_key(asked) if asked else negotiate(request.accept_mimetypes, GRAPH_TYPES, "turtle")
    fmt = GRAPH_SIBLINGS.get(fmt or "", fmt)
    if fmt is None or fmt not in GRAPH_TYPES:
        message = "the service description is available as Turtle, N-Triples, JSON-LD or RDF/XML"
        return error_response(406, message)
    totals = {k: int(v) for k, v in _rows(TOTALS)[0].items()}
    graphs = {r["graph"]: int(r["triples"]) for r in _rows(GRAPH_STATS)}
    classes = {r["class"]: int(r["n"]) for r in _rows(CLASS_STATS)}
    allow = current_app.config["PASSERELLES"]["allowlist"]
    graph = service_description(
        url_for("sparql.endpoint", _external=True), graphs, totals, classes, allow
    )
    body = graph.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
    response = Response(body, content_type=media_type(fmt))
    response.vary.add("Accept")
    return response
