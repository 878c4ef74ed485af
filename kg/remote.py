"""A remote SPARQL 1.1 store, queried through SPARQLWrapper as the embedded one is queried.

``--store`` may name the URL of any SPARQL 1.1 query endpoint (Oxigraph server,
Virtuoso, a clustered engine) instead of a folder. :class:`RemoteStore` answers the
part of ``pyoxigraph.Store.query`` the library uses, with pyoxigraph objects parsed
back from the engine's answer, so the executor writes results, cuts them at the row
limit and negotiates formats in one code path whatever the store.

Two things are asked of the engine. Without dataset parameters its default graph must
be the union of all graphs (``oxigraph serve --union-default-graph``; Virtuoso's
default), as the embedded store's is — or, with ``store_dataset = "ours"``, each query
names as its dataset the graphs our build recorded (slower on Oxigraph, but blind to
the engine's other graphs: Virtuoso's own, or another application's). And it must
accept SPARQL 1.1 VALUES: the parameters of named queries, which the embedded store
takes as substitutions, travel as VALUES blocks of RDF terms written by pyoxigraph
(:mod:`kg.remote_bind`), never as pasted user text.
"""

from __future__ import annotations

import ast
import io
import itertools
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.error import URLError

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from kg.remote_bind import Term, bind, cap
from kg.settings import SettingsError
from kg.sparql_guard import scan
from kg.store import open_store
from kg.terms import GRAPH

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
URL = re.compile(r"https?://\S+", re.I)
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
# The build's record in the remote store (kg/remote_build.py writes it last).
BUILD_GRAPH = str(GRAPH["build"])
RECORD = "SELECT ?{1} WHERE {{ GRAPH <{0}> {{ <{0}> <http://purl.org/dc/terms/{2}> ?{1} }} }}"
BUILD_ID = RECORD.format(BUILD_GRAPH, "id", "identifier")
RECORDED = RECORD.format(BUILD_GRAPH, "g", "hasPart")
RECORD_SECONDS = 2.0  # how long the graphs of the record are trusted
# Virtuoso writes xsd:boolean values in JSON results as "1" and "0", Oxigraph as SPARQL's
# canonical "true" and "false"; a boolean term is under 120 bytes however it is spaced.
BOOLEAN = re.compile(
    rb'("datatype"\s{0,8}:\s{0,8}"http://www\.w3\.org/2001/XMLSchema#boolean"\s{0,8},'
    rb'\s{0,8}"value"\s{0,8}:\s{0,8}")([01])"'
)
CANONICAL = {b"1": b"true", b"0": b"false"}
TAIL = 160  # bytes held back from each piece read: they may hold the start of a boolean
# Virtuoso refuses a query it estimates past its MaxQueryCostEstimationTime before running
# it: what our timeout would have done later. Past its MaxQueryExecutionTime it answers
# what it found so far (an "anytime" answer) and says so in a header only.
TOO_LONG = re.compile(r"estimated execution time .* exceeds the limit", re.I)
PARTIAL = "S1TAT"


class RemoteStoreError(Exception):
    """The remote store could not be reached, refused the request, or failed."""


class RemoteTimeout(RemoteStoreError):
    """The remote store did not answer within the client's timeout."""


def is_url(location: str | Path) -> bool:
    return isinstance(location, str) and URL.fullmatch(location.strip()) is not None


@dataclass(frozen=True)
class Endpoint:
    """Where a remote store is queried, and where builds load it."""

    query: str
    update: str = ""  # SPARQL 1.1 Update
    gsp: str = ""  # SPARQL 1.1 Graph Store HTTP Protocol (preferred for loading)
    user: str = ""
    password: str = field(default="", repr=False)  # never printed, never logged
    auth: str = "basic"  # basic | digest
    dataset: str = "union"  # union: the engine's default graph; ours: the recorded graphs

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(url for url in (self.query, self.update, self.gsp) if url)

    def read_only(self) -> Endpoint:
        """The endpoint without its credentials, for processes that only query."""
        return replace(self, update="", gsp="", user="", password="")


Location = Path | Endpoint


