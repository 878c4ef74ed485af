"""``/openapi.json``: the OpenAPI 3.1 description of the HTTP API, generated from the code."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, url_for

from kg import __version__
from kg.queries import NamedQuery
from kg.sparql_guard import scan
from server.negotiate import GRAPH_TYPES, SOLUTION_TYPES
from server.queries_api import named_queries

bp = Blueprint("openapi", __name__)

SCHEMA_TYPES = {
    "iri": ("string", "iri"),
    "string": ("string", None),
    "integer": ("integer", None),
    "date": ("string", "date"),
}
RESULTS = {
    "description": "Query results in the negotiated format",
    "content": {media: {} for media in (*SOLUTION_TYPES.values(), *GRAPH_TYPES.values())},
}
ERRORS = {
    str(code): {"description": text, "content": {"text/plain": {}}}
    for code, text in (
        (400, "Malformed query, bad parameter, or SERVICE not on the allow-list"),
        (403, "SPARQL Update refused: the endpoint is read-only"),
        (406, "No acceptable result format"),
        (413, "Query too large"),
        (415, "Unsupported request content type"),
        (503, "The query ran past its time limit, or every query worker is busy"),
    )
}


def format_param(keys: list[str]) -> dict[str, Any]:
    """The ``format`` parameter, taking the formats the operation can answer in."""
    return {
        "name": "format",
        "in": "query",
        "required": False,
        "description": "Result format; overrides the Accept header (media types are accepted too)",
        "schema": {"type": "string", "enum": keys},
    }


FORMAT = format_param([*SOLUTION_TYPES, *GRAPH_TYPES])


def _sparql_paths() -> dict[str, Any]:
    dataset = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
        }
        for name in ("default-graph-uri", "named-graph-uri")
    ]
    query = {
        "name": "query",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "The SPARQL query; without it, the service description",
    }
    post_body = {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {"query": {"type": "string"}},
                    "required": ["query"],
                }
            },
            "application/sparql-query": {"schema": {"type": "string"}},
        }
    }
    responses = {"200": RESULTS, **ERRORS}
    return {
        "get": {
            "summary": "SPARQL 1.1 query (or the service description without a query)",
            "parameters": [query, *dataset, FORMAT],
            "responses": responses,
        },
        "post": {
            "summary": "SPARQL 1.1 query by POST",
            "parameters": [*dataset, FORMAT],
            "requestBody": post_body,
            "responses": responses,
        },
    }


def _query_path(query: NamedQuery) -> dict[str, Any]:
    params = []
    for p in query.params:
        kind, fmt = SCHEMA_TYPES[p.type]
        schema = {"type": kind, **({"format": fmt} if fmt else {})}
        params.append(
            {
                "name": p.name,
                "in": "query",
                "required": True,
                "description": p.description,
                "schema": schema,
            }
        )
    operation = {
        "summary": query.title,
        "description": query.description,
        "operationId": f"query_{query.name.replace('-', '_')}",
        "parameters": [*params, format_param(_answer_formats(query))],
        "responses": {"200": RESULTS, **ERRORS},
    }
    return {"get": operation}


def _answer_formats(query: NamedQuery) -> list[str]:
    """A SELECT or ASK answers in the result formats, a CONSTRUCT or DESCRIBE in RDF."""
    graph = scan(query.text).form in ("CONSTRUCT", "DESCRIBE")
    return list(GRAPH_TYPES if graph else SOLUTION_TYPES)


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {"/sparql": _sparql_paths()}
    paths["/queries"] = {
        "get": {
            "summary": "The named queries with their parameters",
            "responses": {
                "200": {"description": "List of named queries", "content": {"application/json": {}}}
            },
        }
    }
    for query in named_queries().values():
        paths[f"/queries/{query.name}"] = _query_path(query)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Passerelles",
            "version": __version__,
            "description": "SPARQL endpoint and named queries of the Passerelles "
            "knowledge graph of the social and solidarity economy.",
        },
        "servers": [{"url": url_for("sparql.endpoint", _external=True).removesuffix("/sparql")}],
        "paths": paths,
    }


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(document())
