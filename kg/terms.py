"""Namespaces, IRIs and the names of the graphs the build writes."""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

BASE = "https://w3id.org/passerelles/"

ESS = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
SRC = Namespace(BASE + "source/")
GRAPH = Namespace(BASE + "graph/")
# WGS84 positions (rdflib's own GEO is GeoSPARQL, a different vocabulary).
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

KINDS = ("organisation", "person", "event", "place", "project", "concept")
SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
INSTANCE_IRI = re.compile(
    re.escape(str(ID)) + rf"(?P<kind>{'|'.join(KINDS)})/(?P<slug>{SLUG})(?:#(?P<part>{SLUG}))?"
)

ONTOLOGY_GRAPH = GRAPH["ontology"]
GLOSSARY_GRAPH = GRAPH["glossary"]
INFERRED_GRAPH = GRAPH["inferred"]
SOURCE_DOCUMENT = SRC["cooperation-aquitaine-quebec-2016-2018"]

PREFIXES: dict[str, str] = {
    "ess": str(ESS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "schema": str(SDO),
    "skos": str(SKOS),
    "prov": str(PROV),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "dcterms": str(DCTERMS),
    "geo": str(GEO),
    "xsd": str(XSD),
    "organisation": str(ID) + "organisation/",
    "person": str(ID) + "person/",
    "event": str(ID) + "event/",
    "place": str(ID) + "place/",
    "project": str(ID) + "project/",
    "concept": str(ID) + "concept/",
    "source": str(SRC),
}


def data_graph(stem: str) -> URIRef:
    """The named graph that holds the curated file ``data/{stem}.ttl``."""
    return GRAPH[f"data/{stem}"]


def instance(kind: str, slug: str) -> URIRef:
    """The IRI of an instance, e.g. ``instance("person", "noemie-escortell")``."""
    iri = f"{ID}{kind}/{slug}"
    if not INSTANCE_IRI.fullmatch(iri):
        raise ValueError(f"not an instance IRI: {iri}")
    return URIRef(iri)


def compact(iri: str) -> str:
    """The shortest ``prefix:local`` form of an IRI, or the IRI itself."""
    best, found = "", iri
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            local = iri[len(namespace) :]
            if re.fullmatch(r"[A-Za-z0-9_\-.]*", local):
                best, found = namespace, f"{prefix}:{local}"
    return found
