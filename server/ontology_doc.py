"""The ontology dereferenced: ``/ontology`` → 303 → its documentation or its Turtle.

The documentation is generated from the ontology graph (``ontology/ess.ttl`` as
built): classes, properties and kinds of evidence, each with its labels and
definitions in French and English, super-classes, domain and range, and an anchor
(``/page/ontology#Encounter``) so that every ``ess:`` term has a place to land.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, url_for

from kg.queries import Substitutions
from kg.resource import Value, value
from server.indexes import build_key, indexes, page_query, select_all
from server.linked_data import alternates, data_format, graph_document, reader_language
from server.linked_data import see_other as redirect_by_accept

bp = Blueprint("ontology_doc", __name__)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
ESS = "https://w3id.org/passerelles/ontology#"
EXT = "<any(ttl, nt, jsonld, rdf):ext>"
SECTIONS = (  # (i18n key, the type that puts a term in the section)
    ("classes", OWL + "Class"),
    ("object_properties", OWL + "ObjectProperty"),
    ("object_properties", OWL + "DatatypeProperty"),
    ("evidence_kinds", ESS + "EvidenceKind"),
)
CHARACTERISTICS = {
    OWL + c
    for c in (
        "SymmetricProperty",
        "FunctionalProperty",
        "TransitiveProperty",
        "InverseFunctionalProperty",
    )
}
LINKS = (  # (i18n key, property) shown under each term
    ("subclass_of", RDFS + "subClassOf"),
    ("subproperty_of", RDFS + "subPropertyOf"),
    ("domain", RDFS + "domain"),
    ("range", RDFS + "range"),
    ("inverse_of", OWL + "inverseOf"),
    ("characteristics", RDF_TYPE),
)


@dataclass
class Term:
    iri: str
    statements: dict[str, list[Mapping[str, str]]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.iri.rsplit("#", 1)[-1]

    def texts(self, *properties: str) -> dict[str, str]:
        """{language: text} of the first of ``properties`` that has any."""
        for p in properties:
            found = {t.get("xml:lang", ""): t["value"] for t in self.statements.get(p, [])}
            if found:
                return dict(sorted(found.items()))
        return {}


def ontology_iri() -> str:
    return current_app.config["PASSERELLES"]["base"] + "ontology"


@cache
def _terms(build: str, ontology: str) -> dict[str, Term]:
    terms: dict[str, Term] = {}
    substitutions: Substitutions = {ox.Variable("ontology"): ox.NamedNode(ontology)}
    rows = select_all(page_query("index-ontology").text, substitutions)
    for row in rows:
        term = terms.setdefault(row["term"]["value"], Term(row["term"]["value"]))
        term.statements.setdefault(row["p"]["value"], []).append(row["o"])
    return terms


def documentation(lang: str) -> dict[str, object]:
    """The ontology's header and its terms, by section, in alphabetical order."""
    terms = _terms(build_key(), ontology_iri())
    labels = indexes().labels
    grouped: dict[str, list[Term]] = defaultdict(list)
    for term in terms.values():
        kinds = {t["value"] for t in term.statements.get(RDF_TYPE, [])}
        key = next((k for k, cls in SECTIONS if cls in kinds), None)
        if key and term.iri != ontology_iri():
            grouped[key].append(term)

    def links(term: Term) -> list[tuple[str, list[Value]]]:
        found = []
        for key, p in LINKS:
            shown = term.statements.get(p, [])
            if p == RDF_TYPE:
                shown = [t for t in shown if t["value"] in CHARACTERISTICS]
            if shown:
                found.append((key, [value(t, labels, lang) for t in shown]))
        return found

    header = terms.get(ontology_iri(), Term(ontology_iri()))
    sections = [
        (key, sorted(grouped[key], key=lambda t: t.name.lower()))
        for key in dict.fromkeys(k for k, _ in SECTIONS)
        if grouped[key]
    ]
    return {"header": header, "sections": sections, "links": links}


@bp.get("/ontology")
def namespace() -> Response:
    """The namespace IRI: 303 to the documentation, or to the ontology in RDF by Accept."""
    return redirect_by_accept(url_for(".page"), lambda ext: url_for(".data", ext=ext))


@bp.get("/page/ontology")
def page() -> Response:
    """The ontology's documentation, in the reader's language (both languages shown)."""
    lang = reader_language()
    body = render_template("ontology.html", lang=lang, iri=ontology_iri(), **documentation(lang))
    response = Response(body, content_type="text/html; charset=utf-8")
    response.vary.add("Accept-Language")
    response.headers["Link"] = alternates(url_for(".page"), lambda e: url_for(".data", ext=e))
    return response


@bp.get("/data/ontology")
@bp.get(f"/data/ontology.{EXT}")
def data(ext: str | None = None) -> Response:
    """The ontology graph as built from ``ontology/ess.ttl``."""
    graph = current_app.config["PASSERELLES"]["base"] + "graph/ontology"
    links = alternates(url_for(".page"), lambda e: url_for(".data", ext=e))
    response = graph_document(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", data_format(ext), {}, links, (graph,)
    )
    if ext is None:
        response.vary.add("Accept")
    return response
