"""``/sparql`` over HTTP: the real server, started by a fixture, driven as clients drive it.

Covers the SPARQL 1.1 Protocol query operation, the service description, CORS,
the limits (timeout, rows, query size) and the SERVICE allow-list.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDF
from server_fixtures import (
    DIRECT,
    FORM,
    GRAPH_FORMATS,
    HOWS,
    SOLUTION_FORMATS,
    Backend,
    Listener,
    Reply,
    Server,
    column,
    fetch,
    graph,
    has_charset,
    send,
    solutions,
)
from SPARQLWrapper import SPARQLWrapper
from SPARQLWrapper import Wrapper as sw

pytestmark = [
    pytest.mark.server,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context:DeprecationWarning"),
]

ID = "https://w3id.org/passerelles/id/"
ONTOLOGY = "https://w3id.org/passerelles/graph/ontology"
PEOPLE = "https://w3id.org/passerelles/graph/data/people"
CECILE = URIRef(ID + "person/cecile-marsan")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

FOAF_PREFIX = "PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
NAMES = FOAF_PREFIX + "SELECT ?person ?name WHERE { ?person a foaf:Person ; foaf:name ?name }"
NAME_GRAPH = FOAF_PREFIX + "CONSTRUCT { ?p foaf:name ?n } WHERE { ?p a foaf:Person ; foaf:name ?n }"
HAS_PEOPLE = FOAF_PREFIX + "ASK { ?person a foaf:Person }"
# GROUP BY, not DISTINCT: Virtuoso takes 4 s and more for DISTINCT here (docs/engines.md).
GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
RECORD = "https://w3id.org/passerelles/graph/build"  # a remote store's build record
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER (?s != <{RECORD}>) }}"
MONSTER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
INSERT = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"

# -- the query operation ---------------------------------------------------------------


@pytest.mark.parametrize("how", HOWS)
def test_every_method_of_the_protocol_answers(server: Server, how: str) -> None:
    assert "Cécile Marsan" in column(solutions(send(server, NAMES, how)), "name")


@pytest.mark.parametrize("fmt", SOLUTION_FORMATS)
def test_every_solution_format_parses_back(server: Server, fmt: str) -> None:
    media, parser = SOLUTION_FORMATS[fmt]
    reply = send(server, NAMES, accept=media)
    assert has_charset(reply, media)
    result = solutions(reply, parser)
    assert "Cécile Marsan" in column(result, "name")
    assert str(CECILE) in column(result, "person")


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_every_graph_format_parses_back(server: Server, fmt: str) -> None:
    media, parser = GRAPH_FORMATS[fmt]
    reply = send(server, NAME_GRAPH, accept=media)
    assert has_charset(reply, media)
    assert Literal("Cécile Marsan") in set(graph(reply, parser).objects(CECILE, FOAF.name))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask(server: Server, fmt: str) -> None:
    media, parser = SOLUTION_FORMATS[fmt]
    assert solutions(send(server, HAS_PEOPLE, accept=media), parser).askAnswer is True


def test_describe(server: Server, backend: Backend) -> None:
    """SPARQL leaves a description's shape to the engine: Oxigraph gives the statements
    about the resource, Virtuoso some of them and some pointing at it (docs/engines.md)."""
    subject = URIRef(ID + "organisation/co-actions")
    described = graph(send(server, f"DESCRIBE <{subject}>", accept="text/turtle"))
    assert len(described) > 0
    assert all(subject in (s, o) or isinstance(s, BNode) for s, _, o in described)
    if backend.name != "virtuoso":  # Virtuoso's own choice of statements lacks the type
        assert (subject, RDF.type, None) in described


@pytest.mark.parametrize(
    ("query", "accept", "media"),
    [
        (NAMES, "application/sparql-results+xml;q=0.5, text/csv;q=0.9", "text/csv"),
        (NAMES, "application/sparql-results+xml;q=0.9, text/csv;q=0.5", SOLUTION_FORMATS["xml"][0]),
        (NAMES, "text/turtle, text/tab-separated-values;q=0.1", "text/tab-separated-values"),
        (NAME_GRAPH, "application/rdf+xml;q=0.3, application/n-triples", "application/n-triples"),
        (NAME_GRAPH, "*/*;q=0.1, application/ld+json;q=0.8", "application/ld+json"),
    ],
)
def test_accept_q_values_choose_the_format(
    server: Server, query: str, accept: str, media: str
) -> None:
    assert send(server, query, accept=accept).media == media


JSON_OR_TURTLE = "application/sparql-results+json, text/turtle"


@pytest.mark.parametrize(
    ("query", "fmt", "media"),
    [
        (NAMES, "csv", "text/csv"),
        (NAMES, "text/tab-separated-values", "text/tab-separated-values"),
        (NAME_GRAPH, "jsonld", "application/ld+json"),
        (NAME_GRAPH, "xml", "application/rdf+xml"),  # SPARQLWrapper's name for RDF/XML
        (NAME_GRAPH, "rdf+xml", "application/rdf+xml"),
    ],
)
def test_format_parameter_overrides_accept(
    server: Server, query: str, fmt: str, media: str
) -> None:
    reply = send(server, query, accept=JSON_OR_TURTLE, params=[("format", fmt)])
    assert reply.status == 200, reply.text
    assert reply.media == media


@pytest.mark.parametrize(
    ("query", "accept"),
    [(NAMES, "image/png"), (NAMES, "text/turtle"), (NAME_GRAPH, "text/csv")],
)
def test_an_accept_that_fits_nothing_gets_406(server: Server, query: str, accept: str) -> None:
    reply = send(server, query, accept=accept)
    assert reply.status == 406
    assert has_charset(reply, "text/plain")


def parser_message(backend: Backend, bad: str) -> str:
    """What the store's own parser says of a query (a remote engine's first line of it)."""
    if backend.name == "embedded":
        with pytest.raises(SyntaxError) as parsed:
            ox.Store().query(bad)
        return str(parsed.value)
    said = fetch(backend.store, {"query": bad})
    assert said.status == 400
    return said.text.strip().splitlines()[0]


def test_malformed_query_gets_400_with_the_parser_message(server: Server, backend: Backend) -> None:
    bad = "SELECT ?x WHERE { ?x"
    reply = send(server, bad)
    assert reply.status == 400
    assert reply.media == "text/plain"
    assert parser_message(backend, bad) in reply.text


@pytest.mark.parametrize("how", HOWS)
def test_query_given_twice_gets_400(server: Server, how: str) -> None:
    """Twice in the URL or the form, or in the URL and the body of a direct POST."""
    reply = send(server, HAS_PEOPLE, how, params=[("query", HAS_PEOPLE)])
    assert reply.status == 400
    assert re.search(r"once|both", reply.text)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_get_405(server: Server, method: str) -> None:
    reply = fetch(server.sparql, method=method, data=HAS_PEOPLE.encode())
    assert reply.status == 405
    assert {"GET", "POST"} <= {m.strip() for m in reply.headers["Allow"].split(",")}


@pytest.mark.parametrize("content_type", ["text/plain", "application/json"])
def test_post_of_another_content_type_gets_415(server: Server, content_type: str) -> None:
    headers = {"Content-Type": content_type}
    reply = fetch(server.sparql, method="POST", data=HAS_PEOPLE.encode(), headers=headers)
    assert reply.status == 415


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (FORM, b"update=" + INSERT.replace(" ", "+").encode()),
        ("application/sparql-update", INSERT.encode()),
        (DIRECT, INSERT.encode()),
    ],
)
def test_update_is_refused_as_read_only(server: Server, content_type: str, body: bytes) -> None:
    reply = fetch(server.sparql, method="POST", data=body, headers={"Content-Type": content_type})
    assert reply.status == 403
    assert "read-only" in reply.text
    assert solutions(send(server, "ASK { <urn:x:a> ?p ?o }")).askAnswer is False


@pytest.mark.parametrize("how", HOWS)
def test_default_graph_uri_restricts_the_dataset(server: Server, how: str) -> None:
    def people_in(graph_iri: str) -> bool | None:
        reply = send(server, HAS_PEOPLE, how, params=[("default-graph-uri", graph_iri)])
        return solutions(reply).askAnswer

    assert people_in(ONTOLOGY) is False
    assert people_in(PEOPLE) is True


@pytest.mark.parametrize("how", HOWS)
def test_named_graph_uri_restricts_graph_patterns(server: Server, how: str) -> None:
    named = [("named-graph-uri", ONTOLOGY), ("named-graph-uri", PEOPLE)]
    assert column(solutions(send(server, GRAPHS, how, params=named)), "g") == {ONTOLOGY, PEOPLE}
    assert len(column(solutions(send(server, GRAPHS, how)), "g")) > 2


# -- service description and CORS -------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "params", "fmt"),
    [
        ("", {}, "turtle"),
        ("text/turtle", {}, "turtle"),
        ("application/ld+json", {}, "jsonld"),
        ("text/turtle", {"format": "rdfxml"}, "rdfxml"),
    ],
)
def test_service_description(server: Server, accept: str, params: dict[str, str], fmt: str) -> None:
    media, parser = GRAPH_FORMATS[fmt]
    reply = fetch(server.sparql, params, headers={"Accept": accept} if accept else {})
    assert has_charset(reply, media)
    described = graph(reply, parser)
    service = URIRef(server.sparql)
    assert (service, RDF.type, SD.Service) in described
    assert (service, SD.endpoint, service) in described
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in described
    assert (service, SD.feature, SD.UnionDefaultGraph) in described
    formats = set(described.objects(service, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.Turtle, FORMATS["JSON-LD"]} <= formats
    dataset = described.value(service, SD.defaultDataset)
    names = {str(described.value(g, SD.name)) for g in described.objects(dataset, SD.namedGraph)}
    assert {ONTOLOGY, PEOPLE} <= names
    count = solutions(send(server, COUNT))  # but a remote store's build record
    assert described.value(dataset, VOID.triples) == Literal(int(column(count, "n").pop()))


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("query", [HAS_PEOPLE, "ASK {"], ids=["answer", "error"])
def test_cors_headers_on_answers_and_errors(server: Server, how: str, query: str) -> None:
    reply = send(server, query, how)
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Result-Truncated" in reply.headers["Access-Control-Expose-Headers"]


def test_cors_preflight(server: Server) -> None:
    headers = {
        "Origin": "https://example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    reply = fetch(server.sparql, method="OPTIONS", headers=headers)
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in reply.headers["Access-Control-Allow-Methods"]
    assert "content-type" in reply.headers["Access-Control-Allow-Headers"].lower()


# -- SPARQLWrapper as a client -----------------------------------------------------------


Method = tuple[str, str]  # SPARQLWrapper's HTTP method and request method
DEFAULT = (sw.GET, sw.URLENCODED)
WRAPPER_METHODS = [DEFAULT, (sw.POST, sw.URLENCODED), (sw.POST, sw.POSTDIRECTLY)]


def converted(server: Server, query: str, fmt: str | None, how: Method = DEFAULT) -> Any:
    """The answer to ``query`` as SPARQLWrapper converts it."""
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setMethod(how[0])
    client.setRequestMethod(how[1])
    if fmt:
        client.setReturnFormat(fmt)
    return client.queryAndConvert()


@pytest.mark.parametrize("how", WRAPPER_METHODS, ids="-".join)
def test_sparqlwrapper_select_and_ask(server: Server, how: Method) -> None:
    bindings = converted(server, NAMES, sw.JSON, how)["results"]["bindings"]
    assert "Cécile Marsan" in {row["name"]["value"] for row in bindings}
    assert converted(server, HAS_PEOPLE, sw.JSON, how)["boolean"] is True


@pytest.mark.parametrize("fmt", [None, sw.TURTLE, sw.N3, sw.XML, sw.RDFXML, sw.JSONLD])
def test_sparqlwrapper_construct(server: Server, fmt: str | None) -> None:
    """Every graph format SPARQLWrapper asks for, its default (XML, meaning RDF/XML) too."""
    answer = converted(server, NAME_GRAPH, fmt)
    parsed = answer if isinstance(answer, Graph) else Graph().parse(data=answer, format="turtle")
    assert Literal("Cécile Marsan") in set(parsed.objects(CECILE, FOAF.name))


# -- limits ------------------------------------------------------------------------------


def timed(server: Server, query: str) -> tuple[Reply, float]:
    started = time.monotonic()
    reply = send(server, query)
    return reply, time.monotonic() - started


def test_timeout_stops_a_monster_query_while_other_clients_are_served(
    server: Server, backend: Backend
) -> None:
    limit = server.settings["timeout"]
    if backend.name == "virtuoso":  # it refuses the query on its estimate, before running it
        reply, seconds = timed(server, MONSTER)
        assert reply.status == 503 and "Retry-After" in reply.headers
        assert "estimated execution time" in reply.text and seconds < limit
        return
    monster: list[tuple[Reply, float]] = []
    thread = threading.Thread(target=lambda: monster.append(timed(server, MONSTER)))
    thread.start()
    time.sleep(0.2)  # let the monster reach its worker
    others: list[tuple[Reply, float]] = []
    while thread.is_alive():
        others.append(timed(server, HAS_PEOPLE))
        time.sleep(0.05)
    thread.join()
    (reply, seconds) = monster[0]
    assert reply.status == 503
    assert re.search(rf"(stopped|timed? ?out)\b.* {limit:g} s", reply.text), reply.text
    assert "Retry-After" in reply.headers
    assert limit - 0.2 < seconds < limit + 2
    assert len(others) >= 5, "the second client was not served during the monster query"
    assert all(other.status == 200 for other, _ in others)
    assert max(took for _, took in others) < 0.5
    # The stopped worker was replaced: both workers answer again, one after the other.
    for _ in range(2 * server.settings["workers"]):
        assert solutions(send(server, HAS_PEOPLE)).askAnswer is True


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", lambda r: len(solutions(r).bindings)),
        ("CONSTRUCT WHERE { ?s ?p ?o }", lambda r: len(graph(r))),
    ],
    ids=["solutions", "triples"],
)
def test_results_past_max_rows_are_truncated_and_announced(
    server: Server, query: str, count: Callable[[Reply], int]
) -> None:
    limit = server.settings["max_rows"]
    reply = send(server, query)
    assert count(reply) == limit
    assert reply.headers["X-Result-Truncated"] == f"true; limit={limit}"
    assert reply.headers["X-Result-Rows"] == str(limit)
    small = send(server, query.replace("}", "} LIMIT 5"))
    assert count(small) == 5
    assert "X-Result-Truncated" not in small.headers


@pytest.mark.parametrize("how", HOWS)
def test_a_query_past_max_query_bytes_gets_413(
    make_server: Callable[..., Server], how: str
) -> None:
    small = make_server(max_query_bytes=200)
    assert send(small, HAS_PEOPLE, how).status == 200
    reply = send(small, HAS_PEOPLE + " #" + "x" * 200, how)
    assert reply.status == 413
    assert "200 bytes" in reply.text


# -- no open relay: SERVICE only to allow-listed endpoints --------------------------------


# @URL@: the listener's endpoint, @ROOT@: its folder, @TAIL@: the URL without its "http",
# @CALL@: a SERVICE call of @URL@.
PROBES = {
    "iri": "SELECT * WHERE { @CALL@ }",
    "silent": "SELECT * WHERE { SERVICE SILENT <@URL@> { ?s ?p ?o } }",
    "lower-case": "select * where { service <@URL@> { ?s ?p ?o } }",
    "prefixed": "PREFIX e: <@ROOT@> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
    "base": "BASE <@ROOT@> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "variable": "SELECT * WHERE { BIND (<@URL@> AS ?x) SERVICE ?x { ?s ?p ?o } }",
    "escaped-target": r"SELECT * WHERE { SERVICE <\u0068ttp@TAIL@> { ?s ?p ?o } }",
    # Text the guard must not take for a comment or a string: an escape in an IRI or a
    # prefixed name, then `#` or a quote, then the SERVICE call on the same line; a comment
    # that a carriage return ends.
    "escaped-iri": r"SELECT * WHERE { VALUES ?z { <urn:x:\u0041#> } @CALL@ }",
    "escaped-hash": r"PREFIX e: <urn:x:> SELECT * WHERE { VALUES ?z { e:a\#b } @CALL@ }",
    "escaped-quote": r"PREFIX e: <urn:x:> SELECT * WHERE { VALUES ?z { e:a\' } @CALL@ } # '",
    "after-cr": "SELECT * WHERE { # a comment ends at a carriage return\r@CALL@ }",
}


def probe(listener: Listener, name: str) -> str:
    url = listener.url
    values = {"@URL@": url, "@ROOT@": url.removesuffix("sparql"), "@TAIL@": url[4:]}
    values["@CALL@"] = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    return re.sub("@[A-Z]+@", lambda m: values[m.group()], PROBES[name])


@pytest.mark.parametrize("name", PROBES)
def test_service_off_the_allow_list_is_refused_and_never_called(
    server: Server, listener: Listener, name: str
) -> None:
    reply = send(server, probe(listener, name))
    assert reply.status == 400, reply.text
    named = "?x" if name == "variable" else listener.url
    assert f"SERVICE {named} is not allowed" in reply.text
    assert not listener.connected.wait(1.0), "the server connected to a port not allow-listed"


def test_service_on_the_allow_list_is_called(
    make_server: Callable[..., Server], listener: Listener, backend: Backend
) -> None:
    if backend.name == "virtuoso":
        # A remote engine makes the SERVICE call itself; Virtuoso's anonymous user may not
        # (SQ070, as docs/engines.md advises). The allow-list is tested before any sending.
        pytest.skip("Virtuoso's public SPARQL user is not allowed SERVICE calls")
    federating = make_server(service_allowlist=[listener.url])
    elsewhere = probe(listener, "iri").replace(str(listener.port), str(listener.port + 1))
    assert send(federating, elsewhere).status == 400
    reply = send(federating, probe(listener, "iri"))
    assert listener.connected.wait(5.0), "the allow-listed endpoint was never called"
    assert reply.status == 502, "the listener hung up: a bad gateway, not a refusal"
    assert "SERVICE" in reply.text and "Traceback" not in reply.text


def test_method_not_allowed_still_carries_cors(server: Server) -> None:
    reply = fetch(server.sparql, method="PUT", data=b"x")
    assert reply.status == 405 and reply.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(("accept", "parser"), [("application/json", "json-ld"),
                                                ("application/xml", "xml")])  # fmt: skip
def test_generic_json_and_xml_mean_json_ld_and_rdf_xml_for_graphs(
    server: Server, accept: str, parser: str
) -> None:
    reply = send(server, f"DESCRIBE <{ID}organisation/co-actions>", accept=accept)
    assert reply.status == 200, reply.text
    assert len(graph(reply, parser)) > 5
    described = fetch(server.sparql, {"format": parser.split("-")[0]})
    assert described.status == 200 and len(graph(described, parser)) > 5


def test_pages_stay_fast_while_public_queries_fill_every_worker(
    make_server: Callable[..., Server], backend: Backend
) -> None:
    """Slow public queries take all their workers; pages have workers of their own."""
    if backend.name != "embedded":
        # Our workers are apart, the engine is not: it evaluates the slow queries to its
        # own timeout whether or not our server still waits, on the same two cores.
        pytest.skip("a remote engine's CPU is shared by the public's queries and the pages'")
    busy = make_server(timeout=3, workers=2, page_workers=1, threads=16)
    assert fetch(busy.url("/page/organisation/co-actions")).status == 200  # the caches
    monsters = [threading.Thread(target=send, args=(busy, MONSTER)) for _ in range(8)]
    for monster in monsters:
        monster.start()
    time.sleep(0.5)  # both public workers are busy, and six more queries wait for one
    started = time.monotonic()
    page = fetch(busy.url("/page/person/noemie-escortell"))
    took = time.monotonic() - started
    for monster in monsters:
        monster.join()
    assert page.status == 200 and took < 0.2, took
