"""The SPARQL service description (W3C SPARQL 1.1 Service Description) with VoID statistics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from kg.terms import GRAPH

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
)  # fmt: skip

# A remote store also holds the build's record graph (kg/remote_build.py), which is not
# data: the statistics leave it out, as the dumps do (its statements are about itself).
RECORD = GRAPH["build"]
GRAPH_STATS = f"""
SELECT ?graph (COUNT(*) AS ?triples)
WHERE {{ GRAPH ?graph {{ ?s ?p ?o }} FILTER (?graph != <{RECORD}>) }} GROUP BY ?graph
"""
TOTALS = f"""
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?entities)
       (COUNT(DISTINCT ?p) AS ?properties) WHERE {{ ?s ?p ?o FILTER (?s != <{RECORD}>) }}
"""
CLASS_STATS = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"


def service_description(
    endpoint: str,
    graphs: Mapping[str, int],
    totals: Mapping[str, int],
    classes: Mapping[str, int],
    federates_with: Iterable[str] = (),
) -> Graph:
    """The description of the endpoint, its default dataset and its named graphs."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    service, dataset, default = URIRef(endpoint), URIRef(f"{endpoint}#dataset"), BNode()
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if any(True for _ in federates_with):
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    for key in ("triples", "entities", "properties"):
        g.add((dataset, VOID[key], Literal(totals.get(key, 0), datatype=XSD.integer)))
        g.add((default, VOID[key], Literal(totals.get(key, 0), datatype=XSD.integer)))
    g.add((dataset, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    for cls, count in sorted(classes.items()):
        partition = BNode()
        g.add((dataset, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(cls)))
        g.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    for name, count in sorted(graphs.items()):
        named, inner = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, inner))
        g.add((inner, RDF.type, SD.Graph))
        g.add((inner, VOID.triples, Literal(count, datatype=XSD.integer)))
    g.add((dataset, VOID.uriSpace, Literal(str(GRAPH).replace("graph/", "id/"))))
    return g
