"""``/queries``: the named queries of ``queries/`` as an API, in HTML and JSON."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from kg.executor import QueryFailed, Request
from kg.queries import NamedQuery, QueryError, load_queries
from server.answers import STATUS, answer, pool
from server.errors import error_response
from server.negotiate import wants_html

bp = Blueprint("queries", __name__)
RESERVED = {"format"}


@cache
def _load(root: str) -> dict[str, NamedQuery]:
    return load_queries(Path(root) / "queries")


def named_queries() -> dict[str, NamedQuery]:
    return _load(current_app.config["PASSERELLES"]["root"])


def describe(query: NamedQuery) -> dict[str, object]:
    params = [{"name": p.name, "type": p.type, "description": p.description} for p in query.params]
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "parameters": params,
    }


@bp.get("/queries")
def index() -> Response | str:
    listing = [describe(q) for q in named_queries().values()]
    if wants_html():
        return render_template("queries.html", queries=listing)
    return jsonify(listing)


@bp.route("/queries/<name>", methods=["GET", "POST"])
def run(name: str) -> Response | str:
    query = named_queries().get(name)
    if query is None:
        abort(404, f"no named query {name!r}; see /queries")
    values = {k: v for k, v in request.values.items() if k not in RESERVED}
    if wants_html():
        return _page(query, values)
    try:
        bound = query.bind(values)
    except QueryError as error:
        abort(400, str(error))
    return answer(query.text, substitutions=bound)


def _page(query: NamedQuery, values: dict[str, str]) -> Response | str:
    """The query's form, and its results as a table once its parameters are filled in."""
    table = None
    if values or not query.params:
        try:
            result = pool().execute(
                Request(query.text, "json", None, substitutions=query.bind(values))
            )
        except QueryError as error:
            return error_response(400, str(error))
        except QueryFailed as failed:
            return error_response(STATUS[failed.kind], str(failed))
        table = json.loads(result.body)
    return render_template("query.html", query=describe(query), values=values, table=table)
