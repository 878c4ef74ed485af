"""Dereferencing: ``/id/…`` answers 303 to ``/page/…`` (HTML) or ``/data/…`` (RDF), as Cool URIs do.

The graph keeps the canonical IRIs (``{base}id/{kind}/{slug}``, ``{base}source/{slug}``);
the server answers for the same paths on whatever host it runs, and links its pages
to itself. Page assembly (three queries, per-build indexes, the sections of each
kind) is in :mod:`server.resource_page`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import NotFound

from kg.executor import QueryFailed, Request
from kg.labels import preferred_language
from kg.queries import Substitutions
from kg.terms import KINDS, SLUG
from server.answers import STATUS, TRUNCATED, own_pool, select
from server.errors import error_response
from server.formatting import (
    external_link,
    language_parameter,
    local_url,
    period,
    query_with,
    value_html,
)
from server.i18n import words
from server.indexes import about, page_query
from server.negotiate import GRAPH_TYPES, HTML, format_key, media_type, negotiate
from server.resource_page import render_page

bp = Blueprint("linked_data", __name__)

PAGE_KINDS = (*KINDS, "source")
SUFFIXES = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}
EXT = "<any(ttl, nt, jsonld, rdf):ext>"


def iri_of(kind: str, slug: str) -> str:
    """The canonical IRI a page path stands for; a real 404 for a path that names none."""
    if kind not in PAGE_KINDS or not re.fullmatch(SLUG, slug):
        abort(404, f"there is no resource at /{kind}/{slug}: not a kind and slug of ours")
    base = current_app.config["PASSERELLES"]["base"]
    return f"{base}source/{slug}" if kind == "source" else f"{base}id/{kind}/{slug}"


def resolve(kind: str, slug: str) -> str:
    """The canonical IRI of a described resource; a real 404 otherwise."""
    iri = iri_of(kind, slug)
    if not select(page_query("exists").text, about(iri)):
        abort(404, f"nothing is known here about {iri}")
    return iri


for helper in (local_url, value_html, external_link, period, query_with, words):
    bp.add_app_template_global(helper)


def reader_language() -> str:
    """``?lang=`` if given, else the best of Accept-Language (fr-CA, fr, en…), else English."""
    return language_parameter() or preferred_language(request.accept_languages)


def alternates(page: str, data: Callable[[str], str]) -> str:
    links = [f'<{page}>; rel="alternate"; type="{HTML}"']
    links += [
        f'<{data(ext)}>; rel="alternate"; type="{GRAPH_TYPES[key]}"'
        for key, ext in SUFFIXES.items()
    ]
    return ", ".join(links)


def see_other(page: str, data: Callable[[str], str]) -> Response:
    """303 See Other to the page or to the data in the format Accept asks for."""
    fmt = negotiate(request.accept_mimetypes, {"html": HTML, **GRAPH_TYPES}, "html")
    if fmt is None:
        abort(406, "this resource is available as HTML, Turtle, N-Triples, JSON-LD or RDF/XML")
    response = redirect(page if fmt == "html" else data(SUFFIXES[fmt]), 303)
    response.vary.add("Accept")
    response.headers["Link"] = alternates(page, data)
    return response  # type: ignore[return-value]


def graph_document(
    query: str,
    fmt: str | None,
    substitutions: Substitutions,
    links: str,
    default_graph: tuple[str, ...] = (),
) -> Response:
    """A CONSTRUCT answered in ``fmt`` (None: the client accepts none of ours)."""
    if fmt is None:
        abort(406, "the data is available as Turtle, N-Triples, JSON-LD or RDF/XML")
    try:
        request_ = Request(query, None, fmt, default_graph, substitutions=substitutions)
        result = own_pool().execute(request_)
    except QueryFailed as failed:
        return error_response(STATUS[failed.kind], str(failed))
    response = Response(result.body, content_type=media_type(result.format))
    response.headers["Link"] = links
    if result.truncated:
        limit = current_app.config["PASSERELLES"]["max_rows"]
        response.headers[TRUNCATED] = f"true; limit={limit}"
    return response


def data_format(ext: str | None) -> str | None:
    if ext is not None:
        return format_key(ext)
    return negotiate(request.accept_mimetypes, GRAPH_TYPES, "turtle")


@bp.get("/id/<kind>/<slug>")
@bp.get("/source/<slug>", defaults={"kind": "source"})
def identifier(kind: str, slug: str) -> Response:
    """303 See Other to the page or the data document, by Accept."""
    resolve(kind, slug)
    return see_other(
        url_for(".page", kind=kind, slug=slug),
        lambda ext: url_for(".data", kind=kind, slug=slug, ext=ext),
    )


@bp.get("/data/<kind>/<slug>")
@bp.get(f"/data/<kind>/<slug>.{EXT}")
def data(kind: str, slug: str, ext: str | None = None) -> Response:
    """The resource's data document: its statements, incoming links and the labels named."""
    iri = resolve(kind, slug)
    page = url_for(".page", kind=kind, slug=slug)
    links = alternates(page, lambda e: url_for(".data", kind=kind, slug=slug, ext=e))
    response = graph_document(page_query("document").text, data_format(ext), about(iri), links)
    if ext is None:
        response.vary.add("Accept")
    return response


@bp.get("/page/<kind>/<slug>")
def page(kind: str, slug: str) -> Response:
    """The resource's page, in the reader's language."""
    iri = iri_of(kind, slug)
    lang = reader_language()
    response = render_page(iri, kind, slug, lang)
    response.vary.add("Accept-Language")
    response.headers["Content-Language"] = lang
    response.headers["Link"] = alternates(
        request.path, lambda ext: url_for(".data", kind=kind, slug=slug, ext=ext)
    )
    return response


@bp.errorhandler(404)
def not_found(error: NotFound) -> Response:
    """A 404 a reader can act on: the message and a search box (plain text for programs)."""
    if request.accept_mimetypes.best != "text/html":
        return error_response(404, error.description or "not found")
    lang = reader_language()
    guess = request.view_args.get("slug", "") if request.view_args else ""
    body = render_template(
        "not_found.html", message=error.description, lang=lang, guess=guess.replace("-", " ")
    )
    return Response(body, 404, content_type="text/html; charset=utf-8")
