"""The build into a remote store: stage and gate locally, then replace our graphs remotely.

The sources are staged and validated exactly as for the embedded store, in an
in-memory Oxigraph store; nothing is sent unless the graph passed the gate. Then
each of our named graphs is replaced in the remote store — by the Graph Store
Protocol (PUT, then POST for the rest of a large graph) when ``store_gsp`` is set,
else by SPARQL Update (``DROP SILENT GRAPH`` and ``INSERT DATA`` in chunks) — our
graphs that the new build no longer has are dropped, and no other graph is touched.

Our graphs are those under ``https://w3id.org/passerelles/graph/`` (every graph the
build names today) and those the previous build recorded in its record graph,
``…/graph/build``, written last: its identifier tells the servers' caches that the
build changed.
"""

from __future__ import annotations

import base64
import datetime
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
from SPARQLWrapper import DIGEST, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kg.build import NotConforming, Staged, stage
from kg.progress import Progress, quiet
from kg.remote import BUILD_GRAPH, BUILD_ID, RECORDED, Endpoint, RemoteStore, RemoteStoreError
from kg.terms import GRAPH

DCTERMS = "http://purl.org/dc/terms/"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
# A request's worth: Virtuoso 7 refuses an INSERT DATA whose generated SQL passes 10,000
# lines (about 1,500 triples of terms new to it), and answers a body of 700 KB and more
# 401 before reading it under digest authentication (a broken pipe on our side).
CHUNK = 500  # triples an INSERT DATA
CHUNK_BYTES = 256_000  # of N-Triples, about, a request of either kind
GSP_CHUNK = 10_000  # triples a Graph Store request: its bytes are what limits it
TIMEOUT = 300.0  # seconds a load request may take
# GROUP BY, not DISTINCT: Virtuoso answers it in milliseconds, DISTINCT in seconds.
OURS = f"""SELECT ?g WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{GRAPH}"))
}} GROUP BY ?g"""


def build(
    root: Path,
    endpoint: Endpoint,
    progress: Progress = quiet,
    lang: str = "en",
    shacl_engine: str = "auto",
) -> Staged:
    """Stage and validate the sources, then publish them to the remote store."""
    if not (endpoint.gsp or endpoint.update):
        raise RemoteStoreError(
            "a remote store is loaded through its Graph Store Protocol or SPARQL Update URL: "
            "set store_gsp or store_update (PASSERELLES_STORE_GSP, PASSERELLES_STORE_UPDATE)"
        )
    staged_store = ox.Store()
    staged = stage(root, staged_store, progress, lang, shacl_engine=shacl_engine)
    if not staged.report.conforms:
        raise NotConforming(staged.report)
    replace_graphs(endpoint, staged_store, progress)
    return staged


def _column(endpoint: Endpoint, query: str, name: str) -> list[str]:
    """One column of a query over every graph of the engine, ours or not."""
    rows = RemoteStore(replace(endpoint, dataset="union")).query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return [term.value for row in rows if (term := row[name]) is not None]


def build_id(endpoint: Endpoint) -> str:
    """The identifier of the build the remote store holds ("" if none of ours)."""
    found = _column(endpoint, BUILD_ID, "id")
    return found[0] if found else ""


def replace_graphs(endpoint: Endpoint, staged: ox.Store, progress: Progress = quiet) -> None:
    """Make our graphs in the remote store exactly those of ``staged``; leave the others."""
    previous = set(_column(endpoint, OURS, "g")) | set(_column(endpoint, RECORDED, "g"))
    graphs = sorted(g.value for g in staged.named_graphs() if isinstance(g, ox.NamedNode))
    loader = _GraphStore(endpoint) if endpoint.gsp else _Update(endpoint)
    for number, graph in enumerate(graphs, 1):
        quads = staged.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        triples = [quad.triple for quad in quads]
        progress(f"Loading graph {number}/{len(graphs)} ({len(triples)} triples): {graph}")
        loader.replace(graph, triples)
    for stale in sorted(previous - set(graphs) - {BUILD_GRAPH}):
        progress(f"Dropping graph {stale}")
        loader.replace(stale, [])
    loader.replace(BUILD_GRAPH, _record(graphs))


