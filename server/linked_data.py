"""Dereferencing: ``/id/…`` answers 303 to ``/page/…`` (HTML) or ``/data/…`` (RDF), as Cool URIs do.

The graph keeps the canonical IRIs (``{base}id/{kind}/{slug}``); the server answers
for the same paths on whatever host it runs, and links its pages to itself.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox
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
from markupsafe import Markup

from kg.executor import QueryFailed, Request
from kg.labels import LANGUAGES, preferred_language
from kg.queries import NamedQuery, Substitutions, load_queries
from kg.resource import Value, describe, incoming
from kg.terms import KINDS, SLUG
from server.answers import STATUS, pool, select
from server.errors import error_response
from server.formatting import format_literal
from server.i18n import words
from server.negotiate import GRAPH_TYPES, HTML, format_key, media_type, negotiate

bp = Blueprint("linked_data", __name__)

KIND = f"<any({', '.join(KINDS)}):kind>"
SUFFIXES = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}
PAGE_SIZE = 50


@cache
def _page_queries(root: str) -> dict[str, NamedQuery]:
    return load_queries(Path(root) / "queries" / "pages")


def page_query(name: str) -> NamedQuery:
    return _page_queries(current_app.config["PASSERELLES"]["root"])[name]


def resolve(kind: str, slug: str) -> str:
    """The canonical IRI of a described resource; a real 404 otherwise."""
    iri = f"{current_app.config['PASSERELLES']['base']}id/{kind}/{slug}"
    if not re.fullmatch(SLUG, slug) or not select(page_query("exists").text, _about(iri)):
        abort(404, f"nothing is known here about {iri}")
    return iri


def _about(iri: str) -> Substitutions:
    return {ox.Variable("resource"): ox.NamedNode(iri)}


def _alternates(kind: str, slug: str) -> str:
    links = [f'<{url_for(".page", kind=kind, slug=slug)}>; rel="alternate"; type="{HTML}"']
    links += [
        f'<{url_for(".data", kind=kind, slug=slug, ext=ext)}>; rel="alternate"; '
        f'type="{GRAPH_TYPES[key]}"'
        for key, ext in SUFFIXES.items()
    ]
    return ", ".join(links)


@bp.app_template_global()
def local_url(iri: str) -> str | None:
    """This server's page for one of our IRIs; None for an IRI that is not ours."""
    base = current_app.config["PASSERELLES"]["base"] + "id/"
    if not iri.startswith(base):
        return None
    kind, _, slug = iri[len(base) :].partition("/")
    slug = slug.split("#")[0]
    if kind not in KINDS or not re.fullmatch(SLUG, slug):
        return None
    fragment = iri.partition("#")[2]
    return url_for(".page", kind=kind, slug=slug) + (f"#{fragment}" if fragment else "")


@bp.app_template_global()
def value_html(value: Value, lang: str) -> Markup:
    """A value as HTML: a link to our page, an external link, or formatted text (escaped)."""
    if value.kind == "uri":
        text = value.label or value.value
        local = local_url(value.value)
        if local:
            return Markup('<a href="{}">{}</a>').format(local, text)
        return Markup('<a class="external" rel="external" href="{}">{}</a>').format(
            value.value, text
        )
    shown = format_literal(value, lang)
    if value.language:
        return Markup('<span lang="{}">{}</span>').format(value.language, shown)
    return Markup("{}").format(shown)


bp.add_app_template_global(words)


@bp.get(f"/id/{KIND}/<slug>")
def identifier(kind: str, slug: str) -> Response:
    """303 See Other to the page or the data document, by Accept."""
    resolve(kind, slug)
    fmt = negotiate(request.accept_mimetypes, {"html": HTML, **GRAPH_TYPES}, "html")
    if fmt is None:
        abort(406, "this resource is available as HTML, Turtle, N-Triples, JSON-LD or RDF/XML")
    target = (
        url_for(".page", kind=kind, slug=slug)
        if fmt == "html"
        else url_for(".data", kind=kind, slug=slug, ext=SUFFIXES[fmt])
    )
    response = redirect(target, 303)
    response.vary.add("Accept")
    response.headers["Link"] = _alternates(kind, slug)
    return response  # type: ignore[return-value]


@bp.get(f"/data/{KIND}/<slug>")
@bp.get(f"/data/{KIND}/<slug>.<any(ttl, nt, jsonld, rdf):ext>")
def data(kind: str, slug: str, ext: str | None = None) -> Response:
    """The resource's data document: its statements, incoming links and the labels named."""
    iri = resolve(kind, slug)
    if ext is not None:
        fmt = format_key(ext)
    else:
        fmt = negotiate(request.accept_mimetypes, GRAPH_TYPES, "turtle")
    if fmt is None:
        abort(406, "the data is available as Turtle, N-Triples, JSON-LD or RDF/XML")
    try:
        result = pool().execute(
            Request(page_query("document").text, None, fmt, substitutions=_about(iri))
        )
    except QueryFailed as failed:
        return error_response(STATUS[failed.kind], str(failed))
    response = Response(result.body, content_type=media_type(result.format))
    response.headers["Link"] = _alternates(kind, slug)
    if ext is None:
        response.vary.add("Accept")
    return response


def reader_language() -> str:
    """``?lang=`` if given, else the best of Accept-Language (fr-CA, fr, en…), else English."""
    asked = request.args.get("lang", "")
    if asked.split("-")[0] in LANGUAGES:
        return asked
    return preferred_language(request.accept_languages)


@cache
def _vocabulary(store_build: str) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for row in select(page_query("labels").text):
        labels.setdefault(row["term"]["value"], {})[row["label"].get("xml:lang", "")] = row[
            "label"
        ]["value"]
    return labels


def vocabulary() -> dict[str, dict[str, str]]:
    """Labels of classes and properties, read once per published build of the store."""
    return _vocabulary(str(Path(current_app.config["PASSERELLES"]["store"]).resolve()))


@bp.get(f"/page/{KIND}/<slug>")
def page(kind: str, slug: str) -> Response | str:
    """The resource's page, in the reader's language."""
    iri = resolve(kind, slug)
    lang = reader_language()
    number = max(request.args.get("in", 1, type=int), 1)
    paged = re.sub(
        r"LIMIT \d+ OFFSET \d+",
        f"LIMIT {PAGE_SIZE} OFFSET {(number - 1) * PAGE_SIZE}",
        page_query("incoming").text,
    )
    about = _about(iri)
    resource = describe(iri, select(page_query("outgoing").text, about), vocabulary(), lang)
    links = incoming(select(page_query("incoming-counts").text, about), select(paged, about),
                     vocabulary(), lang)  # fmt: skip
    total = sum(prop.count for prop in links)
    return render_template(
        "resource.html",
        resource=resource,
        incoming=links,
        incoming_total=total,
        page_number=number,
        page_count=max(1, -(-total // PAGE_SIZE)),
        kind=kind,
        slug=slug,
        lang=lang,
    )