def location(store: str | Path, values: Mapping[str, Any] | None = None) -> Location:
    """The store setting as a folder, or as an endpoint with the ``store_*`` settings."""
    if not is_url(str(store)):
        return Path(store)
    values = values or {}
    endpoint = Endpoint(
        str(store).strip(),
        str(values.get("store_update", "")),
        str(values.get("store_gsp", "")),
        str(values.get("store_user", "")),
        str(values.get("store_password", "")),
        str(values.get("store_auth", "basic")) or "basic",
        str(values.get("store_dataset", "union")) or "union",
    )
    for name, value, allowed in (
        ("store_auth", endpoint.auth, ("basic", "digest")),
        ("store_dataset", endpoint.dataset, ("union", "ours")),
    ):
        if value not in allowed:
            raise SettingsError(f"{name} is {value!r}, not one of {', '.join(allowed)}")
    return endpoint


# -- querying ------------------------------------------------------------------------------


def _graph_iris(graphs: GraphName | list[GraphName] | None) -> list[str]:
    if graphs is None:
        return []
    iris = []
    for graph in graphs if isinstance(graphs, list) else [graphs]:
        if not isinstance(graph, ox.NamedNode):
            raise ValueError("a remote store's dataset names graphs by IRI only")
        iris.append(graph.value)
    return iris


def _engine_message(error: SPARQLWrapperException) -> str:
    """The engine's own text of an error (SPARQLWrapper keeps it only inside its message)."""
    _, sep, response = str(error).partition("Response:\n")
    try:
        body = ast.literal_eval(response) if sep else b""
    except (SyntaxError, ValueError):
        body = response.encode()
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return text.strip() or str(error)


class CanonicalBooleans(io.RawIOBase):
    """JSON results, as they stream in, with xsd:boolean values written "true" and "false"
    (the canonical form, Oxigraph's) whatever the engine wrote."""

    def __init__(self, raw: Any) -> None:
        self.raw, self.held, self.ready, self.done = raw, b"", b"", False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.ready and not self.done:
            piece = self.raw.read(65536)
            text = BOOLEAN.sub(lambda m: m[1] + CANONICAL[m[2]] + b'"', self.held + piece)
            cut = len(text) - TAIL if piece else len(text)
            self.ready, self.held, self.done = text[: max(cut, 0)], text[max(cut, 0) :], not piece
        size = min(len(buffer), len(self.ready))
        buffer[:size], self.ready = self.ready[:size], self.ready[size:]
        return size

    def close(self) -> None:
        self.raw.close()
        super().close()


