"""Content negotiation: the one place that maps Accept headers and ``format`` to formats."""

from __future__ import annotations

from collections.abc import Mapping

from flask import request
from werkzeug.datastructures import MIMEAccept

# format key -> media type (the first is what we send), for query solutions and graphs
SOLUTION_TYPES: Mapping[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES: Mapping[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
HTML = "text/html"
# Other names users and clients give the same formats.
ALIASES: Mapping[str, str] = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "ttl": "turtle",
    "application/x-turtle": "turtle",
    "nt": "ntriples",
    "text/plain": "ntriples",
    "json-ld": "jsonld",
    "rdf": "rdfxml",
    "rdf+xml": "rdfxml",
    "xml-rdf": "rdfxml",
    "n3": "turtle",  # Turtle is N3; SPARQLWrapper asks for it by this name
}
# A solutions format named for a graph result means its RDF sibling (SPARQLWrapper's default
# for CONSTRUCT and DESCRIBE is ``format=xml``, meaning RDF/XML).
GRAPH_SIBLINGS: Mapping[str, str] = {"xml": "rdfxml", "json": "jsonld"}


def format_key(name: str) -> str | None:
    """The format key for a ``format`` parameter value (a key, an alias or a media type)."""
    name = name.strip().lower().split(";")[0]
    for table in (SOLUTION_TYPES, GRAPH_TYPES):
        if name in table:
            return name
        for key, media in table.items():
            if media == name:
                return key
    return ALIASES.get(name)


def negotiate(accept: MIMEAccept, offers: Mapping[str, str], default: str) -> str | None:
    """The best format of ``offers`` for an Accept header (q-values honoured).

    No Accept header, or one that accepts anything, gets ``default``; an Accept
    header that accepts none of the offers gets None (the caller answers 406).
    """
    if not accept or accept.best == "*/*":
        return default
    candidates = {media: key for key, media in offers.items()}
    for media, key in ALIASES.items():
        key = key if key in offers else GRAPH_SIBLINGS.get(key, "")
        if "/" in media and key in offers:
            candidates.setdefault(media, key)
    best = accept.best_match(list(candidates))
    return candidates[best] if best else None


def media_type(key: str) -> str:
    """The Content-Type (with charset) for a format key or ``html``."""
    media = SOLUTION_TYPES.get(key) or GRAPH_TYPES.get(key) or HTML
    return f"{media}; charset=utf-8"


def prefers_html() -> bool:
    """Whether the client ranks HTML highest (a browser), by quality.

    Werkzeug's ``accept.best`` ranks a type with parameters first whatever its q, and
    Chromium's Accept lists ``application/signed-exchange;v=b3;q=0.7``.
    """
    if HTML not in request.headers.get("Accept", ""):
        return False  # the common case of scripts, decided without parsing the header
    accept = request.accept_mimetypes
    html = max((q for media, q in accept if media == HTML), default=0)
    return html > 0 and html >= max(q for _, q in accept)


def wants_html() -> bool:
    """A browser that did not ask for a data format with ``format=`` gets a page."""
    return "format" not in request.values and prefers_html()
