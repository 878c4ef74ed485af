"""Query evaluation in worker processes, so a query past its time limit is really stopped.

Oxigraph evaluates a query in native code that a Python thread cannot interrupt.
Each worker process holds its own read-only handle on the store; a query that
overruns its timeout gets its worker killed and replaced, and every other client
keeps being served by the remaining workers. Workers follow the store link: after
a rebuild swaps it, each reopens the new build before its next query.

On a remote store (:mod:`kg.remote`) the workers are the same: each waits on the
engine's answer with its own HTTP timeout, and is killed like any other when the
query overruns; it may only connect to the engine's query URL (:mod:`kg.netguard`).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import queue
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg import netguard
from kg.queries import Substitutions
from kg.remote import AnyStore, Endpoint, Location, RemoteStore, RemoteStoreError, RemoteTimeout
from kg.sparql_results import BOOLEAN_FORMATS, GRAPH_FORMATS, SOLUTION_WRITERS
from kg.terms import PREFIXES

log = logging.getLogger(__name__)


class QueryFailed(Exception):
    """The query could not be answered; ``kind`` says why, for the HTTP status."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind  # syntax | not-acceptable | timeout | busy | upstream | error
        super().__init__(message)


@dataclass(frozen=True)
class Request:
    query: str
    solutions_format: str | None = "json"  # a key of SOLUTION_WRITERS, None if unacceptable
    graph_format: str | None = "turtle"  # a key of GRAPH_FORMATS, None if unacceptable
    default_graph: tuple[str, ...] = ()  # empty: the union of all graphs
    named_graphs: tuple[str, ...] = ()  # empty: all named graphs
    substitutions: Substitutions = field(default_factory=dict)


@dataclass(frozen=True)
class Response:
    kind: str  # solutions | boolean | graph
    format: str
    body: bytes
    rows: int
    truncated: bool


def evaluate(store: AnyStore, request: Request, max_rows: int) -> Response:
    """Run one request against a store and serialise at most ``max_rows`` rows or triples."""
    options: dict[str, Any] = {"substitutions": request.substitutions or None}
    if request.default_graph:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graph]
    else:
        options["use_default_graph_as_union"] = True
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    result = store.query(request.query, **options)
    if isinstance(result, ox.QueryBoolean):
        fmt = _acceptable(request.solutions_format, "a boolean")
        body = result.serialize(format=BOOLEAN_FORMATS[fmt]) or b""
        return Response("boolean", fmt, body, 1, False)
    if isinstance(result, ox.QuerySolutions):
        fmt = _acceptable(request.solutions_format, "query solutions")
        variables = [v.value for v in result.variables]
        try:
            rows = [tuple(row) for row in itertools.islice(result, max_rows + 1)]
        except SyntaxError as error:
            # Only a remote store's answer is parsed here: an engine that fails after it
            # began to answer (a SERVICE it called failed) breaks its results off.
            message = f"the store's answer broke off (did a SERVICE it called fail?): {error}"
            raise QueryFailed("upstream", message) from None
        body = SOLUTION_WRITERS[fmt](variables, rows[:max_rows])
        return Response("solutions", fmt, body, min(len(rows), max_rows), len(rows) > max_rows)
    fmt = _acceptable(request.graph_format, "an RDF graph")
    triples = list(itertools.islice(result, max_rows + 1))
    body = ox.serialize(triples[:max_rows], format=GRAPH_FORMATS[fmt], prefixes=PREFIXES) or b""
    return Response("graph", fmt, body, min(len(triples), max_rows), len(triples) > max_rows)


def _acceptable(fmt: str | None, what: str) -> str:
    if fmt is None:
        raise QueryFailed("not-acceptable", f"the query returns {what}; no format asked for fits")
    return fmt


def _serve(conn: Connection, location: str | Endpoint, max_rows: int, timeout: float) -> None:
    """The worker loop: answer requests until the pipe closes."""
    opened = ""  # the build the store was opened from (embedded stores)
    store: AnyStore | None = None
    if isinstance(location, Endpoint):
        netguard.install([location.query])
        store = RemoteStore(location, timeout, max_rows=max_rows + 1)
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        try:
            if isinstance(location, str):
                current = os.path.realpath(location)
                if current != opened:  # the store link was swapped by a rebuild
                    store, opened = ox.Store.read_only(current), current
            assert store is not None
            conn.send(("ok", evaluate(store, request, max_rows)))
        except QueryFailed as error:
            conn.send((error.kind, str(error)))
        except SyntaxError as error:
            conn.send(("syntax", str(error)))
        except RemoteTimeout as error:  # the HTTP client's timeout, the pool's own
            conn.send(("timeout", str(error)))
        except (RemoteStoreError, netguard.OutboundRequestBlocked) as error:
            conn.send(("upstream", str(error)))
        except OSError as error:  # what Oxigraph raises when a SERVICE endpoint fails
            conn.send(("upstream", f"a remote SPARQL endpoint (SERVICE) failed: {error}"))
        except Exception:  # any failure is reported, the worker lives on
            log.exception("query failed")
            conn.send(("error", "the query failed on an internal error (see the server log)"))


class Worker:
    def __init__(self, context: Any, location: Location, max_rows: int, timeout: float) -> None:
        self.conn, child = context.Pipe()
        # A worker only reads: it gets neither the store's update URLs nor its credentials.
        where = location.read_only() if isinstance(location, Endpoint) else str(location)
        self.process = context.Process(
            target=_serve, args=(child, where, max_rows, timeout), daemon=True
        )
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """A fixed number of worker processes; ``execute`` is safe to call from many threads."""

    def __init__(
        self, location: Location, size: int = 2, timeout: float = 10.0, max_rows: int = 10_000
    ) -> None:
        self.location, self.timeout, self.max_rows = location, timeout, max_rows
        self._context = multiprocessing.get_context("forkserver")
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> Worker:
        worker = Worker(self._context, self.location, self.max_rows, self.timeout)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: Worker) -> Worker:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        return self._spawn()

    def execute(self, request: Request, timeout: float | None = None) -> Response:
        """Evaluate in a free worker; raises QueryFailed (timeout, busy, syntax…)."""
        limit = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise QueryFailed("busy", f"no query worker became free within {limit:g} s") from None
        try:
            worker.conn.send(request)
            if not worker.conn.poll(limit):
                worker = self._replace(worker)
                raise QueryFailed("timeout", f"the query was stopped after {limit:g} s")
            status, payload = worker.conn.recv()
        except (EOFError, OSError) as error:
            worker = self._replace(worker)
            raise QueryFailed("error", f"the query worker died: {error}") from error
        finally:
            self._idle.put(worker)
        if status != "ok":
            raise QueryFailed(status, payload)
        return payload  # type: ignore[no-any-return]

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()