class RemoteStore:
    """A SPARQL 1.1 query endpoint answering as ``pyoxigraph.Store.query`` answers.

    ``timeout`` bounds each network wait (the query workers also kill a query past
    theirs); ``max_rows`` is how many solutions or triples are read at most: a SELECT
    is sent with that LIMIT, so that the engine stops there too.
    """

    def __init__(
        self, endpoint: Endpoint, timeout: float | None = None, max_rows: int | None = None
    ) -> None:
        self.endpoint, self.timeout, self.max_rows = endpoint, timeout, max_rows
        self._ours: tuple[float, list[str]] = (0.0, [])  # (until when, graphs)

    def query(
        self,
        query: str,
        /,
        *,
        use_default_graph_as_union: bool = False,
        default_graph: GraphName | list[GraphName] | None = None,
        named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None,
        substitutions: Mapping[ox.Variable, Term] | None = None,
    ) -> Result:
        """Evaluate a query on the engine; raises SyntaxError or RemoteStoreError.

        ``use_default_graph_as_union`` is what the engine does anyway without a dataset
        (or what naming our graphs as the dataset does, with ``dataset="ours"``).
        """
        scanned = scan(query)
        if scanned.update or scanned.form is None:
            # Never sent: the query endpoint of a store may well accept updates.
            raise SyntaxError("not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
        try:
            text = bind(query, substitutions or {})
            if scanned.form == "SELECT" and self.max_rows is not None:
                text = cap(text, self.max_rows)
        except ValueError as error:
            raise SyntaxError(str(error)) from None
        client = SPARQLWrapper(self.endpoint.query)
        client.setQuery(text)
        client.queryType = scanned.form  # its own guess stumbles on comments and prefixes
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setOnlyConneg(True)  # no format= parameter: some engines refuse unknown ones
        client.setReturnFormat(JSON if scanned.form in ("SELECT", "ASK") else TURTLE)
        if self.timeout:
            client.timeout = self.timeout  # type: ignore[assignment]  # (setTimeout rounds)
        defaults, named = _graph_iris(default_graph), _graph_iris(list(named_graphs or []))
        if not (defaults or named) and self.endpoint.dataset == "ours":
            defaults = named = self.our_graphs()
        for iri in defaults:
            client.addDefaultGraph(iri)
        for iri in named:
            client.addNamedGraph(iri)
        response = self._send(client)
        media = response.headers.get("Content-Type", "")
        if scanned.form in ("SELECT", "ASK"):
            fmt = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
            if fmt == ox.QueryResultsFormat.JSON:
                response = io.BufferedReader(CanonicalBooleans(response))
            return ox.parse_query_results(response, fmt)
        return self._triples(response, ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE)

    def our_graphs(self) -> list[str]:
        """The graphs the build recorded (read again every ``RECORD_SECONDS``)."""
        until, graphs = self._ours
        if time.monotonic() >= until:
            rows = self.query(RECORDED, named_graphs=[ox.NamedNode(BUILD_GRAPH)])
            assert isinstance(rows, ox.QuerySolutions)
            graphs = sorted(term.value for row in rows if (term := row["g"]) is not None)
            self._ours = (time.monotonic() + RECORD_SECONDS, graphs)
        return graphs

    def _send(self, client: SPARQLWrapper) -> Any:
        try:
            response = client.query().response
        except QueryBadFormed as error:
            raise SyntaxError(_engine_message(error)) from None
        except SPARQLWrapperException as error:
            message = _engine_message(error)[:500]
            if TOO_LONG.search(message):
                raise RemoteTimeout(f"the remote store refused the query: {message}") from None
            raise RemoteStoreError(f"the remote store failed: {message}") from None
        except (URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise RemoteTimeout(f"the query was stopped after {self.timeout:g} s") from None
            raise RemoteStoreError(f"the remote store did not answer: {reason}") from None
        if response.headers.get("X-SQL-State") == PARTIAL:
            response.close()
            raise RemoteTimeout(
                "the remote store stopped the query at its own time limit "
                "(its answer would have been partial)"
            )
        return response

    def _triples(self, response: Any, fmt: ox.RdfFormat) -> ox.QueryTriples:
        """A graph answer as Oxigraph's own result object, read up to ``max_rows``."""
        with response:
            try:
                quads = ox.parse(response, fmt)
                held = ox.Store()  # in memory: the way to a real QueryTriples
                held.extend(itertools.islice(quads, self.max_rows))
            except SyntaxError as error:
                message = f"the remote store's answer did not parse: {error}"
                raise RemoteStoreError(message) from None
        triples = held.query("CONSTRUCT WHERE { ?s ?p ?o }")
        assert isinstance(triples, ox.QueryTriples)
        return triples

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of every named graph (what an export or a copy reads), streamed."""
        rows = self.query(ALL_QUADS)
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            graph = row["g"]
            assert isinstance(graph, ox.NamedNode | ox.BlankNode)
            yield ox.Quad(row["s"], row["p"], row["o"], graph)  # type: ignore[arg-type]


AnyStore = ox.Store | RemoteStore


def open_location(where: Location) -> AnyStore:
    """The store to query: the current embedded build, or the remote endpoint."""
    return RemoteStore(where) if isinstance(where, Endpoint) else open_store(where)


def local_copy(where: Location) -> ox.Store:
    """The embedded store, or an in-memory copy of the remote one (for a whole export)."""
    if not isinstance(where, Endpoint):
        return open_store(where)
    copy = ox.Store()
    copy.extend(RemoteStore(where).quads())
    return copy