def _record(graphs: list[str]) -> list[ox.Triple]:
    """The build's record: its identifier, its time, and the graphs it loaded."""
    build = ox.NamedNode(BUILD_GRAPH)
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return [
        ox.Triple(build, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(str(uuid.uuid4()))),
        ox.Triple(
            build,
            ox.NamedNode(DCTERMS + "modified"),
            ox.Literal(now, datatype=ox.NamedNode(XSD_DATETIME)),
        ),
        *(ox.Triple(build, ox.NamedNode(DCTERMS + "hasPart"), ox.NamedNode(g)) for g in graphs),
    ]


def chunks(triples: list[ox.Triple], most: int | None = None) -> Iterator[list[ox.Triple]]:
    """Requests' worth of triples (at least one request, maybe empty). Every triple with a
    blank node goes in the first one: a blank node label means one node within one
    request only."""
    most = most or CHUNK
    batch = [t for t in triples if _has_blank(t)]
    size = sum(len(str(t)) for t in batch)
    for triple in triples:
        if _has_blank(triple):
            continue
        length = len(str(triple)) + 3  # " .\n"
        if batch and (len(batch) >= most or size + length > CHUNK_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(triple)
        size += length
    yield batch


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


class _Update:
    """Loading by SPARQL 1.1 Update: one request per chunk, the first one also drops."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    def replace(self, graph: str, triples: list[ox.Triple]) -> None:
        for number, chunk in enumerate(chunks(triples)):
            body = _ntriples(chunk).decode("utf-8")
            insert = f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}" if chunk else ""
            drop = f"DROP SILENT GRAPH <{graph}>" if number == 0 else ""
            self._send(" ;\n".join(part for part in (drop, insert) if part))

    def _send(self, update: str) -> None:
        client = SPARQLWrapper(self.endpoint.query, updateEndpoint=self.endpoint.update)
        client.setQuery(update)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setOnlyConneg(True)
        client.setTimeout(int(TIMEOUT))
        if self.endpoint.user:
            client.setCredentials(self.endpoint.user, self.endpoint.password)
            if self.endpoint.auth == "digest":
                client.setHTTPAuth(DIGEST)
        try:
            client.query().response.read()
        except SPARQLWrapperException as error:
            raise RemoteStoreError(f"the remote store refused an update: {error}") from None
        except OSError as error:
            raise RemoteStoreError(f"the remote store did not answer: {error}") from None


class _GraphStore:
    """Loading by the Graph Store Protocol: PUT the first chunk, POST (merge) the others."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler()]
        if endpoint.user and endpoint.auth == "digest":
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, endpoint.gsp, endpoint.user, endpoint.password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
        self.opener = urllib.request.build_opener(*handlers)

    def replace(self, graph: str, triples: list[ox.Triple]) -> None:
        url = f"{self.endpoint.gsp}?{urllib.parse.urlencode({'graph': graph})}"
        if not triples:
            self._send(urllib.request.Request(url, method="DELETE"), missing_ok=True)
            return
        for number, chunk in enumerate(chunks(triples, GSP_CHUNK)):
            request = urllib.request.Request(
                url,
                data=_ntriples(chunk),
                method="PUT" if number == 0 else "POST",
                headers={"Content-Type": "application/n-triples"},
            )
            self._send(request)

    def _send(self, request: urllib.request.Request, missing_ok: bool = False) -> None:
        if self.endpoint.user and self.endpoint.auth != "digest":
            secret = f"{self.endpoint.user}:{self.endpoint.password}".encode()
            request.add_header("Authorization", "Basic " + base64.b64encode(secret).decode())
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as error:
            if not (missing_ok and error.code == 404):
                detail = error.read().decode("utf-8", "replace")[:500]
                raise RemoteStoreError(
                    f"the remote store refused {request.get_method()} of a graph: "
                    f"{error.code} {detail}"
                ) from None
        except OSError as error:
            raise RemoteStoreError(f"the remote store did not answer: {error}") from None
